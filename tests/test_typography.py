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


def letters(text: str, lang: str = "ru") -> str:
    """The text without spaces and dashes, and, in English, with curly quotes straightened:
    what no rule may change."""
    if lang == "en":
        text = text.translate(str.maketrans(typography.CURLY_QUOTES))
    return re.sub(r"[\s\u00a0\u202f\-\u2013\u2014]", "", text)


def changed_characters(before: str, after: str) -> set[tuple[str, str]]:
    """(from, to) pairs of the characters a rule replaced, position by position (the rules
    that do not touch spaces keep the length)."""
    assert len(before) == len(after)
    return {(a, b) for a, b in zip(before, after, strict=True) if a != b}


@pytest.mark.parametrize(
    "name", ["source/ca-china-fm-2020-07-16.md", "tests/fixtures/harbour-accord-2031.en.md"]
)
def test_pass_changes_only_spaces_dashes_and_quotes(name):
    from conftest import ROOT
    from statementpress import load
    from statementpress.builder import prepare

    raw = load(ROOT / name)
    typeset_ = prepare(raw)
    lang = raw.meta.lang
    for before, after in zip(raw.text_paragraphs(), typeset_.text_paragraphs(), strict=True):
        assert letters(plain_text(before), lang) == letters(plain_text(after), lang)
    assert letters(raw.meta.title_text, lang) == letters(typeset_.meta.title_text, lang)


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
def test_rule_changes_only_spaces_dashes_and_quotes(lang, rule):
    assert letters(typeset(rule.example, lang), lang) == letters(rule.example, lang)
    if lang != "en":  # quotes change in English only
        assert letters(typeset(rule.example, lang), "en") == letters(rule.example, "en")


QUOTE_RULES = [r for r in RULES["en"] if "quote" in r.name or "apostrophe" in r.name]


@pytest.mark.parametrize("rule", QUOTE_RULES, ids=[r.name for r in QUOTE_RULES])
def test_quote_rules_only_curl_straight_quotes(rule):
    changed = changed_characters(rule.example, rule.pattern.sub(rule.replacement, rule.example))
    assert changed, rule.name  # the example shows the rule at work
    assert changed <= {(straight, curly) for curly, straight in typography.CURLY_QUOTES.items()}


@pytest.mark.parametrize(
    "text, expected",
    [
        ('the "Parties" agree', "the \u201cParties\u201d agree"),
        ("the People's Republic", "the People\u2019s Republic"),
        (
            "a 'fast lane' and a \"green lane\".",
            "a \u2018fast lane\u2019 and a \u201cgreen lane\u201d.",
        ),
        ('("Parties")', "(\u201cParties\u201d)"),
        ("the States' interests", "the States\u2019 interests"),
        ("in the '90s", "in the \u201990s"),
        (
            '"Northern Harbours - Southern Shores"',
            f"\u201cNorthern Harbours{NBSP}\u2013 Southern Shores\u201d",
        ),
        # Already curly: left as written.
        ("the \u201cParties\u201d, People\u2019s", "the \u201cParties\u201d, People\u2019s"),
    ],
)
def test_english_quotes(text, expected):
    assert typeset(text, "en") == expected


def test_quotes_stay_straight_outside_english():
    assert typeset('the "Parties"', "ru") == 'the "Parties"'
    assert typeset('the "Parties"', "zh") == 'the "Parties"'


@pytest.mark.parametrize(
    "text, expected",
    [
        # Initials belong to the surname after them, never to the word before.
        ("Кыргызской Республики Ч.А.Айдарбеков", "Кыргызской Республики Ч.А.Айдарбеков"),
        ("Республики Ч. Айдарбеков", f"Республики Ч.{NBSP}Айдарбеков"),
        ("Республики Ч. А. Айдарбеков", f"Республики Ч.{NBSP}А.{NBSP}Айдарбеков"),
        # A one-letter name before a comma still binds to the word before.
        ("Ван И, Министр", f"Ван{NBSP}И, Министр"),
        ("пункт а; пункт б.", f"пункт{NBSP}а; пункт{NBSP}б."),
    ],
)
def test_initials_bind_only_to_their_surname(text, expected):
    assert typeset(text, "ru") == expected


def test_seed_signatory_names_are_not_bound_to_the_word_before(statement):
    preamble = plain_text(statement.preamble[0])
    for name in ("М.Б.Тлеуберди", "Ч.А.Айдарбеков", "С.Мухриддин", "Р.О.Мередов", "А.Х.Камилов"):
        assert f" {name}" in preamble, name
        assert f"{NBSP}{name}" not in preamble, name


def test_spaced_initials_typeset_into_characters_the_face_has(write_source):
    from conftest import MINIMAL
    from statementpress import fonts, layout, load
    from statementpress.builder import prepare

    source = write_source(MINIMAL.replace("И.И. Иванов", "И. И. Иванов"))
    statement = prepare(load(source))
    assert statement.signatories[0].name == f"И.{NBSP}И.{NBSP}Иванов"
    face = fonts.face_for(layout.load("official"), statement.meta.lang)
    fonts.check_coverage(face, statement, extra=fonts.layout_glyphs(layout.load("official"), face))


def test_rules_insert_only_the_no_break_space_dashes_and_english_quotes():
    for lang, rule in ALL_RULES:
        inserted = set(rule.expected) - set(rule.example)
        allowed = {NBSP, typography.EM_DASH, typography.EN_DASH}
        if lang == "en":
            allowed |= set(typography.CURLY_QUOTES)
        assert inserted <= allowed, (lang, rule.name)


@pytest.mark.parametrize(
    "lang, rule", ALL_RULES, ids=[f"{lang}: {r.name}" for lang, r in ALL_RULES]
)
def test_docs_table_shows_each_rule_example(lang, rule):
    from conftest import ROOT

    doc = (ROOT / "docs" / "typography.md").read_text(encoding="utf-8")

    def shown(text: str) -> str:
        return text.replace(NBSP, "⍽")

    row = f"| {rule.name} | `{shown(rule.example)}` | `{shown(rule.expected)}`"
    assert row in doc, row
