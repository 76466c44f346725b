"""The English version of our statement stays a point-for-point translation of the Russian.

Parallel editions (issue 14) print the two side by side, so the translation must keep the
Russian text's shape: the same paragraphs per article, the same notes called in the same
paragraphs, the same signatories in the same order. This guards the translation as it is
edited; it is not a check of the format (the reader's tests do that).
"""

from __future__ import annotations

from conftest import ROOT, SOURCE
from statementpress.model import Article, NoteRef, Paragraph, Statement, SubList
from statementpress.reader import load

ENGLISH = ROOT / "source" / "ca-china-fm-2020-07-16.en.md"


def _calls(paragraph: Paragraph) -> list[str]:
    """The note keys a paragraph calls, in order (calls sit at the top level of the text)."""
    return [node.key for node in paragraph.content if isinstance(node, NoteRef)]


def _article_shape(article: Article) -> list[object]:
    """Per block: a paragraph's note calls, or a sub-list's items' paragraph counts."""
    shape: list[object] = []
    for block in article.blocks:
        if isinstance(block, SubList):
            shape.append(("sub", block.ordered, [len(item.paragraphs) for item in block.items]))
        else:
            shape.append(_calls(block))
    return shape


def _shape(statement: Statement) -> dict[str, object]:
    """Everything that must line up between two language versions of one statement."""
    return {
        "title_lines": len(statement.meta.title),
        "kind": statement.meta.kind is not None,
        "subtitle": statement.meta.subtitle is not None,
        "place": statement.meta.place is not None,
        "date": statement.meta.date,
        "preamble": [_calls(p) for p in statement.preamble],
        "articles": [(a.number, _article_shape(a)) for a in statement.articles],
        "closing": [_calls(p) for p in statement.closing],
        "signatories": len(statement.signatories),
        "notes": [(n.key, n.number, len(n.paragraphs)) for n in statement.notes],
    }


def test_english_version_is_an_unofficial_translation_of_the_same_statement() -> None:
    russian, english = load(SOURCE), load(ENGLISH)
    assert english.meta.id == russian.meta.id
    assert english.meta.lang == "en"
    assert russian.meta.lang == "ru"
    assert english.meta.authoritative is False
    assert russian.meta.authoritative is True
    assert english.meta.translation is not None
    assert english.meta.translation.of == "ru"


def test_english_version_has_the_shape_of_the_russian_text() -> None:
    russian, english = load(SOURCE), load(ENGLISH)
    assert _shape(english) == _shape(russian)
    # Six articles, with two, eight and two paragraphs in articles 2, 3 and 4: the shape
    # compared above is the real one, not two empty statements.
    assert [len(a.blocks) for a in english.articles] == [1, 2, 8, 2, 1, 2]


def test_signatories_are_in_the_russian_order() -> None:
    english = load(ENGLISH)
    assert [s.name for s in english.signatories] == [
        "Wang Yi",
        "Mukhtar Tileuberdi",
        "Chingiz Aidarbekov",
        "Sirojiddin Muhriddin",
        "Rashid Meredov",
        "Abdulaziz Kamilov",
    ]
    # Each name and title also opens the preamble, in the same order.
    preamble = "".join(node.text for node in english.preamble[0].content if hasattr(node, "text"))
    positions = [preamble.index(f"{s.name}, {s.title}") for s in english.signatories]
    assert positions == sorted(positions)
