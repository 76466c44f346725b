"""Property-based tests (hypothesis): generated sources, with Latin, Cyrillic and CJK text,
notes, sub-items and hostile punctuation, either fail with located errors or build editions
that `statementpress verify` passes.

Runs are kept small (a few dozen examples, the PDF for a handful only). Under CI (`CI` set)
the `ci` profile derandomizes them, so a run is reproducible; `HYPOTHESIS_PROFILE` picks a
profile by name (`dev` for random runs).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from statementpress.builder import build
from statementpress.errors import SourceError
from statementpress.verify import verify

settings.register_profile(
    "dev", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.register_profile(
    "ci",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
    database=None,
    print_blob=True,
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)

LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéèçñøß"
CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
CJK = "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴"
# Punctuation that templates, XML, Markdown and typography could each take for their own.
HOSTILE = [
    "<",
    ">",
    "&",
    "&amp;",
    "{{",
    "}}",
    "{%",
    "%}",
    "{#",
    "]]>",
    "<![CDATA[",
    "*",
    "_",
    "**",
    "\\",
    "\\*",
    '"',
    "'",
    "«",
    "»",
    "„",
    "“",
    "”",
    "-",
    "--",
    "---",
    "–",
    "—",
    "[",
    "]",
    "(",
    ")",
    "#",
    "|",
    "!",
    "`",
    "~",
    "^",
    "$",
    "%",
    "@",
    "/",
    "1.",
    "2)",
    "…",
    "№",
    "§",
    "—",
    "&nbsp;",
    "&#x41;",
    "&#8212;",
    "&#x200B;",
    "\u00ad",
    "\u200b",
    "\u2060",
    "\u00a0",
    "\t",
]
# What goes between two pieces of text: mostly a space, sometimes nothing (punctuation
# against a word), a line break inside the paragraph, a hard break, a no-break space.
SEPARATORS = [" ", " ", " ", " ", "", "", "\n", "  \n", "\\\n", "\u00a0"]


@dataclass(frozen=True)
class Script:
    lang: str
    letters: str


SCRIPTS = {
    "en": Script("en", LATIN),
    "en-GB": Script("en-GB", LATIN + CYRILLIC[:8]),
    "ru": Script("ru", CYRILLIC + LATIN[:10]),
    "zh-Hans": Script("zh-Hans", CJK),
    "zh": Script("zh", CJK + LATIN[:6]),
}


def words(letters: str, hostile: bool = True, max_words: int = 8) -> st.SearchStrategy[str]:
    """A run of words from `letters`, some of them hostile punctuation, with the separators
    of SEPARATORS between them (spaces only when not `hostile`)."""
    word = st.text(alphabet=letters, min_size=1, max_size=10)
    piece = st.one_of(word, word, word, st.sampled_from(HOSTILE)) if hostile else word
    separator = st.sampled_from(SEPARATORS if hostile else [" "])
    return st.lists(st.tuples(piece, separator), min_size=1, max_size=max_words).map(
        lambda pairs: "".join(p + sep for p, sep in pairs).strip()
    )


@st.composite
def inline_text(draw, letters: str, notes: list[str]) -> str:
    """A paragraph's text: words, maybe emphasis or strong, maybe calls of `notes`."""
    parts = [draw(words(letters))]
    for _ in range(draw(st.integers(0, 2))):
        kind = draw(st.sampled_from(["*", "**", "call", "plain"]))
        if kind == "call" and notes:
            parts[-1] += f"[^{draw(st.sampled_from(notes))}]"
        elif kind in ("*", "**"):
            inner = draw(words(letters, hostile=False, max_words=3))
            if notes and draw(st.booleans()):
                inner += f"[^{draw(st.sampled_from(notes))}]"
            parts.append(f"{kind}{inner}{kind}")
        parts.append(draw(words(letters)))
    return " ".join(parts)


def yaml_string(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are YAML)."""
    return json.dumps(text, ensure_ascii=False)


@st.composite
def sources(draw) -> str:
    script = SCRIPTS[draw(st.sampled_from(sorted(SCRIPTS)))]
    letters = script.letters
    # Now and then a character the face may lack, from another script.
    if draw(st.integers(0, 9)) == 0:
        letters += draw(st.sampled_from([CJK[:20], CYRILLIC[:10]]))
    keys = [f"n{i}" for i in range(1, draw(st.integers(0, 3)) + 1)]

    front = [
        "---",
        "id: generated",
        f"lang: {script.lang}",
        f"title: {yaml_string(draw(words(letters)))}",
        "date: 2021-05-12",
    ]
    for key in ("kind", "subtitle", "place"):
        if draw(st.booleans()):
            front.append(f"{key}: {yaml_string(draw(words(letters, max_words=4)))}")
    front.append("signatories:")
    for _ in range(draw(st.integers(1, 3))):
        front.append(f"  - name: {yaml_string(draw(words(letters, max_words=3)))}")
        front.append(f"    title: {yaml_string(draw(words(letters, max_words=5)))}")
        if draw(st.booleans()):
            front.append(f"    party: {yaml_string(draw(words(letters, max_words=3)))}")
    front.append("---")

    body: list[str] = []
    for _ in range(draw(st.integers(0, 2))):
        body.append(draw(inline_text(letters, keys)))
    for number in range(1, draw(st.integers(1, 4)) + 1):
        body.append(f"{number}. {draw(inline_text(letters, keys))}")
        if draw(st.booleans()):
            body.append("   " + draw(inline_text(letters, keys)))
        if draw(st.booleans()):
            ordered = draw(st.booleans())
            items = [
                f"   {f'{i})' if ordered else '-'} {draw(inline_text(letters, keys))}"
                for i in range(1, draw(st.integers(1, 3)) + 1)
            ]
            body.append("\n".join(items))
    if draw(st.booleans()):
        body.append(draw(inline_text(letters, keys)))
    # Every note is called at least once (at the end of the first paragraph that can).
    text = "\n\n".join(body)
    for key in keys:
        if f"[^{key}]" not in text:
            body[0] += f"[^{key}]"
            text = "\n\n".join(body)
    for key in keys:
        note = f"[^{key}]: {draw(inline_text(letters, []))}"
        if draw(st.booleans()):
            note += "\n\n    " + draw(inline_text(letters, []))
        body.append(note)
    return "\n".join(front) + "\n\n" + "\n\n".join(body) + "\n"


def located(error: SourceError, path: Path, text: str) -> None:
    """Every problem of `error` names `path` and a line and column inside the file."""
    lines = text.split("\n")
    assert error.diagnostics
    for d in error.diagnostics:
        assert d.path == str(path), d
        assert 1 <= d.line <= len(lines), d
        assert 1 <= d.col <= len(lines[d.line - 1]) + 1, (d, lines[d.line - 1])


def check(text: str, formats: list[str]) -> None:
    """The property: a located refusal, or editions that verify passes."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.md"
        path.write_text(text, encoding="utf-8")
        out = Path(folder) / "build"
        try:
            build([path], formats=formats, out=out)
        except SourceError as error:
            event("refused with located errors")
            located(error, path, text)
            return
        event("built")
        problems = verify(out, [path], epubcheck=False)
        assert problems == [], "\n".join(map(str, problems))


@settings(max_examples=25)
@given(sources())
def test_generated_sources_build_and_verify_or_are_refused_with_locations(text):
    check(text, ["html", "epub", "docx"])


@settings(max_examples=4)
@given(sources())
def test_generated_sources_give_pdfs_that_verify(text):
    check(text, ["pdf"])
