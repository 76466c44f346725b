"""Typography pass: per-language rules (data tables) that change only spaces, dashes and quotes.

Each rule is a regular expression and its replacement, with an example that the tests run.
The pass sits between the reader and the writers, so every edition gets the same text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

from statementpress.model import (
    Block,
    KeyPos,
    Meta,
    Paragraph,
    Signatory,
    Statement,
    SubList,
    Translation,
    map_text,
    primary_language,
)
from statementpress.positions import realign

# The one no-break space of every rule: the faces of the layouts have it, while the narrow
# one (U+202F) that initials would take is missing from PT Serif and would fall back.
NBSP = "\u00a0"
EM_DASH = "\u2014"
EN_DASH = "\u2013"
# English quotation marks and the apostrophe (the right single quote).
LDQUO, RDQUO, LSQUO, RSQUO = "\u201c", "\u201d", "\u2018", "\u2019"
# What the rules may put where the source had another character: straight quotes become
# curly ones, in English only.
CURLY_QUOTES = {LDQUO: '"', RDQUO: '"', LSQUO: "'", RSQUO: "'"}


@dataclass(frozen=True)
class Rule:
    """One typesetting rule: `pattern` is replaced by `replacement` everywhere in the text."""

    name: str
    pattern: re.Pattern[str]
    replacement: str
    example: str
    expected: str


def _rule(name: str, pattern: str, replacement: str, example: str, expected: str) -> Rule:
    return Rule(name, re.compile(pattern), replacement, example, expected)


# Words of one or two letters that must not end a line in Russian: prepositions,
# conjunctions and particles are bound to the word after them.
RU_SHORT_WORDS = [
    "в",
    "во",
    "с",
    "со",
    "к",
    "ко",
    "у",
    "о",
    "об",
    "от",
    "до",
    "из",
    "за",
    "на",
    "по",
    "не",
    "ни",
    "но",
    "да",
    "и",
    "а",
    "я",
    "то",
]
RU_ENCLITICS = ("же", "ли", "бы", "ль", "ж", "б")
RU_MONTHS = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
]
EN_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

_WORD_START = r"(?<![\w\-\u00ad])"
_SPACE = r"[ \t\u00a0]+"
_UPPER_INITIAL = r"[A-ZА-ЯЁ]\."


def _alternation(words: tuple[str, ...] | list[str], capitalise: bool = True) -> str:
    forms = set(words)
    if capitalise:
        forms |= {w[:1].upper() + w[1:] for w in words}
    return "|".join(sorted(forms, key=lambda w: (-len(w), w)))


RULES: dict[str, tuple[Rule, ...]] = {
    "ru": (
        _rule(
            "spaced hyphen is a dash",
            r"(?<=\S)[ \t\u00a0]+[-\u2013\u2014][ \t]+(?=\S)",
            f"{NBSP}{EM_DASH} ",
            "Азия - Китай",
            f"Азия{NBSP}{EM_DASH} Китай",
        ),
        _rule(
            "date stays on one line",
            rf"\b(\d{{1,2}}){_SPACE}({_alternation(RU_MONTHS, False)}){_SPACE}(\d{{4}})\b",
            rf"\1{NBSP}\2{NBSP}\3",
            "16 июля 2020 г.",
            f"16{NBSP}июля{NBSP}2020{NBSP}г.",
        ),
        _rule(
            "year and its abbreviation",
            rf"(\d){_SPACE}(гг?\.)",
            rf"\1{NBSP}\2",
            "в 1992 г.",
            f"в{NBSP}1992{NBSP}г.",
        ),
        _rule(
            "number sign binds to its number",
            r"№[ \t\u00a0]*(?=\d)",
            f"№{NBSP}",
            "№5",
            f"№{NBSP}5",
        ),
        _rule(
            "initials keep together",
            rf"({_UPPER_INITIAL})[ \t\u00a0]+(?={_UPPER_INITIAL})",
            rf"\1{NBSP}",
            "М. Б. Тлеуберди",
            f"М.{NBSP}Б.{NBSP}Тлеуберди",
        ),
        _rule(
            "initials keep to the surname",
            rf"({_UPPER_INITIAL})[ \t\u00a0]+(?=[А-ЯЁA-Z][а-яёa-z])",
            rf"\1{NBSP}",
            "М.Б. Тлеуберди",
            f"М.Б.{NBSP}Тлеуберди",
        ),
        _rule(
            "short word binds to the next",
            rf"{_WORD_START}({_alternation(RU_SHORT_WORDS)})[ \t]+",
            rf"\1{NBSP}",
            "встреча в формате и в целях",
            f"встреча в{NBSP}формате и{NBSP}в{NBSP}целях",
        ),
        _rule(
            # An initial (a capital and a full stop before a capital: "Ч.А.Айдарбеков",
            # "Ч. Айдарбеков") belongs to the surname after it, not to the word before.
            "one-letter word before punctuation binds to the word before",
            r"(?<=\w)[ \t]+([А-ЯЁA-Zа-яё])(?=[,.;:!?)»])(?![.][ \t\u00a0]*[А-ЯЁA-Z])",
            rf"{NBSP}\1",
            "Ван И, Министр Республики Ч.А.Айдарбеков",
            f"Ван{NBSP}И, Министр Республики Ч.А.Айдарбеков",
        ),
        _rule(
            "particle binds to the word before",
            rf"(?<=\w)[ \t]+({_alternation(RU_ENCLITICS, False)})(?![\w\-])",
            rf"{NBSP}\1",
            "так же как бы он",
            f"так{NBSP}же как{NBSP}бы он",
        ),
    ),
    "en": (
        _rule(
            "date stays on one line",
            rf"\b(\d{{1,2}}){_SPACE}({_alternation(EN_MONTHS, False)}){_SPACE}(\d{{4}})\b",
            rf"\1{NBSP}\2{NBSP}\3",
            "on 9 March 2031",
            f"on 9{NBSP}March{NBSP}2031",
        ),
        _rule(
            "month and day stay together",
            rf"\b({_alternation(EN_MONTHS, False)}){_SPACE}(\d{{1,2}})\b",
            rf"\1{NBSP}\2",
            "March 9, 2031",
            f"March{NBSP}9, 2031",
        ),
        _rule(
            "initials keep to the surname",
            r"\b([A-Z]\.)[ \t]+(?=[A-Z][a-z])",
            rf"\1{NBSP}",
            "J. Smith and A.B. Jones",
            f"J.{NBSP}Smith and A.B.{NBSP}Jones",
        ),
        _rule(
            "spaced hyphen is a dash",
            r"(?<=\S)[ \t\u00a0]+[-\u2013][ \t]+(?=\S)",
            f"{NBSP}{EN_DASH} ",
            "Central Asia - China",
            f"Central Asia{NBSP}{EN_DASH} China",
        ),
        # Straight quotes become curly ones. The rules run in this order: apostrophes inside
        # a word first, then opening quotes (at the start, or after a space, an opening
        # bracket, a dash or another opening quote, and before a non-space), then every
        # quote left over closes. Quotes already curly are left as written.
        _rule(
            "apostrophe in a word is curly",
            r"(?<=\w)'(?=\w)",
            RSQUO,
            "the People's Republic doesn't",
            f"the People{RSQUO}s Republic doesn{RSQUO}t",
        ),
        _rule(
            "opening double quote is curly",
            rf'(?<![^\s(\[{{{EM_DASH}{EN_DASH}{LSQUO}])"(?=\S)',
            LDQUO,
            'the "Parties" agree',
            f"the {LDQUO}Parties{RDQUO} agree",
        ),
        _rule(
            "closing double quote is curly",
            r'"',
            RDQUO,
            f'the {LDQUO}Parties" agree',
            f"the {LDQUO}Parties{RDQUO} agree",
        ),
        _rule(
            "opening single quote is curly",
            rf"(?<![^\s(\[{{{EM_DASH}{EN_DASH}{LDQUO}])'(?=[^\s\d])",
            LSQUO,
            "a 'fast lane'",
            f"a {LSQUO}fast lane{RSQUO}",
        ),
        _rule(
            "closing single quote and apostrophe are curly",
            r"'",
            RSQUO,
            f"a {LSQUO}fast lane', the States' and '90s",
            f"a {LSQUO}fast lane{RSQUO}, the States{RSQUO} and {RSQUO}90s",
        ),
    ),
}


def rules_for(lang: str) -> tuple[Rule, ...]:
    """The rule table of a BCP 47 tag's primary language (none for languages without one)."""
    return RULES.get(primary_language(lang), ())


