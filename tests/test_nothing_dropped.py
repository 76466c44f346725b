"""Nothing dropped: every CommonMark construct, in the body or inside a note, is either a
located error or present in every edition (proved by `statementpress.verify`)."""

from __future__ import annotations

import pytest

from statementpress.builder import build, prepare
from statementpress.errors import SourceError
from statementpress.reader import load
from statementpress.verify import verify
from statementpress.verify.text import expected_body, expected_notes

HEAD = """\
---
id: dropped
lang: en
title: Nothing dropped
date: 2021-05-12
signatories:
  - name: A. Person
    title: Minister
---

"""
ARTICLE = "1. The first article.\n"
# A note called from the preamble; its text continues with what the case puts in it.
NOTE_CALL = "The preamble calls a note[^n].\n\n" + ARTICLE + "\n[^n]: The note starts here.\n\n"

# Constructs refused with a location: name, markup (one line or more, first line holds the
# construct), and the start of the message.
REFUSED = [
    ("ATX heading", "# Heading", "headings are not part of the source format"),
    ("setext heading", "Heading\n======", "headings are not part of the source format"),
    ("fenced code", "```\ncode\n```", "code blocks are not part of the source format"),
    ("tilde fence", "~~~\ncode\n~~~", "code blocks are not part of the source format"),
    ("HTML block", "<div>text</div>", "raw HTML is not allowed in a source"),
    ("HTML comment", "<!-- hidden -->", "raw HTML is not allowed in a source"),
    ("thematic break", "***", "horizontal rules are not part of the source format"),
    ("block quote", "> quoted text", "block quotes are not part of the source format"),
    ("link definition", "[label]: https://example.org", "link reference definitions are not"),
]
INLINE_REFUSED = [
    ("inline HTML", "text <b>bold</b> text", "<b>", "raw HTML is not allowed"),
    ("link", "a [link](https://example.org) here", "[link]", "links are not part of"),
    ("image", "an ![image](x.png) here", "![image]", "images are not part of"),
    ("code span", "some `code` here", "`code`", "code spans are not part of"),
    ("autolink", "see <https://example.org> here", "<https", "links are not part of"),
]


def errors(path) -> list[str]:
    with pytest.raises(SourceError) as info:
        load(path)
    return info.value.format_message().splitlines()


def where(text: str, needle: str) -> tuple[int, int]:
    """The 1-based line and column of the first `needle` in `text`."""
    before = text[: text.index(needle)]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def indent(markup: str, spaces: int) -> str:
    return "\n".join(" " * spaces + line if line else line for line in markup.split("\n"))


PLACES = {
    # the construct at the top level of the body, after the articles
    "body": lambda m: ARTICLE + "\n" + m + "\n",
    # inside an article (indented to its text)
    "article": lambda m: "1. The first article.\n\n" + indent(m, 3) + "\n",
    # inside a note, after its first paragraph
    "note": lambda m: NOTE_CALL + indent(m, 4) + "\n",
}


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("name, markup, message", REFUSED, ids=[c[0] for c in REFUSED])
def test_block_constructs_are_located_errors(write_source, place, name, markup, message):
    text = HEAD + PLACES[place](markup)
    path = write_source(text)
    line, col = where(text, markup.split("\n")[0].strip())
    found = errors(path)
    assert any(e.startswith(f"{path}:{line}:{col}: error: {message}") for e in found), found


@pytest.mark.parametrize("kind", ["- one\n- two", "1. one\n2. two"])
def test_lists_in_a_note_are_located_errors(write_source, kind):
    text = HEAD + NOTE_CALL + indent(kind, 4) + "\n"
    path = write_source(text)
    line, col = where(text, kind.split("\n")[0])
    (found,) = errors(path)
    assert found.startswith(f"{path}:{line}:{col}: error: lists are not part of an annotation")


@pytest.mark.parametrize("place", ["body", "note"])
@pytest.mark.parametrize(
    "name, markup, needle, message", INLINE_REFUSED, ids=[c[0] for c in INLINE_REFUSED]
)
def test_inline_constructs_are_located_errors(write_source, place, name, markup, needle, message):
    if place == "body":
        text = HEAD + markup + "\n\n" + ARTICLE
    else:
        text = HEAD + "Called[^n].\n\n" + ARTICLE + "\n[^n]: " + markup + "\n"
    path = write_source(text)
    line, col = where(text, needle)
    found = errors(path)
    assert any(e.startswith(f"{path}:{line}:{col}: error: {message}") for e in found), found


