"""Reader: the canonical source loads into the model; each class of bad input gives one located error."""

from __future__ import annotations

import datetime

import pytest

from conftest import MINIMAL, SOURCE
from statementpress.errors import SourceError
from statementpress.model import Emphasis, NoteRef, Paragraph, SubList, Text, plain_text
from statementpress.reader import load, parse


def test_canonical_source_structure():
    statement = load(SOURCE)  # as read, before typography
    meta = statement.meta
    assert meta.id == "ca-china-fm-2020-07-16"
    assert meta.lang == "ru"
    assert meta.kind == "Совместное заявление"
    assert meta.title == ("встречи министров иностранных дел", "«Центральная Азия - Китай»")
    assert meta.subtitle == "в формате видеоконференции"
    assert meta.date == datetime.date(2020, 7, 16)
    assert [a.number for a in statement.articles] == [1, 2, 3, 4, 5, 6]
    assert [len(a.paragraphs) for a in statement.articles] == [1, 2, 8, 2, 1, 2]
    assert len(statement.preamble) == 2
    assert [s.name for s in statement.signatories] == [
        "Ван И",
        "М.Б.Тлеуберди",
        "Ч.А.Айдарбеков",
        "С.Мухриддин",
        "Р.О.Мередов",
        "А.Х.Камилов",
    ]
    assert statement.signatories[4].title == "Вице-премьер, Министр иностранных дел Туркменистана"
    assert len(statement.notes) >= 5
    assert [n.number for n in statement.notes] == list(range(1, len(statement.notes) + 1))


def test_minimal_source_model(write_source):
    st = load(write_source())
    assert st.meta.title == ("министров", "иностранных дел")
    assert st.preamble[0].content[0] == Text("Преамбула заявления")
    first, second = st.articles
    assert isinstance(first.blocks[2], SubList) and not first.blocks[2].ordered
    assert [i.paragraphs[0].content[0].text for i in first.blocks[2].items] == [
        "подпункт один;",
        "подпункт два.",
    ]
    refs = [n for n in second.paragraphs[0].content if isinstance(n, NoteRef)]
    # Notes are numbered by first call; a second call of note "a" keeps its number.
    assert [(r.key, r.number, r.occurrence) for r in refs] == [("b", 2, 1), ("a", 1, 2)]
    assert st.notes[1].paragraphs[0].content[1] == Emphasis((Text("примечание"),))
    assert st.source.data == MINIMAL.encode()


def test_emphasis_strong_and_hard_break(write_source):
    text = MINIMAL.replace("Первая статья.", "*Первая* **статья**  \nдалее.")
    para = load(write_source(text)).articles[0].paragraphs[0]
    kinds = [type(n).__name__ for n in para.content]
    assert kinds == ["Emphasis", "Text", "Strong", "LineBreak", "Text"]


def test_ordered_sub_items_are_numbered(write_source):
    text = MINIMAL.replace("   - подпункт один;\n   - подпункт два.", "   1) один;\n   2) два.")
    sub = load(write_source(text)).articles[0].sublists[0]
    assert sub.ordered and [i.number for i in sub.items] == [1, 2]


def test_closing_paragraph_after_articles(write_source):
    text = MINIMAL.replace("[^a]: Первое", "Заключительный абзац.\n\n[^a]: Первое")
    st = load(write_source(text))
    assert st.closing == (Paragraph((Text("Заключительный абзац."),)),)


def test_crlf_and_bom_are_accepted(write_source):
    raw = ("\ufeff" + MINIMAL).replace("\n", "\r\n").encode()
    assert load(write_source(raw=raw)).meta.id == "test-statement"


def errors_of(path) -> list[str]:
    with pytest.raises(SourceError) as info:
        load(path)
    return str(info.value.format_message()).splitlines()


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.split("\n"), 1) if needle in line)