def typeset(text: str, lang: str) -> str:
    """Apply the language's rules to one string."""
    for rule in rules_for(lang):
        text = rule.pattern.sub(rule.replacement, text)
    return text


def apply(statement: Statement) -> Statement:
    """The statement with every text typeset for its language (metadata, body, notes, names);
    positions are carried over (`positions.realign`)."""
    lang = statement.meta.lang
    if not rules_for(lang):
        return statement

    def t(value: str | None) -> str | None:
        return None if value is None else typeset(value, lang)

    def paras(items: tuple[Paragraph, ...]) -> tuple[Paragraph, ...]:
        return tuple(
            replace(p, content=map_text(p.content, lambda s: typeset(s, lang))) for p in items
        )

    def block(b: Block) -> Block:
        if isinstance(b, SubList):
            return replace(
                b, items=tuple(replace(i, paragraphs=paras(i.paragraphs)) for i in b.items)
            )
        return paras((b,))[0]

    def moved(
        positions: Mapping[str, KeyPos], changes: dict[str, tuple[str | None, str | None]]
    ) -> Mapping[str, KeyPos]:
        """`positions` of front matter values, for their typeset versions: `changes` maps a
        key to its value before and after."""
        out = dict(positions)
        for key, (old, new) in changes.items():
            where = out.get(key)
            if where is not None and old is not None and new is not None:
                out[key] = replace(where, value=realign(where.value, old, new))
        return MappingProxyType(out)

    def signatory(s: Signatory) -> Signatory:
        name, title, party = typeset(s.name, lang), typeset(s.title, lang), t(s.party)
        changes = {"name": (s.name, name), "title": (s.title, title), "party": (s.party, party)}
        return replace(
            s, name=name, title=title, party=party, positions=moved(s.positions, changes)
        )

    def translation(said: Translation) -> Translation:
        note = t(said.note)
        return replace(
            said, note=note, positions=moved(said.positions, {"note": (said.note, note)})
        )

    m = statement.meta
    title = tuple(typeset(line, lang) for line in m.title)
    kind, subtitle, place = t(m.kind), t(m.subtitle), t(m.place)
    changes = {
        "title": ("\n".join(m.title), "\n".join(title)),
        "kind": (m.kind, kind),
        "subtitle": (m.subtitle, subtitle),
        "place": (m.place, place),
    }
    meta: Meta = replace(
        m,
        title=title,
        kind=kind,
        subtitle=subtitle,
        place=place,
        translation=m.translation and translation(m.translation),
        positions=moved(m.positions, changes),
    )
    return replace(
        statement,
        meta=meta,
        preamble=paras(statement.preamble),
        articles=tuple(
            replace(a, blocks=tuple(block(b) for b in a.blocks)) for a in statement.articles
        ),
        closing=paras(statement.closing),
        signatories=tuple(signatory(s) for s in statement.signatories),
        notes=tuple(replace(n, paragraphs=paras(n.paragraphs)) for n in statement.notes),
    )
