"""Model: frozen, format-neutral, and serialisable for `inspect`."""

from __future__ import annotations

import dataclasses
import json

import pytest

from statementpress.model import (
    Emphasis,
    LineBreak,
    NoteRef,
    Paragraph,
    Pos,
    Strong,
    Text,
    map_text,
    plain_text,
    to_dict,
    walk,
)


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


NESTED = (
    Text("a "),
    Emphasis((Text("b "), Strong((Text("c"),)), LineBreak())),
    NoteRef("k", 1),
    Text("d"),
)


def test_walk_visits_each_node_once_container_first():
    kinds = [type(n).__name__ for n in walk(NESTED)]
    assert kinds == ["Text", "Emphasis", "Text", "Strong", "Text", "LineBreak", "NoteRef", "Text"]
    assert [n.text for n in walk(NESTED) if isinstance(n, Text)] == ["a ", "b ", "c", "d"]


def test_map_text_maps_every_run_and_keeps_structure_and_positions():
    content = (Text("a b", Pos(4, 2)), Emphasis((Text("c d", Pos(4, 8)),), Pos(4, 7)))
    mapped = map_text(content, lambda s: s.replace(" ", "\u00a0"))
    assert mapped == (Text("a\u00a0b"), Emphasis((Text("c\u00a0d"),)))
    assert mapped[0].pos == Pos(4, 2)
    assert mapped[1].pos == Pos(4, 7) and mapped[1].children[0].pos == Pos(4, 8)
    assert map_text(NESTED, str.upper)[2] is NESTED[2]  # note calls pass unchanged
    assert plain_text(map_text(NESTED, str.upper)) == "A B C D"


def test_all_paragraphs_end_with_the_notes(statement):
    paragraphs = list(statement.all_paragraphs())
    assert paragraphs[: len(list(statement.text_paragraphs()))] == list(statement.text_paragraphs())
    assert paragraphs[-1] == statement.notes[-1].paragraphs[-1]


def test_inspect_shows_positions(statement):
    from conftest import SOURCE
    from statementpress import load

    data = to_dict(statement)
    assert data["meta"]["positions"]["lang"] == {"type": "KeyPos", "key": "3:1", "value": "3:7"}
    lines = SOURCE.read_text(encoding="utf-8").split("\n")
    start = plain_text(load(SOURCE).preamble[0])[:20]  # as written, before typography
    line = next(i for i, text in enumerate(lines, 1) if text.startswith(start))
    assert data["preamble"][0]["pos"] == f"{line}:1"