def test_a_note_defined_inside_a_note_is_a_located_error(write_source):
    text = HEAD + "Called[^a].\n\n" + ARTICLE + "\n[^a]: Outer note.\n    [^b]: inner note.\n"
    path = write_source(text)
    found = errors(path)
    outer, inner = where(text, "[^a]: Outer"), where(text, "[^b]:")
    assert any(
        e.startswith(f"{path}:{outer[0]}:{outer[1]}: error: CommonMark would drop") for e in found
    )
    assert any(
        e.startswith(f"{path}:{inner[0]}:{inner[1]}: error: annotation [^b] is defined inside")
        for e in found
    ), found


def test_link_definition_deep_in_a_sub_item_is_a_located_error(write_source):
    text = HEAD + "1. Article.\n\n   - item\n\n     [x]: /url\n"
    path = write_source(text)
    line, col = where(text, "[x]: /url")
    (found,) = errors(path)
    assert found.startswith(f"{path}:{line}:{col}: error: link reference definitions")


def test_a_repeated_link_definition_is_located_too(write_source):
    text = HEAD + ARTICLE + "\n\\[x]\n\n[x]: /a\n[x]: /b\n"
    path = write_source(text)
    found = errors(path)
    for needle in ("[x]: /a", "[x]: /b"):
        line, col = where(text, needle)
        assert any(e.startswith(f"{path}:{line}:{col}: error: link reference") for e in found)


# What is kept: each of these is text of the statement, which every edition must print.
KEPT = (
    HEAD
    + """\
Escaped brackets stay literal: \\[^lit] and \\[label\\]: not a definition. Pipes stay text:

| left | right |
|------|-------|
| one  | two   |

Entities &amp; escapes \\*stay\\* as written, a hard\\
break too[^two].

1. The article calls the same note again[^two] and *another*[^three].

[^two]: First paragraph of the note.

    Second paragraph of the note, *with emphasis*\\
    and a hard break.

[^three]: A note \\[^x] that writes a call as text.
"""
)


@pytest.fixture(scope="module")
def kept_build(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kept")
    source = folder / "kept.md"
    source.write_text(KEPT, encoding="utf-8")
    build([source], formats=["pdf", "docx", "epub", "html"], out=folder / "build")
    return source, folder / "build"


def test_kept_constructs_are_in_the_model(kept_build):
    source, _ = kept_build
    statement = prepare(load(source))
    body = expected_body(statement).tokens
    notes = expected_notes(statement).tokens
    for word in ("[^lit]", "[label]:", "|", "left", "|------|-------|", "&", "*stay*", "hard"):
        assert word in body, (word, body)
    for word in ("First", "Second", "emphasis", "break.", "[^x]"):
        assert word in notes, (word, notes)
    assert [len(n.paragraphs) for n in statement.notes] == [2, 1]


def test_kept_constructs_are_in_every_edition(kept_build):
    source, out = kept_build
    # The editions in the statement's folder (beside it: the build record and the index files).
    editions = sorted(
        p.suffix
        for p in out.glob("*/*.*")
        if p.is_file() and "." not in (p.name[0], p.parent.name[0])
    )
    assert editions == [".docx", ".epub", ".html", ".pdf"]
    assert verify(out, [source], epubcheck=False) == []


# Found by the property tests: one problem gives one message, not a second misleading one.


def test_a_note_that_starts_with_an_empty_list_item_gives_one_error(write_source):
    text = HEAD + "Called[^a].\n\n" + ARTICLE + "\n[^a]: 1.  \ntext after\n"
    path = write_source(text)
    (found,) = errors(path)
    line, col = where(text, "[^a]: 1.")
    assert found.startswith(f"{path}:{line}:{col}: error: lists are not part of an annotation")


def test_a_note_that_is_only_a_list_is_not_also_said_to_have_no_text(write_source):
    text = HEAD + "Called[^a].\n\n" + ARTICLE + "\n[^a]: - item\n"
    (found,) = errors(write_source(text))
    assert "lists are not part of an annotation" in found


def test_the_lines_of_a_note_never_called_are_reported_once(write_source):
    text = HEAD + "Not called.\n\n" + ARTICLE + "\n[^a]: Note.\n\n    <![CDATA[ x\n"
    path = write_source(text)
    (found,) = errors(path)
    line, _ = where(text, "[^a]:")
    assert found.startswith(f"{path}:{line}:1: error: annotation [^a] is defined but never")
