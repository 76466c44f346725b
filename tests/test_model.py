"""Model: frozen, format-neutral, and serialisable for `inspect`."""

from __future__ import annotations

import dataclasses
import json

import pytest

from statementpress.model import Emphasis, NoteRef, Paragraph, Text, plain_text, to_dict


def test_model_is_frozen(statement):
    with pytest.raises(dataclasses.FrozenInstanceError):
        statement.meta.id = "x"  # type: ignore[misc]


def test_plain_text_skips_note_calls():
    para = Paragraph((Text("a "), Emphasis((Text("b"),)), NoteRef("k", 1), Text(".")))
    assert plain_text(para) == "a b."


def test_to_dict_is_json_and_tagged(statement):
    data = to_dict(statement)
    json.dumps(data, ensure_ascii=False)
    assert data["type"] == "Statement"
    assert data["meta"]["date"] == "2020-07-16"
    assert data["articles"][0]["number"] == 1
    assert data["source"] == {
        "type": "Source",
        "path": statement.source.path,
        "size": len(statement.source.data),
    }


def test_parties_in_order_without_repeats(statement):
    assert statement.parties[0] == "Китайская Народная Республика"
    assert len(statement.parties) == 6


def test_text_paragraphs_in_reading_order(write_source):
    from conftest import MINIMAL
    from statementpress import load

    st = load(write_source(MINIMAL.replace("[^a]: Первое", "Заключение.\n\n[^a]: Первое")))
    texts = [plain_text(p) for p in st.text_paragraphs()]
    assert texts == [
        "Преамбула заявления.",
        "Первая статья.",
        "Второй абзац первой статьи.",
        "подпункт один;",
        "подпункт два.",
        "Вторая статья и снова.",
        "Заключение.",
    ]
