"""The schema of `layout.toml`: every key a layout may set, its kind, range and meaning.

This one table validates layouts (`problems`) and documents them (`markdown`, the reference
in docs/layouts.md: `python -m statementpress.layout_schema` prints it). Each kind of value
checks its own shape (a length with its unit, a colour, a font family name, a relative file
path, …), so the places a value goes (CSS, XML, file lookups) can rely on that shape.
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from statementpress.layout_kinds import (
    CUSTOM_KEY,
    Choice,
    Colour,
    Flag,
    FontFamily,
    ImportName,
    Kind,
    LayoutName,
    LevelText,
    Number,
    Plain,
    RelativePath,
    Text,
    Url,
    Whole,
    shown,
)

# The built-in layout whose values a layout inherits to get every key it does not set.
BASE = "official"
# Face tables are `[fonts.default]` or `[fonts.<primary language subtag>]`.
FACE_NAME = re.compile(r"default|[a-z]{2,3}")


@dataclass(frozen=True)
class Key:
    """One key of a table: its kind, an example value and what it means."""

    name: str
    kind: Kind
    example: Any
    doc: str
    required: bool = True


@dataclass(frozen=True)
class Table:
    """A table of `layout.toml`.

    `faces` marks a table of named tables (`[fonts]`, `[hyphenation]`): `default` and one per
    primary language subtag, each with `keys`. With `partial`, a language's table sets only
    the keys that differ from `default` (which must have them all).
    """

    name: str
    doc: str
    keys: tuple[Key, ...]
    faces: bool = False
    partial: bool = False

    def key(self, name: str) -> Key | None:
        """The key called `name`, if the table has one."""
        return next((k for k in self.keys if k.name == name), None)


def _lengths(unit: str, *specs: tuple[str, bool, Any, str]) -> tuple[Key, ...]:
    return tuple(Key(name, Number(unit, positive), ex, doc) for name, positive, ex, doc in specs)


TOP = Table(
    "",
    "Keys outside any table.",
    (
        Key("inherit", LayoutName(), "official", "Layout whose values and templates this one "
            "extends; the layout then sets only what differs.", required=False),
        Key("description", Text(), "A5 booklet for print", "One line saying what the layout is "
            "for.", required=False),
    ),
)  # fmt: skip

FACE_KEYS = (
    Key("family", FontFamily(), "PT Serif", "Family name the editions give the face."),
    Key("package", ImportName(), "fontpkg_pt_serif", "Installed Python package whose folder "
        "holds the font files."),
    Key("regular", RelativePath("the package's `dir`", (".ttf", ".otf", ".woff", ".woff2")),
        "PT_Serif-Web-Regular.ttf", "The upright regular face's file."),
    Key("bold", RelativePath("the package's `dir`", (".ttf", ".otf", ".woff", ".woff2")),
        "PT_Serif-Web-Bold.ttf", "Bold face's file.", required=False),
    Key("italic", RelativePath("the package's `dir`", (".ttf", ".otf", ".woff", ".woff2")),
        "PT_Serif-Web-Italic.ttf", "Italic face's file.", required=False),
    Key("bold_italic", RelativePath("the package's `dir`", (".ttf", ".otf", ".woff", ".woff2")),
        "PT_Serif-Web-BoldItalic.ttf", "Bold italic face's file.", required=False),
    Key("dir", RelativePath("the package"), "files", "Folder of the files in the package; "
        'default `"files"`.', required=False),
    Key("hyphenate_character", Text(4, empty=False), "-", "Character printed at a hyphenated "
        'line end; default `"-"`.', required=False),
    Key("hyphenate", Flag(), True, "Hyphenate text in this face; default `true`.",
        required=False),
    Key("subset", Flag(), True, "The EPUB embeds only the glyphs it uses (the DOCX keeps "
        "whole faces, for editors); default `true`, `false` embeds whole faces.",
        required=False),
    Key("bold_synthesis_em", Number("em"), 0.02, "For a face without a `bold` file (a CFF "
        "`.otf` regular): the PDF and EPUB embed a bold made from the regular, each outline "
        "grown by this much on every side, as browsers draw a missing bold; default 0, none.",
        required=False),
)  # fmt: skip

TABLES: tuple[Table, ...] = (
    Table("page", "The printed page: PDF pages and the DOCX section.", (
        Key("size", Text(32, empty=False), "A4", "Name of the page size, for readers of the "
            "file (the page is `width_mm` × `height_mm`)."),
        *_lengths("mm",
            ("width_mm", True, 210, "Page width."),
            ("height_mm", True, 297, "Page height."),
            ("margin_top_mm", False, 20, "Top margin."),
            ("margin_right_mm", False, 10, "Right margin."),
            ("margin_bottom_mm", False, 20, "Bottom margin."),
            ("margin_left_mm", False, 30, "Left margin."),
            ("bleed_mm", False, 0, "Bleed around the trimmed page in the PDF; 0 for none."),
        ),
        Key("slug_mm", Number("mm"), 7, "Slug area outside the bleed in the PDF, where the crop "
            "marks are drawn (they start at the trim's distance `(bleed_mm + slug_mm) / 2` and "
            "are as long); 0 for none.", required=False),
        Key("crop_marks", Flag(), False, "Crop marks in the PDF, in the slug area outside the "
            "bleed (or in the bleed when there is no slug)."),
        Key("mirror_margins", Flag(), False, "Mirrored margins for a bound copy: "
            "`margin_left_mm` is the inner margin and `margin_right_mm` the outer one, on the "
            "left of right-hand (odd) pages and on the right of left-hand (even) ones.",
            required=False),
        Key("number_from_page", Whole(1), 2, "First page that shows its number."),
        Key("number_size_pt", Number("pt", True), 12, "Size of the page number."),
        Key("number_top_mm", Number("mm"), 10, "Distance of the page number from the top "
            "edge (GOST: at least 10 mm)."),
    )),
    Table("fonts", "Faces: `[fonts.default]`, and `[fonts.<language>]` (a primary language "
          "subtag such as `zh`) for a language that needs its own.", FACE_KEYS, faces=True),
    Table("hyphenation", "Automatic hyphenation: `[hyphenation.default]` and "
          "`[hyphenation.<language>]` (a primary language subtag such as `ru`), which sets only "
          "what differs. Headings and signatories are never hyphenated.", (
        Key("min_word", Whole(1), 6, "Shortest word that is hyphenated, in letters."),
        Key("min_before", Whole(1), 3, "Fewest letters left before the hyphen."),
        Key("min_after", Whole(1), 3, "Fewest letters carried to the next line."),
        Key("max_consecutive", Whole(1), 2, "Most lines in a row that end in a hyphen."),
        Key("zone_mm", Number("mm"), 20, "Where lines are filled one by one (Word, e-readers, "
            "the PDF's fallback), a word is hyphenated only when leaving it whole would leave "
            "more than this at the line's end (CSS `hyphenate-limit-zone`, Word's hyphenation "
            "zone): larger, fewer hyphens and wider spaces."),
        Key("page_end", Flag(), False, "Whether the last line of a page may end in a hyphen "
            "(a word split across the page turn)."),
        Key("penalty", Whole(0), 150, "What a hyphenated line costs where lines are broken "
            "per paragraph (the PDF; as TeX's hyphen penalty): larger, fewer hyphens and "
            "wider word spaces."),
        Key("max_share", Number("ratio", True), 0.15, "Largest share of a PDF's lines that "
            "may end in a hyphen: the penalty is raised until it holds."),
    ), faces=True, partial=True),
    Table("text", "Body text of the articles, the preamble and the closing.", (
        Key("size_pt", Number("pt", True), 14, "Text size."),
        Key("line_height", Number("ratio", True), 1.15, "Line height, times the text size."),
        Key("indent_cm", Number("cm"), 1.25, "First-line indent of a paragraph."),
        Key("align", Choice(("justify", "left", "right", "center")), "justify",
            "Alignment of the text."),
        Key("hyphenate", Flag(), True, "Automatic hyphenation (a face may turn it off)."),
        Key("space_shrink_em", Number("em"), 0.08, "How much narrower than the face's own "
            "the word spaces of justified PDF text may be set, so that a line can be a little "
            "tight as well as loose (TeX allows a third of the space); 0 for none.",
            required=False),
        Key("paragraph_space_pt", Number("pt"), 0, "Space between paragraphs."),
        Key("widows", Whole(1), 2, "Lines a paragraph keeps at the top of a page."),
        Key("orphans", Whole(1), 2, "Lines a paragraph keeps at the foot of a page."),
    )),
    Table("lists", "Sub-items inside an article, in every edition.", (
        Key("bullet", Text(4, empty=False), "–", "Marker of a bulleted sub-item."),
        Key("number_suffix", Text(4), ")", "Printed after a sub-item's number: 1), 2), …"),
        Key("marker_cm", Number("cm"), 1.9, "Distance of a sub-item's marker from the text's "
            "left edge: more than [text] indent_cm, where the point's own number stands, so "
            "that sub-items read as nested under their point (the EPUB scales it to its "
            "indent)."),
        Key("hang_cm", Number("cm", True), 0.75, "Room for the marker: a sub-item's text and "
            "its further lines start at marker_cm + hang_cm."),
    )),
    Table("title", "The title block: kind line, title, subtitle and dateline.", (
        Key("size_pt", Number("pt", True), 14, "Title size."),
        Key("bold", Flag(), True, "Title in bold."),
        Key("kind_uppercase", Flag(), False, "Kind line in capitals (CSS text-transform; "
            "Word's all caps)."),
        Key("kind_letter_spacing_em", Number("em"), 0.05, "Letter spacing of the kind line in "
            "capitals (HTML, PDF, EPUB)."),
        Key("space_after_pt", Number("pt"), 12, "Space below the title block."),
        Key("subtitle_italic", Flag(), False, "Subtitle in italics."),
        Key("dateline_space_pt", Number("pt"), 12, "Space above the date and place."),
    )),
    Table("notes", "Notes (footnotes in the PDF and DOCX).", (
        Key("size_pt", Number("pt", True), 10, "Note text size."),
        Key("line_height", Number("ratio", True), 1.0, "Line height of notes, times their size."),
        Key("rule_width_mm", Number("mm", True), 50, "Length of the rule above the notes."),
        Key("rule_thickness_pt", Number("pt"), 0.5, "Thickness of that rule."),
        Key("space_pt", Number("pt"), 2, "Space between two notes."),
        Key("call_size_em", Number("em", True), 0.7, "Size of the note call, relative to the "
            "text."),
        Key("call_raise_em", Number("em"), 0.45, "How far the call is raised, relative to its "
            "size."),
        Key("area_space_pt", Number("pt"), 12, "Space between the text and the rule."),
        Key("rule_space_pt", Number("pt"), 4, "Space between the rule and the first note."),
    )),
    Table("signatures", "The signatory block.", (
        Key("columns", Choice((2, 3)), 3, "Signatories in a row (PDF, DOCX)."),
        Key("keep_lines", Whole(1), 3, "Lines of the text's last paragraph that go with the "
            "block to a new page (a shorter paragraph goes whole), so that a page never holds "
            "the signatures alone (PDF).", required=False),
        Key("title_size_pt", Number("pt", True), 12, "Size of a signatory's title."),
        Key("name_size_pt", Number("pt", True), 14, "Size of a signatory's name."),
        Key("space_before_pt", Number("pt"), 36, "Space above the block."),
        Key("row_gap_pt", Number("pt"), 24, "Space between two rows."),
        Key("column_gap_mm", Number("mm"), 8, "Space between two columns."),
        Key("line_space_pt", Number("pt"), 28, "Room to sign above the signature line."),
        Key("name_space_pt", Number("pt"), 6, "Space between a title and the name below it "
            "where there is no signature line (a source's `signature: name-only`)."),
        Key("title_line_height", Number("ratio", True), 1.15, "Line height of titles, times "
            "their size."),
        Key("line_thickness_pt", Number("pt"), 0.5, "Thickness of the signature line."),
        Key("name_bold", Flag(), True, "Names in bold."),
    )),
    Table("notice", "The line a translation's editions print under the title block, naming "
          "the authoritative text.", (
        Key("size_pt", Number("pt", True), 12, "Size of the line."),
        Key("italic", Flag(), True, "The line in italics."),
        Key("space_after_pt", Number("pt"), 12, "Space below the line."),
    )),
    Table("parallel", "The parallel editions (docs/parallel.md): language versions in "
          "columns, one row per aligned unit; margins, faces and colours as above.", (
        *_lengths("mm",
            ("page_width_mm", True, 210, "Page width (height for 3 languages and more)."),
            ("page_height_mm", True, 297, "Page height (width for 3 languages and more)."),
            ("column_gap_mm", False, 8, "Space between two columns."),
        ),
        Key("landscape_from", Whole(2), 3, "From this many languages on, the page is turned "
            "to landscape."),
        Key("size_pt", Number("pt", True), 12, "Text size of the columns; titles and "
            "signatures shrink in proportion."),
        Key("column_rule_pt", Number("pt"), 0.5, "Rule between two columns; 0 for none."),
        Key("row_space_pt", Number("pt"), 6, "Space above each aligned unit."),
        Key("align", Choice(("justify", "left")), "left", "PDF and DOCX: the columns' "
            "text, justified or start-aligned (ragged right), hyphenated either way; narrow "
            "columns justify with wide word spaces."),
        Key("heading_size_pt", Number("pt", True), 10, "Size of each column's language "
            "heading."),
        Key("screen_column_max_em", Number("em", True), 32, "HTML: widest a column gets."),
        Key("screen_column_min_em", Number("em", True), 18, "HTML: narrowest a column gets "
            "before the columns are stacked."),
    )),
    Table("qr", "The QR-code requisite (GOST R 7.0.97-2025) on the first page of the PDF and "
          "DOCX editions and on the HTML page (docs/layouts.md, \"The QR code\").", (
        Key("enabled", Flag(), True, "Print the code; `false` for none in any edition."),
        Key("position", Choice(("bottom-right", "bottom-left", "top-right", "top-left")),
            "bottom-right", "Corner of the first page: in the bottom or top margin, flush "
            "with the text's right or left edge."),
        Key("size_mm", Number("mm", True), 20, "Width and height of the code, its light "
            "border of 4 modules included."),
        Key("margin_mm", Number("mm"), 5, "Distance from the page's bottom (or top) edge. "
            "Where that margin is narrower than `size_mm + margin_mm`, it grows to that on "
            "the first page, so the code never overlaps the text or the notes."),
        Key("screen_size_em", Number("em", True), 6, "Size of the code on the HTML page."),
        Key("base_url", Url(), "https://mfa.example/statements", "Where the HTML editions are "
            "published: the code encodes `<base_url>/<id>/<id>.<lang>.html` (with `{id}` or "
            "`{lang}` in it, the URL as written, those filled in); `\"\"` encodes "
            "`urn:statementpress:<id>:<lang>:sha256:<SHA-256 of the source>`."),
    )),
    Table("pdf", "The PDF file.", (
        Key("variant", Choice(("pdf/a-3b", "pdf/a-3u", "pdf/a-3a", "")), "pdf/a-3b",
            'WeasyPrint PDF variant; PDF/A-3 may carry the source file, `""` for a plain PDF.'),
        Key("tags", Flag(), True, "Tagged (accessible) PDF."),
    )),
    Table("docx", "What only the DOCX edition needs.", (
        Key("reference", RelativePath("the layout's folder", (".docx",), empty=True), "",
            "A Word document whose styles, page set-up and header are used instead."),
        Key("article_number", LevelText(), "%1.", "Word's level text of article numbers."),
        Key("line_rule", Choice(("exact", "multiple")), "exact", "`exact`: the PDF's line "
            "height; `multiple`: Word's own, taller."),
        Key("embed_fonts", Flag(), True, "Embed the face's files (obfuscated, as OOXML "
            "requires)."),
    )),
    Table("colours", "Colours of every edition.", tuple(
        Key(name, Colour(), example, doc) for name, example, doc in (
            ("text", "#000000", "Text."),
            ("accent", "#1f3b63", "Accent (links, highlights)."),
            ("rule", "#000000", "Rules: signature lines, note separator."),
            ("muted", "#555555", "Secondary text (sizes in the list of editions)."),
            ("background", "#ffffff", "Page background of the HTML edition."),
            ("highlight", "#fff6d5", "Background of the note just followed to (HTML)."),
        )
    )),
    Table("screen", "The HTML edition: a reading column, lengths in em of its text size.", (
        Key("max_width_em", Number("em", True), 34, "Width of the column (34 em: about 70 "
            "characters a line)."),
        Key("justify_min_width_em", Number("em", True), 30, "Narrowest window, in em of the "
            "text size, whose text is justified (if `text.align` justifies); narrower, as on "
            "a phone, the text is start-aligned, without rivers."),
        Key("embed_fonts", Flag(), True, "Embed the layout's face in the page as WOFF2 files "
            "of only the glyphs it uses (data URIs), so every reader sees that face."),
        Key("size_px", Number("px", True), 18, "Text size."),
        Key("line_height", Number("ratio", True), 1.38, "Line height, times the text size."),
        *_lengths("em",
            ("padding_block_em", False, 2, "Space above and below the column."),
            ("padding_inline_em", False, 1, "Space at the column's sides."),
            ("title_size_em", True, 1.1, "Title size."),
            ("title_space_after_em", False, 2, "Space below the title block."),
            ("subtitle_space_em", False, 0.5, "Space before the subtitle."),
            ("dateline_space_em", False, 1, "Space before the date."),
            ("section_space_em", False, 3, "Space before signatures, notes, editions."),
            ("signatory_min_width_em", True, 12, "Smallest width of a signatory's cell."),
            ("signatory_row_gap_em", False, 2, "Space between rows of signatories."),
            ("signatory_column_gap_em", False, 1.5, "Space between signatories in a row."),
            ("signature_line_em", False, 2.5, "Room to sign above the signature line."),
            ("signature_line_space_em", False, 0.5, "Space above and below the line."),
            ("small_size_em", True, 0.85, "Size of smaller text (titles, notes, sizes)."),
        ),
        Key("rule_px", Number("px"), 1, "Thickness of rules."),
        Key("editions_gap_em", Number("em"), 1, "Space in the list of editions."),
    )),
    Table("epub", "The EPUB edition (reflowable): lengths in em of the reader's text size.",
          _lengths("em",
            ("indent_em", False, 1.5, "First-line indent of a paragraph."),
            ("section_space_em", False, 2.5, "Space before the signatures and the notes."),
            ("signatory_gap_em", False, 1.5, "Space between two signatories."),
            ("signature_line_em", False, 2, "Room to sign above each name."),
            ("justify_min_width_em", True, 30, "Narrowest screen, in em, whose text is "
                "justified (if `text.align` justifies); narrower, it is start-aligned."),
            ("notes_size_em", True, 0.875, "Size of the notes (the print sizes would make "
                "them too small to read on a screen)."),
        ) + (
            Key("notes_line_height", Number("ratio", True), 1.35, "Line height of the notes, "
                "times their size."),
            Key("publisher", Text(200), "", "`dc:publisher`: who publishes the edition; "
                '`""` leaves it out (the parties are its creators, not its publisher).'),
    )),
)  # fmt: skip

_BY_NAME = {t.name: t for t in TABLES}

# The layout's own values, for its own templates (`L.custom.<name>`): the only table that is
# not in the schema, and its values are plain (`Plain`), so a template may write them in a
# stylesheet or in markup without escaping.
CUSTOM = Table(
    "custom",
    "The layout's own values for its templates, as `L.custom.<name>`; names are letters, "
    "digits and `_`. Optional.",
    (Key("<name>", Plain(), "No. 17", "Any value the layout's templates use."),),
)


class Problem(NamedTuple):
    """One problem of a layout: the dotted key it is about and the message."""

    key: str
    message: str


def _suggest(name: str, candidates: list[str], prefix: str) -> str:
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{prefix}{close[0]}'?"
    return f"; known keys: {', '.join(candidates)}" if candidates else ""


def _value(key: Key, dotted: str, value: Any) -> Iterator[Problem]:
    problem = key.kind.problem(value, key.example)
    if problem:
        yield Problem(dotted, f"{dotted!r} {problem}, not {shown(value)}")


def _table(
    table: Table, values: Mapping[str, Any], prefix: str, partial: bool = False
) -> Iterator[Problem]:
    for key in table.keys:
        dotted = f"{prefix}{key.name}"
        if key.name in values:
            yield from _value(key, dotted, values[key.name])
        elif key.required and not partial:
            yield Problem(dotted, f"lacks {dotted!r}; add it or inherit {BASE!r}")
    names = [k.name for k in table.keys]
    for name in values:
        if table.key(name) is None:
            dotted = f"{prefix}{name}"
            yield Problem(dotted, f"unknown key {dotted!r}{_suggest(name, names, prefix)}")


def _named(table: Table, values: Any) -> Iterator[Problem]:
    """The problems of a table of named tables (`[fonts]`, `[hyphenation]`)."""
    name = table.name
    if not isinstance(values, Mapping):
        yield Problem(name, f"{name!r} must be a table ([{name}]), not {shown(values)}")
        return
    if "default" not in values:
        yield Problem(f"{name}.default", f"lacks '{name}.default'; add it or inherit {BASE!r}")
    needed = ", ".join(k.name for k in table.keys if k.required)
    for sub, face in values.items():
        dotted = f"{name}.{sub}"
        if not FACE_NAME.fullmatch(sub):
            kind = "a face name" if name == "fonts" else "a table name"
            yield Problem(
                dotted,
                f"{dotted!r} is not {kind}: use 'default' or a primary language subtag "
                "in lower case, such as 'zh'",
            )
        elif not isinstance(face, Mapping):
            yield Problem(
                dotted,
                f"{dotted!r} must be a table ([{dotted}]) with {needed}, not {shown(face)}",
            )
        else:
            yield from _table(table, face, f"{dotted}.", table.partial and sub != "default")


def _faces(values: Any) -> Iterator[Problem]:
    return _named(_BY_NAME["fonts"], values)


def face_problems(fonts: Any) -> list[Problem]:
    """The problems of a layout's `fonts` table alone (`problems` includes them)."""
    return list(_faces(fonts))


