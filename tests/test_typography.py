"""Typography: each rule does what its example says, and the pass never changes a letter."""

from __future__ import annotations

import re

import pytest

from statementpress import typography
from statementpress.model import plain_text
from statementpress.typography import NBSP, RULES, typeset

ALL_RULES = [(lang, rule) for lang, rules in RULES.items() for rule in rules]


@pytest.mark.parametrize(
    "lang, rule", ALL_RULES, ids=[f"{lang}: {r.name}" for lang, r in ALL_RULES]
)
def test_rule_example(lang, rule):
    assert typeset(rule.example, lang) == rule.expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("(далее - Стороны)", f"(далее{NBSP}— Стороны)"),
        ("Ван И, Министр", f"Ван{NBSP}И, Министр"),  # the name "И", not the conjunction
        ("торгово-экономических связей", "торгово-экономических связей"),
        ("М.Б.Тлеуберди", "М.Б.Тлеуберди"),  # already break-free: left as written
        ("С.Мухриддин и А.Х. Камилов", f"С.Мухриддин и{NBSP}А.Х.{NBSP}Камилов"),
        ("В случае необходимости", f"В{NBSP}случае необходимости"),
        ("16 июля 2020 г. в Москве", f"16{NBSP}июля{NBSP}2020{NBSP}г. в{NBSP}Москве"),
    ],
)
def test_russian_cases(text, expected):
    assert typeset(text, "ru") == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("March 9 2031", f"March{NBSP}9 2031"),  # no comma is added
        ("March 9, 2031", f"March{NBSP}9, 2031"),
        ("on 9 March 2031", f"on 9{NBSP}March{NBSP}2031"),
        ("in March 2031", "in March 2031"),
    ],
)
def test_english_dates(text, expected):
    assert typeset(text, "en") == expected


def test_unknown_language_is_untouched():
    assert typeset("a - b 16 июля 2020 г.", "zh") == "a - b 16 июля 2020 г."


def letters(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f\-\u2013\u2014]", "", text)


def test_pass_changes_only_spaces_and_dashes(statement):
    from conftest import SOURCE
    from statementpress import load

    raw = load(SOURCE)
    for before, after in zip(raw.articles, statement.articles, strict=True):
        for p, q in zip(before.paragraphs, after.paragraphs, strict=True):
            assert letters(plain_text(p)) == letters(plain_text(q))
    assert letters(raw.meta.title_text) == letters(statement.meta.title_text)


def test_canonical_statement_has_no_breakable_short_words(statement):
    short = "|".join(typography.RU_SHORT_WORDS)
    assert statement.articles, "nothing to check: statement.articles is empty"
    for article in statement.articles:
        for p in article.paragraphs:
            text = plain_text(p)
            assert not re.search(rf"(?<![\w-])({short}) ", text, re.IGNORECASE), text[:80]
    assert statement.signatories[1].name == "М.Б.Тлеуберди"
    assert statement.meta.title[1] == f"«Центральная Азия{NBSP}— Китай»"


def test_every_rule_is_documented():
    from conftest import ROOT

    doc = (ROOT / "docs" / "typography.md").read_text(encoding="utf-8")
    for lang, rule in ALL_RULES:
        assert f"| {rule.name} |" in doc, (lang, rule.name)


@pytest.mark.parametrize(
    "lang, rule", ALL_RULES, ids=[f"{lang}: {r.name}" for lang, r in ALL_RULES]
)
def test_rule_changes_only_spaces_and_dashes(lang, rule):
    assert letters(typeset(rule.example, lang)) == letters(rule.example)


def test_spaced_initials_typeset_into_characters_the_face_has(write_source):
    from conftest import MINIMAL
    from statementpress import fonts, layout, load
    from statementpress.builder import prepare

    source = write_source(MINIMAL.replace("И.И. Иванов", "И. И. Иванов"))
    statement = prepare(load(source))
    assert statement.signatories[0].name == f"И.{NBSP}И.{NBSP}Иванов"
    face = fonts.face_for(layout.load("official"), statement.meta.lang)
    fonts.check_coverage(face, statement, extra=fonts.layout_glyphs(layout.load("official"), face))


def test_rules_insert_only_the_no_break_space():
    for lang, rule in ALL_RULES:
        inserted = set(rule.expected) - set(rule.example)
        assert inserted <= {NBSP, typography.EM_DASH, typography.EN_DASH}, (lang, rule.name)
