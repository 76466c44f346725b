"""The keys of `layout.toml`: every table and key a layout may set, with its kind, range,
example and meaning, as data (`layout_schema` validates layouts and writes the docs from it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from statementpress.layout_kinds import (
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
        Key("space_stretch_em", Number("em", True), 0.25, "How much wider than the face's "
            "own a justified PDF line's word spaces may be before the line planner counts it "
            "as loose (TeX's badness 100): larger, wider spaces rather than more hyphens.",
            required=False),
        Key("rag_em", Number("em", True), 2.0, "The white a ragged, hyphenated PDF line (the "
            "parallel PDF's columns) may leave at its end before the line planner counts it "
            "as loose (TeX's ragged right allows 2 em): larger, a less even rag and fewer "
            "hyphens.", required=False),
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

# The layout's own values, for its own templates (`L.custom.<name>`): the only table that is
# not in the schema, and its values are plain (`Plain`), so a template may write them in a
# stylesheet or in markup without escaping.
CUSTOM = Table(
    "custom",
    "The layout's own values for its templates, as `L.custom.<name>`; names are letters, "
    "digits and `_`. Optional.",
    (Key("<name>", Plain(), "No. 17", "Any value the layout's templates use."),),
)


def default(dotted: str) -> Any:
    """What an optional key (`required=False`) stands at where a layout leaves it out: the
    value its row shows, e.g. `default("text.space_shrink_em")`."""
    table_name, _, name = dotted.rpartition(".")
    table = next(t for t in TABLES if t.name == table_name)
    key = table.key(name)
    assert key is not None and not key.required, dotted
    return key.example