def _custom(values: Any) -> Iterator[Problem]:
    if not isinstance(values, Mapping):
        yield Problem("custom", f"'custom' must be a table ([custom]), not {shown(values)}")
        return
    kind = CUSTOM.keys[0]
    for name, value in values.items():
        dotted = f"custom.{name}"
        if not CUSTOM_KEY.fullmatch(name):
            yield Problem(dotted, f"{dotted!r} is not a name: use letters, digits and '_'")
        else:
            yield from _value(kind, dotted, value)


def problems(values: Mapping[str, Any]) -> list[Problem]:
    """Every problem of a layout's merged values (its `inherit` already resolved).

    Each key of the schema must be there (unless optional) with a value of its kind; keys
    not in the schema are refused with the nearest known name. A layout's own values go in
    `[custom]`, whose values are plain (see `CUSTOM`).
    """
    found: list[Problem] = []
    for table in TABLES:
        if table.name not in values:
            found.append(Problem(table.name, f"lacks {table.name!r}; add it or inherit {BASE!r}"))
    for name, value in values.items():
        key = TOP.key(name)
        if key is not None:
            found.extend(_value(key, name, value))
        elif name in _BY_NAME and _BY_NAME[name].faces:
            found.extend(_named(_BY_NAME[name], value))
        elif name == CUSTOM.name:
            found.extend(_custom(value))
        elif name in _BY_NAME:
            if isinstance(value, Mapping):
                found.extend(_table(_BY_NAME[name], value, f"{name}."))
            else:
                found.append(
                    Problem(name, f"{name!r} must be a table ([{name}]), not {shown(value)}")
                )
        else:
            known = [k.name for k in TOP.keys] + list(_BY_NAME) + [CUSTOM.name]
            hint = _suggest(name, known, "")
            if isinstance(value, Mapping) and not hint.startswith("; did you mean"):
                hint = "; a layout's own values for its templates go in [custom]"
            found.append(Problem(name, f"unknown key {name!r}{hint}"))
    return found


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _rows(table: Table, heading: str) -> list[str]:
    lines = [
        f"### `{heading}`" if heading else "### Top level",
        "",
        table.doc,
        "",
        "| key | type | allowed | example | meaning |",
        "| --- | --- | --- | --- | --- |",
    ]
    for key in table.keys:
        example = (
            f'`"{key.example}"`' if isinstance(key.example, str) else f"`{shown(key.example)}`"
        )
        meaning = key.doc if key.required else f"Optional. {key.doc}"
        lines.append(
            f"| `{key.name}` | {key.kind.name} | {_cell(key.kind.allowed())} | "
            f"{_cell(example)} | {_cell(meaning)} |"
        )
    return lines


