"""Parallel editions: the language versions of one statement side by side, unit by unit.

Sources that share an `id` are language versions of one statement (a *group*). The
parallel editions print them in columns, the authoritative version first, then the others
in the order their sources were given. They are cut into aligned units, the rows of the
edition, each with one cell per language, so that every unit starts on the same line in
every column (docs/parallel.md):

- the title block (kind, title, subtitle, date line, and a translation's notice);
- each preamble paragraph;
- each paragraph of an article, and each sub-item of its lists (the article's number opens
  its first row);
- each closing paragraph;
- each signatory's title, then its signature line with the name;
- the notes, each column's own, numbered as in its language's edition.

Versions whose structure differs cannot be aligned: `check` reports the first difference
as a located error in the later source, naming the first one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from statementpress.errors import Diagnostic
from statementpress.model import Article, Paragraph, Statement, SubList

if TYPE_CHECKING:
    from statementpress.layout import Layout


@dataclass(frozen=True)
class Group:
    """The language versions of one statement, in column order, with the layout of each."""

    statements: tuple[Statement, ...]
    layouts: tuple[Layout, ...]

    @property
    def id(self) -> str:
        """The statement id the versions share."""
        return self.statements[0].meta.id

    @property
    def langs(self) -> tuple[str, ...]:
        """The language tags in column order."""
        return tuple(st.meta.lang for st in self.statements)

    @property
    def layout(self) -> Layout:
        """The layout of the parallel editions: the first column's."""
        return self.layouts[0]


def column_order(statements: Sequence[Statement]) -> list[int]:
    """Indexes of `statements` in column order: the authoritative version first, then the
    others in the order given."""
    return sorted(range(len(statements)), key=lambda i: not statements[i].meta.authoritative)


def groups(pairs: Iterable[tuple[Statement, Layout]]) -> list[Group]:
    """The groups of two or more language versions among `pairs`, in the order of their
    first source, each in column order."""
    by_id: dict[str, list[tuple[Statement, Layout]]] = {}
    for st, chosen in pairs:
        by_id.setdefault(st.meta.id, []).append((st, chosen))
    found = []
    for members in by_id.values():
        if len(members) < 2:
            continue
        order = column_order([st for st, _ in members])
        found.append(
            Group(
                tuple(members[i][0] for i in order),
                tuple(members[i][1] for i in order),
            )
        )
    return found


def edition_name(statements: Sequence[Statement], extension: str) -> str:
    """The file name of a parallel edition: `<id>.<l1>-<l2>[-…].<ext>`, in column order."""
    langs = "-".join(st.meta.lang for st in statements)
    return f"{statements[0].meta.id}.{langs}.{extension}"