CASES = [
    # name, transform of MINIMAL, expected line (needle or number), expected message part
    ("missing front matter", lambda t: t.split("---\n", 2)[2], 1, "missing front matter"),
    (
        "unclosed front matter",
        lambda t: t.replace("---\n\nПреамбула", "\nПреамбула"),
        1,
        "never closed",
    ),
    (
        "yaml syntax",
        lambda t: t.replace("lang: ru", "lang: [ru"),
        "kind:",
        "while parsing a flow sequence on line 3",
    ),
    (
        "missing key",
        lambda t: t.replace("lang: ru\n", ""),
        1,
        "missing required front matter key 'lang'",
    ),
    ("unknown key", lambda t: t.replace("kind:", "knid:"), "knid:", "did you mean 'kind'"),
    (
        "wrong type",
        lambda t: t.replace("kind: Совместное заявление", "kind: [a, b]"),
        "kind:",
        "'kind' must be text",
    ),
    (
        "number as title",
        lambda t: t.replace("title: |\n  министров\n  иностранных дел", "title: 2021"),
        "title:",
        "put the value in quotes",
    ),
    ("invalid date", lambda t: t.replace("2021-05-12", "2021-02-30"), "date:", "invalid date"),
    ("date format", lambda t: t.replace("2021-05-12", "12.05.2021"), "date:", "YYYY-MM-DD"),
    (
        "id separator",
        lambda t: t.replace("id: test-statement", "id: ../etc/x"),
        "id:",
        "path separators",
    ),
    ("id upper case", lambda t: t.replace("id: test-statement", "id: Test"), "id:", "lower case"),
    ("bad lang", lambda t: t.replace("lang: ru", "lang: русский"), "lang:", "BCP 47"),
    (
        "no signatories",
        lambda t: t.split("signatories:")[0] + "signatories: []\n---\n\nТекст.\n\n1. Статья.\n",
        "signatories:",
        "at least one",
    ),
    (
        "signatory without title",
        lambda t: t.replace("    title: Министр\n    party: Сторона А\n", "    party: Сторона А\n"),
        "И.И. Иванов",
        "signatory is missing 'title'",
    ),
    (
        "unknown signatory key",
        lambda t: t.replace("party: Сторона А", "partty: Сторона А"),
        "partty",
        "unknown signatory key 'partty'",
    ),
    (
        # The reader checks the name's shape; the builder resolves it (test_layout_lookup).
        "invalid layout name",
        lambda t: t.replace("lang: ru", "lang: ru\nlayout: ../fancy"),
        "layout:",
        "invalid layout name '../fancy'",
    ),
    ("empty body", lambda t: t.split("\nПреамбула")[0] + "\n", "---\n\n", "the body is empty"),
    (
        "control character",
        lambda t: t.replace("Первая статья", "Первая\x07статья"),
        "Первая",
        "control character U+0007",
    ),
    (
        "reference without definition",
        lambda t: t.replace("Вторая статья[^b]", "Вторая статья[^c]"),
        "Вторая статья",
        "[^c] has no definition",
    ),
    (
        "definition without reference",
        lambda t: t + "\n[^unused]: Лишнее.\n",
        "[^unused]",
        "never referenced",
    ),
    ("duplicate definition", lambda t: t + "\n[^b]: Ещё раз.\n", "Ещё раз", "defined twice"),
    (
        "raw html inline",
        lambda t: t.replace("Первая статья", "Первая <b>статья</b>"),
        "<b>",
        "raw HTML is not allowed",
    ),
    (
        "raw html block",
        lambda t: t.replace("2. Вторая", "<div>x</div>\n\n2. Вторая"),
        "<div>",
        "raw HTML is not allowed",
    ),
    (
        "link",
        lambda t: t.replace("Первая статья", "[Первая](secret.txt) статья"),
        "[Первая]",
        "links are not part",
    ),
    (
        "image",
        lambda t: t.replace("Первая статья", "![x](secret.png) статья"),
        "![x]",
        "images are not part",
    ),
    (
        "heading",
        lambda t: t.replace("Преамбула заявления", "# Заголовок\n\nПреамбула"),
        "# Заголовок",
        "headings are not part",
    ),
    (
        "article numbers out of order",
        lambda t: t.replace("2. Вторая", "3. Вторая"),
        "3. Вторая",
        "article number 3 where 2 is expected",
    ),
    (
        "no articles",
        lambda t: (
            t.replace("1. Первая", "Первая")
            .replace("2. Вторая", "Вторая")
            .replace("   - подпункт один;\n   - подпункт два.\n", "")
        ),
        "---\n\n",
        "no articles found",
    ),
]


