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
    assert data["source"] == {"type": "Source", "path": statement.source.path,
                              "size": len(statement.source.data)}


def test_parties_in_order_without_repeats(statement):
    assert statement.parties[0] == "Китайская Народная Республика"
    assert len(statement.parties) == 6