# -- aligned units --------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One aligned unit: `cells` holds each column's part, in column order.

    `kind` is "title", "preamble", "article", "subitem", "closing", "signatory" (a
    signatory's title), "signature" (the line and the name under it) or "notes";
    a cell is the statement (title, notes), a `Paragraph`, a `SubItem` or a `Signatory`.
    `number` is the article's number on the first row of an article (else None); `ordered`
    tells a sub-item of a numbered list from a bulleted one. A sub-item's row also holds
    each column's list (`lists`) and the item's place in it (`item`), for its marker.
    """

    kind: str
    id: str
    cells: tuple[Any, ...]
    number: int | None = None
    ordered: bool = False
    first: bool = True
    lists: tuple[SubList, ...] = ()
    item: int = 0

    def markers(self, number_suffix: str = ")", bullet: str = "\u2013") -> tuple[str, ...]:
        """A sub-item's marker in each column, as the single editions print it
        (`SubList.markers`): "1)", "2)", … or the bullet; empty for other rows."""
        return tuple(sub.markers(number_suffix, bullet)[self.item] for sub in self.lists)


def rows(statements: Sequence[Statement]) -> list[Row]:
    """The aligned units of versions that `check` accepts, in reading order."""
    ref = statements[0]
    out = [Row("title", "title", tuple(statements))]
    for i in range(len(ref.preamble)):
        out.append(Row("preamble", f"preamble-{i + 1}", tuple(st.preamble[i] for st in statements)))
    for a, article in enumerate(ref.articles):
        first = True
        for b, block in enumerate(article.blocks):
            blocks = [st.articles[a].blocks[b] for st in statements]
            number = article.number if first else None
            if isinstance(block, SubList):
                lists = tuple(x for x in blocks if isinstance(x, SubList))
                for k in range(len(block.items)):
                    out.append(
                        Row(
                            "subitem",
                            f"article-{article.number}-{b + 1}-{k + 1}",
                            tuple(x.items[k] for x in lists),
                            number if k == 0 else None,
                            block.ordered,
                            first,
                            lists,
                            k,
                        )
                    )
                    first = False
            else:
                row_id = (
                    f"article-{article.number}" if b == 0 else f"article-{article.number}-{b + 1}"
                )
                out.append(Row("article", row_id, tuple(blocks), number, False, first))
                first = False
    for i in range(len(ref.closing)):
        out.append(Row("closing", f"closing-{i + 1}", tuple(st.closing[i] for st in statements)))
    for i in range(len(ref.signatories)):
        cells = tuple(st.signatories[i] for st in statements)
        # Two rows: the titles, then the signature lines with the names, so that the lines
        # and names stand level however many lines each title takes.
        out.append(Row("signatory", f"signatory-{i + 1}", cells))
        out.append(Row("signature", f"signature-{i + 1}", cells))
    if any(st.notes for st in statements):
        out.append(Row("notes", "notes", tuple(statements)))
    return out


# -- structure check ------------------------------------------------------------------------


def _block_kind(block: Paragraph | SubList) -> str:
    return "a list of sub-items" if isinstance(block, SubList) else "a paragraph"


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def first_difference(ref: Statement, st: Statement) -> tuple[str, Any, Any] | None:
    """The first structural difference between two versions, as (what differs, the place in
    `st`, the place in `ref`), places being model nodes or locator names; None if they align.
    """
    if len(st.preamble) != len(ref.preamble):
        return (
            f"the preamble has {_count(len(st.preamble), 'paragraph', 'paragraphs')} here "
            f"and {len(ref.preamble)} in",
            ("preamble", st),
            ("preamble", ref),
        )
    for mine, theirs in zip(st.articles, ref.articles, strict=False):
        found = _article_difference(mine, theirs)
        if found:
            return found
    if len(st.articles) != len(ref.articles):
        shorter, longer = sorted((st, ref), key=lambda x: len(x.articles))
        missing = longer.articles[len(shorter.articles)]
        here = missing if longer is st else ("after-articles", st)
        there = missing if longer is ref else ("after-articles", ref)
        return (
            f"{_count(len(st.articles), 'article', 'articles')} here and {len(ref.articles)} in",
            here,
            there,
        )
    if len(st.closing) != len(ref.closing):
        return (
            f"the closing has {_count(len(st.closing), 'paragraph', 'paragraphs')} here and "
            f"{len(ref.closing)} in",
            ("after-articles", st),
            ("after-articles", ref),
        )
    if len(st.signatories) != len(ref.signatories):
        return (
            f"{_count(len(st.signatories), 'signatory', 'signatories')} here and "
            f"{len(ref.signatories)} in",
            ("signatories", st),
            ("signatories", ref),
        )
    return None


def _article_difference(mine: Article, theirs: Article) -> tuple[str, Any, Any] | None:
    n = mine.number
    if len(mine.blocks) != len(theirs.blocks):
        return (
            f"article {n} has "
            f"{_count(len(mine.blocks), 'paragraph or list', 'paragraphs and lists')} here "
            f"and {len(theirs.blocks)} in",
            mine,
            theirs,
        )
    for b, (x, y) in enumerate(zip(mine.blocks, theirs.blocks, strict=True), start=1):
        if isinstance(x, SubList) != isinstance(y, SubList):
            return (
                f"block {b} of article {n} is {_block_kind(x)} here and {_block_kind(y)} in",
                mine,
                theirs,
            )
        if isinstance(x, SubList) and isinstance(y, SubList) and len(x.items) != len(y.items):
            return (
                f"the list in article {n} has {_count(len(x.items), 'sub-item', 'sub-items')} "
                f"here and {len(y.items)} in",
                x,
                y,
            )
    return None


def check(statements: Sequence[Statement]) -> list[Diagnostic]:
    """One located error per version that cannot be aligned with the first (in column
    order): at the first difference in that version's source, naming the first source and
    the place there."""
    problems = []
    ref = statements[0]
    for st in statements[1:]:
        found = first_difference(ref, st)
        if found is None:
            continue
        what, here, there = found
        line, col = locate(st, here)
        ref_line, ref_col = locate(ref, there)
        problems.append(
            Diagnostic(
                st.source.path,
                line,
                col,
                f"the {st.meta.lang!r} version of {ref.meta.id!r} cannot be printed beside "
                f"{ref.source.path} in the parallel editions: {what} "
                f"{ref.source.path}:{ref_line}:{ref_col}; make the versions match point "
                "for point",
            )
        )
    return problems


# -- places in a source ---------------------------------------------------------------------


def locate(statement: Statement, place: Any) -> tuple[int, int]:
    """1-based line and column of a place in the statement's source: a model node (by its
    position), or ("preamble" | "after-articles" | "signatories", statement)."""
    pos = getattr(place, "pos", None)
    if pos is not None:
        return pos.key
    if isinstance(place, tuple):
        name = place[0]
        if name == "signatories":
            where = statement.meta.positions.get("signatories")
            return where.key.key if where else (1, 1)
        # The first paragraph of the part, else the nearest article.
        nodes = statement.preamble if name == "preamble" else statement.closing
        near = statement.articles[0 if name == "preamble" else -1] if statement.articles else None
        for node in (*nodes[:1], near):
            found = getattr(node, "pos", None)
            if found is not None:
                return found.key
    return 1, 1
