"""The layout schema: it documents itself in docs/layouts.md, and each kind refuses what it must."""

from __future__ import annotations

import pytest

from conftest import ROOT
from statementpress import layout, layout_schema
from statementpress.errors import LayoutError
from statementpress.layout_kinds import Number

DOC = ROOT / "docs" / "layouts.md"
UNITS = {"_mm": "mm", "_cm": "cm", "_pt": "pt", "_em": "em", "_px": "px"}


def all_keys():
    yield from ((layout_schema.TOP, key) for key in layout_schema.TOP.keys)
    yield from ((table, key) for table in layout_schema.TABLES for key in table.keys)


def test_docs_table_is_generated_from_the_schema():
    text = DOC.read_text(encoding="utf-8")
    assert layout_schema.with_reference(text) == text, (
        "docs/layouts.md is out of date: run "
        "'python -m statementpress.layout_schema --write docs/layouts.md'"
    )
    assert "| `rule_width_mm` | number, mm | > 0 |" in text


def test_every_example_is_a_valid_value_of_its_kind():
    checked = 0
    for table, key in all_keys():
        assert key.kind.problem(key.example, key.example) is None, (table.name, key.name)
        checked += 1
    assert checked > 90


def test_a_number_key_names_its_unit():
    numbers = [(t, k) for t, k in all_keys() if isinstance(k.kind, Number)]
    assert len(numbers) > 50
    for table, key in numbers:
        suffix = next((s for s in UNITS if key.name.endswith(s)), None)
        expected = UNITS[suffix] if suffix else "ratio"
        assert key.kind.unit == expected, f"{table.name}.{key.name}"


@pytest.mark.parametrize("name", ["official", "booklet"])
def test_built_in_layouts_have_no_problem(name):
    assert layout_schema.problems(layout.load(name).values) == []


def problems_of(toml_override: str) -> list[str]:
    import tomllib

    values = layout._merge(layout.load("official").values, tomllib.loads(toml_override))
    return [p.message for p in layout_schema.problems(values)]


@pytest.mark.parametrize(
    "override, message",
    [
        ("[text]\nsize_pt = nan", "'text.size_pt' must be a finite number, not nan"),
        ("[page]\nwidth_mm = inf", "'page.width_mm' must be a finite number, not inf"),
        ("[text]\nwidows = 2.0", "'text.widows' must be a whole number of at least 1, not 2.0"),
        ("[signatures]\ncolumns = true", "'signatures.columns' must be 2 or 3, not true"),
        ("[text]\nsize_tp = 14", "unknown key 'text.size_tp'; did you mean 'text.size_pt'?"),
        ("[colors]\ntext = '#000000'", "unknown key 'colors'; did you mean 'colours'?"),
        ("colour = 3", "unknown key 'colour'; did you mean 'colours'?"),
        (
            "[fonts.default]\nfamly = 'X'",
            "unknown key 'fonts.default.famly'; did you mean 'fonts.default.family'?",
        ),
        (
            "[fonts.default]\nfamily = 'X\"; } body { background: url(http://x/)'",
            "'fonts.default.family' must be a font family name like 'PT Serif'",
        ),
        (
            "[fonts.default]\ndir = '../../etc'",
            "'fonts.default.dir' must be a relative path inside the package",
        ),
        (
            "[fonts.default]\nregular = '/usr/share/fonts/x.ttf'",
            "'fonts.default.regular' must be a relative path inside the package's `dir` ending",
        ),
        (
            "[fonts.default]\nregular = 'x.exe'",
            "'fonts.default.regular' must be a relative path inside the package's `dir` "
            "ending in .ttf or .otf or .woff or .woff2",
        ),
        (
            "[fonts.default]\npackage = 'os; import x'",
            "'fonts.default.package' must be an import name like 'fontpkg_pt_serif'",
        ),
        ("[fonts.ZH]\nfamily = 'X'", "'fonts.ZH' is not a face name"),
        (
            "[docx]\nreference = '../other/reference.docx'",
            "'docx.reference' must be a relative path inside the layout's folder ending in .docx",
        ),
        ("[docx]\narticle_number = 'Article'", "'docx.article_number' must be a numbering text"),
        ("[pdf]\nvariant = 'pdf/a-1b'", "'pdf.variant' must be 'pdf/a-3b' or"),
        ("[lists]\nbullet = ''", "'lists.bullet' must not be empty, not ''"),
        ("[lists]\nbullet = '\u2013\u2013\u2013\u2013\u2013'", "'lists.bullet' must be at most 4"),
        ('description = "two\\nlines"', "'description' must be one line without control"),
    ],
)
def test_each_kind_refuses_what_it_must(override, message):
    found = problems_of(override)
    assert len(found) == 1 and found[0].startswith(message), found


@pytest.mark.parametrize(
    "override",
    [
        "[docx]\nreference = 'word/reference.docx'",
        "[fonts.default]\ndir = '.'",
        "[fonts.zh]\nfamily = '思源宋体 SC'",
        "[pdf]\nvariant = ''",
        "[custom]\nregistry = 'No. 17'\nwide = true\nshift_mm = 1.5",
        "[lists]\nnumber_suffix = ''",
    ],
)
def test_values_the_schema_allows(override):
    assert problems_of(override) == []


def test_layout_error_lists_every_problem_with_layout_and_file(tmp_path, monkeypatch):
    folder = tmp_path / "x"
    folder.mkdir()
    (folder / "layout.toml").write_text(
        'inherit = "official"\n[text]\nsize_tp = 14\nalign = "centre"\n', encoding="utf-8"
    )
    monkeypatch.setenv("STATEMENTPRESS_LAYOUTS", str(tmp_path))
    with pytest.raises(LayoutError) as info:
        layout.load("x")
    where = f"layout 'x' ({folder / 'layout.toml'}): "
    assert info.value.format_message().splitlines() == [
        where + "'text.align' must be 'justify' or 'left' or 'right' or 'center', not 'centre'",
        where + "unknown key 'text.size_tp'; did you mean 'text.size_pt'?",
    ]


def test_the_module_prints_the_reference(capsys):
    assert layout_schema.main([]) == 0
    assert capsys.readouterr().out == layout_schema.markdown()
    assert layout_schema.main(["--nope"]) == 2