@pytest.mark.parametrize("name, transform, where, message", CASES, ids=[c[0] for c in CASES])
def test_each_error_class_is_located(write_source, name, transform, where, message):
    text = transform(MINIMAL)
    path = write_source(text)
    lines = errors_of(path)
    assert any(message in line for line in lines), lines
    hit = next(line for line in lines if message in line)
    if isinstance(where, int):
        expected_line = where
    elif where == "---\n\n":  # the first line of the body
        expected_line = text[: text.rindex("---\n")].count("\n") + 2
    else:
        expected_line = line_of(text, where)
    prefix = f"{path}:{expected_line}:"
    assert hit.startswith(prefix), (hit, prefix)
    assert ": error: " in hit


def test_all_problems_of_a_file_are_reported_at_once(write_source):
    text = (
        MINIMAL.replace("lang: ru", "lang: 12x")
        .replace("kind:", "knid:")
        .replace("Вторая статья[^b]", "Вторая статья[^zz]")
    )
    lines = errors_of(write_source(text))
    assert len(lines) >= 4  # bad lang, unknown key, missing definition, unused [^b]
    assert all(": error: " in line for line in lines)


def test_not_utf8(write_source):
    raw = MINIMAL.encode("utf-8").replace("Первая".encode(), "Первая".encode("cp1251"))
    path = write_source(raw=raw)
    (line,) = errors_of(path)
    assert line.startswith(f"{path}:{line_of(MINIMAL, 'Первая статья')}:")
    assert "not valid UTF-8" in line


def test_unreadable_file(tmp_path):
    (line,) = errors_of(tmp_path / "missing.md")
    assert line.startswith(f"{tmp_path / 'missing.md'}:1:1: error: cannot read the file")


def test_unsafe_link_scheme_is_kept_as_literal_text(write_source):
    text = MINIMAL.replace("Первая статья", "[Первая](file:///etc/passwd) статья")
    para = load(write_source(text)).articles[0].paragraphs[0]
    assert para.content == (Text("[Первая](file:///etc/passwd) статья."),)


@pytest.mark.parametrize("value, expected", [("true", True), ("false", False)])
def test_authoritative_flag(write_source, value, expected):
    text = MINIMAL.replace("lang: ru", f"lang: ru\nauthoritative: {value}")
    assert load(write_source(text)).meta.authoritative is expected


def test_authoritative_must_be_boolean(write_source):
    path = write_source(MINIMAL.replace("lang: ru", "lang: ru\nauthoritative: yes please"))
    (line,) = errors_of(path)
    assert line.startswith(f"{path}:4:16: error: 'authoritative' must be true or false")


def test_parse_from_bytes():
    assert parse(MINIMAL.encode(), "inline.md").meta.date == datetime.date(2021, 5, 12)


MORE_CASES = [
    (
        "lone carriage return",
        lambda t: t.replace("Первая статья.", "Первая\rстатья."),
        "Первая",
        "control character U+000D",
    ),
    (
        "bidi override",
        lambda t: t.replace("Первая статья", "Первая \u202eстатья"),
        "Первая",
        "invisible format character U+202E (RIGHT-TO-LEFT OVERRIDE)",
    ),
    (
        "line separator",
        lambda t: t.replace("Первая статья", "Первая\u2028статья"),
        "Первая",
        "line separator U+2028",
    ),
    (
        "replacement character",
        lambda t: t.replace("Первая статья", "Первая \ufffd статья"),
        "Первая",
        "U+FFFD",
    ),
    (
        "entity gives a bidi override",
        lambda t: t.replace("Первая статья", "Первая &#x202E; статья"),
        "&#x202E;",
        "a character reference gives invisible format character U+202E",
    ),
    (
        "link reference definition",
        lambda t: t.replace("[^a]: Первое", "[секрет]: ./secret.md\n\n[^a]: Первое"),
        "[секрет]",
        "link reference definitions are not part",
    ),
    (
        "first article not 1",
        lambda t: t.replace("1. Первая", "3. Первая").replace("2. Вторая", "4. Вторая"),
        "3. Первая",
        "the first article is numbered 3",
    ),
    (
        "empty sub-item",
        lambda t: t.replace("   - подпункт два.", "   -"),
        "   -\n",
        "empty sub-item",
    ),
]


