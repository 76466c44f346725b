"""pdf_plan.keep_whole: a word the layout must not hyphenate is wrapped once, even when two
of its places were forbidden (a long statement's later layouts forbid several)."""

from __future__ import annotations

from xml.etree import ElementTree

from statementpress.writers import pdf_lines, pdf_plan


def test_two_forbidden_places_in_one_word_wrap_it_once():
    root = ElementTree.fromstring("<p>до сотрудничества и после</p>")
    chars = pdf_lines.chars(root, set())
    word = "".join(c.char for c in chars).index("сотрудничества")
    # Two places inside "сотрудничества" (after "сот" and after "сотрудни").
    assert pdf_plan.keep_whole(root, chars, {word + 3, word + 8}) == 1
    span = root.find("span")
    assert span is not None and span.text == "сотрудничества"
    assert "".join(root.itertext()) == "до сотрудничества и после"