def markdown() -> str:
    """The reference of every key as Markdown tables, one per table of `layout.toml`."""
    lines: list[str] = []
    for table, heading in [
        (TOP, ""),
        *[(t, f"[{t.name}.<name>]" if t.faces else f"[{t.name}]") for t in TABLES],
        (CUSTOM, "[custom]"),
    ]:
        lines.extend(_rows(table, heading))
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


START = "<!-- layout-schema: start (generated by python -m statementpress.layout_schema) -->"
END = "<!-- layout-schema: end -->"


def with_reference(document: str) -> str:
    """`document` (docs/layouts.md) with the text between its START and END markers
    replaced by `markdown()`."""
    head, sep, rest = document.partition(START)
    _, sep2, tail = rest.partition(END)
    if not (sep and sep2):
        raise ValueError(f"the document has no {START!r} ... {END!r} markers")
    return f"{head}{START}\n\n{markdown()}\n{END}{tail}"


def main(argv: list[str]) -> int:
    """Print the reference tables, or with `--write FILE` update them inside FILE."""
    if len(argv) == 2 and argv[0] == "--write":
        path = Path(argv[1])
        path.write_text(with_reference(path.read_text(encoding="utf-8")), encoding="utf-8")
        return 0
    if argv:
        print("usage: python -m statementpress.layout_schema [--write FILE]", file=sys.stderr)
        return 2
    print(markdown(), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