@pytest.mark.parametrize(
    "name, transform, where, message", MORE_CASES, ids=[c[0] for c in MORE_CASES]
)
def test_refused_characters_and_constructs(write_source, name, transform, where, message):
    text = transform(MINIMAL)
    path = write_source(text)
    lines = errors_of(path)
    hit = next((line for line in lines if message in line), None)
    assert hit, lines
    if where.endswith("\n"):
        expected_line = text[: text.index(where) + 1].count("\n") + 1
    else:
        expected_line = line_of(text, where)
    assert hit.startswith(f"{path}:{expected_line}:"), (hit, expected_line)


def test_later_lines_keep_their_numbers_after_a_lone_carriage_return(write_source):
    text = MINIMAL.replace("Преамбула заявления", "Преамбула\rзаявления").replace(
        "Вторая статья[^b]", "Вторая <i>статья</i>[^b]"
    )
    lines = errors_of(write_source(text))
    html = next(line for line in lines if "raw HTML" in line)
    assert f":{line_of(text, 'Вторая')}:" in html


def test_second_identical_construct_is_reported_at_its_own_place(write_source):
    text = MINIMAL.replace("Первая статья.", "Первая <b>x</b> и\n   ещё <b>y</b>.")
    lines = [line for line in errors_of(write_source(text)) if "raw HTML" in line]
    first = line_of(text, "Первая <b>")
    # Four tags: two on the first line, two on the next, each at its own column.
    positions = [tuple(map(int, line.split(":")[1:3])) for line in lines]
    assert positions == [(first, 11), (first, 15), (first + 1, 8), (first + 1, 12)]


def test_autolinks_are_located(write_source):
    text = MINIMAL.replace(
        "Первая статья.", "Первая <https://a.example> статья\n   и <https://b.example>."
    )
    lines = [line for line in errors_of(write_source(text)) if "links are not part" in line]
    first = line_of(text, "a.example")
    assert [tuple(map(int, line.split(":")[1:3])) for line in lines] == [
        (first, 11),
        (first + 1, 6),
    ]


def test_duplicate_definition_column_is_one_based(write_source):
    path = write_source(MINIMAL + "\n[^b]: Ещё раз.\n")
    hit = next(line for line in errors_of(path) if "defined twice" in line)
    assert hit.startswith(f"{path}:{line_of(MINIMAL + chr(10) + '[^b]: Ещё раз.', 'Ещё раз')}:1:")


@pytest.mark.parametrize("ch", ["\u00ad", "\u200b", "\u2060"])
def test_format_characters_real_text_needs_are_allowed(write_source, ch):
    st = load(write_source(MINIMAL.replace("Первая статья", f"Пер{ch}вая статья")))
    assert ch in plain_text(st.articles[0].paragraphs[0])


@pytest.mark.parametrize("ch", ["\u200c", "\u200d"])
def test_joiners_are_allowed_after_letters_of_scripts_that_join(write_source, ch):
    st = load(write_source(MINIMAL.replace("Первая статья", f"Первая می{ch}خواهم статья")))
    assert ch in plain_text(st.articles[0].paragraphs[0])


@pytest.mark.parametrize(
    "written, canonical",
    [("ru", "ru"), ("RU", "ru"), ("zh-hans", "zh-Hans"), ("EN-gb", "en-GB"), ("iw", "he")],
)
def test_language_tags_are_written_in_their_canonical_form(write_source, written, canonical):
    st = load(write_source(MINIMAL.replace("lang: ru", f"lang: {written}")))
    assert st.meta.lang == canonical


@pytest.mark.parametrize("tag", ["ru_RU", "ru-", "xx", "12x", "ru-RU-"])
def test_invalid_language_tags_are_located(write_source, tag):
    path = write_source(MINIMAL.replace("lang: ru", f"lang: '{tag}'"))
    (line,) = errors_of(path)
    assert line.startswith(f"{path}:3:7: error: invalid lang {tag!r}: use a BCP 47 language tag")


def test_inline_annotation_is_a_located_error(write_source):
    text = MINIMAL.replace("Первая статья.", "Первая статья^[сноска].")
    path = write_source(text)
    (line,) = errors_of(path)
    where = f"{line_of(text, '^[')}:{len('1. Первая статья') + 1}"
    assert line.startswith(f"{path}:{where}: error: inline annotations (^[…]) are not part")
