"""The layout rounds of the PDF edition: plan the lines, keep the notes, lay out again.

`render` lays the page out as often as it takes (at most `MAX_ROUNDS` times): a first
layout to measure, then with each justified paragraph's line breaks planned
(`pdf_plan`), then again wherever a note went to another page than its call or a line end
broke the hyphenation policy. A parallel edition's columns are planned the same way, each
paragraph at its column's width with its language's policy, each column a flow of its own
(`pdf_lines.flows`). What a round learns is kept by element index in `_Rounds`,
and the page markup is parsed afresh for each layout, so the result depends on the input
alone.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from statementpress import hyphenation, layout_keys, urlguard
from statementpress.layout import Layout
from statementpress.model import Statement
from statementpress.writers import pdf_lines, pdf_plan

log = logging.getLogger("statementpress")

# Layouts of one edition at most: each after a note moved or words kept whole (`_render`).
MAX_ROUNDS = 12
# The search for the hyphen penalty that keeps hyphens to the policy's share (`_Rounds.plan`).
MAX_DOUBLINGS = 10
NARROWING_STEPS = 6
# The possible lines kept through that search (`_plan_language`): 8 bytes each.
KEPT_LINES = 2_000_000


@contextmanager
def footnotes_that_fit() -> Iterator[None]:
    """Within the block, a footnote area that ends exactly at its last note does not overflow.

    WeasyPrint compares the bottom of the last note with the bottom of the footnote area
    without any tolerance: when the two are equal but for the last bits of a float, the
    note is sent to the next page with its call's line, and the page ends lines early. The
    comparison is made again here with a tolerance of a millionth of a pixel.
    """
    from math import inf

    from weasyprint.formatting_structure import build
    from weasyprint.layout import LayoutContext
    from weasyprint.layout.block import block_level_layout

    original = LayoutContext._update_footnote_area

    def update(context: Any) -> bool:
        overflow = original(context)
        if overflow and not context.in_column:
            area = context.current_footnote_area
            laid_out = block_level_layout(
                context, build.create_anonymous_boxes(area.deepcopy()), -inf, None, area.page
            )[0]
            last = laid_out.children[-1]
            excess = (last.position_y + last.margin_height() - last.margin_bottom) - (
                laid_out.position_y + laid_out.margin_height() - laid_out.margin_bottom
            )
            overflow = excess > 1e-6
        return overflow

    LayoutContext._update_footnote_area = update
    try:
        yield
    finally:
        LayoutContext._update_footnote_area = original


def _displaced_note(document: Any, statement: Statement) -> tuple[int, int] | None:
    """The first note printed on another page than its call, as (note, page of the call)."""
    page_of: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for name in page.anchors:
            page_of.setdefault(name, index)
    for note in statement.notes:
        call = page_of.get(f"noteref-{note.number}")
        if call is not None and page_of.get(f"note-{note.number}") != call:
            return note.number, call
    return None


def _last_paragraph(page: Any) -> Any:
    """The element of the last paragraph that starts or continues on `page`."""
    from weasyprint.formatting_structure import boxes

    last = None
    for box in page._page_box.descendants():
        if isinstance(box, boxes.BlockBox) and box.element_tag == "p":
            last = box.element
    return last


def _add_style(element: Any, declaration: str) -> None:
    style = element.get("style")
    element.set("style", f"{style}; {declaration}" if style else declaration)


class _Rounds:
    """What one layout of the page teaches the next (see `_render`), by element index.

    Elements are named by their index in the page's markup, which is parsed afresh for
    each layout, so that what a round adds is all there is.
    """

    def __init__(self, layout: Layout, lang: str) -> None:
        self.layout = layout
        self.lang = lang
        self.policies: dict[str, hyphenation.Policy] = {}
        # The hyphen penalty each language's paragraphs were planned with (`plan`).
        self.penalty: dict[str, float] = {}
        text = layout.get("text")
        self.shrink = text.get("space_shrink_em", layout_keys.default("text.space_shrink_em"))
        # The line planner's measures of a loose line (`pdf_plan.Paragraph`).
        self.spacing = {
            name: text.get(key, layout_keys.default(f"text.{key}"))
            for name, key in (("stretch_em", "space_stretch_em"), ("rag_em", "rag_em"))
        }
        self.moved: set[int] = set()
        self.forbidden: dict[int, set[int]] = {}
        # The lines (numbered from 1) of a planned paragraph that ended a page in a hyphen.
        self.whole: dict[int, set[int]] = {}
        self.paragraphs: dict[int, pdf_plan.Paragraph] | None = None
        self.unplanned: set[int] = set()
        self.own: set[int] = set()
        self.widths = pdf_plan.Measure()

    def policy(self, lang: str | None) -> hyphenation.Policy:
        """The hyphenation policy of `lang` (the statement's language when a block has none):
        a parallel edition's columns each follow their own language's."""
        key = lang or self.lang
        if key not in self.policies:
            self.policies[key] = hyphenation.policy(self.layout, key)
        return self.policies[key]

    def apply(self, page: Any) -> list[Any]:
        """Put what is known into the freshly parsed `page`; its elements by index."""
        import cssselect2

        elements = [e for e in page.etree_element.iter() if isinstance(e.tag, str)]
        # The elements with lines of their own, left out of another's characters (an element
        # is never its own descendant: the set does for every element as it is).
        own = {elements[k] for k in self.own}
        for key in sorted(self.moved):
            _add_style(elements[key], "break-before: page")
        for key, paragraph in sorted((self.paragraphs or {}).items()):
            if key not in self.unplanned:
                element = elements[key]
                pdf_plan.write(element, pdf_lines.chars(element, own), paragraph)
        for key, places in sorted(self.forbidden.items()):
            if key in self.unplanned or key not in (self.paragraphs or {}):
                element = elements[key]
                chars = pdf_lines.chars(element, own)
                pdf_plan.keep_whole(page.etree_element, chars, places)
        # The selector tree keeps each element's children: build it again.
        page.wrapper_element = cssselect2.ElementWrapper.from_html_root(
            page.etree_element, content_language=None
        )
        return elements

    def plan(self, analysis: pdf_lines.Analysis, keys: dict[int, int]) -> None:
        """Plan the lines of every element of the first layout that `pdf_plan.plannable`
        accepts (justified, or ragged and hyphenated).

        The paragraphs of each language are planned together, with that language's policy
        (a parallel edition has one per column): the hyphen penalty starts at the policy's
        and is doubled, then narrowed down, until at most `max_share` of the language's
        lines end in a hyphen: the loosest spacing the share needs, and no looser.
        """
        self.own = {keys[id(line.element)] for line in analysis.lines}
        languages: dict[str, dict[int, Any]] = {}
        for line in analysis.lines:
            languages.setdefault(line.lang or self.lang, {})[id(line.element)] = line.element
        self.paragraphs = {}
        for lang, elements in languages.items():
            self.paragraphs.update(
                self._plan_language(analysis, keys, lang, list(elements.values()))
            )
        # Every width is measured: the cache (a width per word and part of word) can go.
        self.widths = pdf_plan.Measure()

    def _plan_language(
        self, analysis: pdf_lines.Analysis, keys: dict[int, int], lang: str, elements: list
    ) -> dict[int, pdf_plan.Paragraph]:
        """The planned paragraphs among the `elements` of one language (see `plan`)."""
        policy = self.policy(lang)
        measured: dict[int, pdf_plan.Paragraph] = {}
        for element in elements:
            paragraph = pdf_plan.measure(
                analysis, element, policy, self.widths, self.shrink, self.spacing
            )
            if paragraph is not None:
                # Its breaks packed from now on (planning reads them packed): a long
                # statement has a million, ~5 times larger as objects.
                pdf_plan.pack(paragraph)
                measured[keys[id(element)]] = paragraph
            # Measured: its characters are not needed again, and a long statement has
            # millions (they go as the measures come, not after).
            analysis.chars.pop(element, None)
            analysis.styles.pop(element, None)
        # The share is of the justified lines (the text and the notes), and of the ragged
        # ones that are hyphenated (a parallel edition's start-aligned columns).
        own = {id(element) for element in elements}
        justified = [
            line
            for line in analysis.lines
            if id(line.element) in own
            and (
                line.texts[0].style["text_align_all"] == "justify"
                or pdf_plan.plannable(line.texts[0].style)
            )
        ]

        # The lines a paragraph may be set in do not depend on the penalty: they are made
        # once for the whole search, up to a budget (a long statement has millions; those
        # past it are made again at each penalty tried).
        possible: dict[int, pdf_plan.Lines] = {}
        kept = 0
        for key, paragraph in measured.items():
            if kept >= KEPT_LINES:
                break
            possible[key] = pdf_plan.lines(paragraph)
            kept += len(possible[key].demerits)

        def attempt(penalty: float) -> tuple[float, dict[int, list[int]]]:
            plans: dict[int, list[int]] = {}
            lines = hyphens = 0
            for key, paragraph in measured.items():
                chosen = pdf_plan.plan(paragraph, policy, penalty, (), possible.get(key))
                if chosen is not None:
                    plans[key] = chosen
                    lines += len(chosen) + 1
                    hyphens += sum(paragraph.kind(at) != "space" for at in chosen)
            for line in justified:
                if keys[id(line.element)] not in plans:
                    lines += 1
                    hyphens += bool(line.hyphen)
            return hyphens / max(lines, 1), plans

        low, high = 0.0, float(policy.penalty)
        share, plans = attempt(high)
        for _ in range(MAX_DOUBLINGS):
            if share <= policy.max_share:
                break
            low, high = high, high * 2
            share, plans = attempt(high)
        if low:
            for _ in range(NARROWING_STEPS):
                middle = (low + high) / 2
                middle_share, middle_plans = attempt(middle)
                if middle_share <= policy.max_share:
                    high, share, plans = middle, middle_share, middle_plans
                else:
                    low = middle
        self.penalty[lang] = high
        for key, chosen in plans.items():
            measured[key].chosen = chosen
            measured[key].lang = lang
        return {key: measured[key] for key in plans}

    def learn(self, analysis: pdf_lines.Analysis, keys: dict[int, int], elements: list) -> bool:
        """Note what went against the plan or the policy; whether anything is to change."""
        changed = False
        for key, paragraph in (self.paragraphs or {}).items():
            if key not in self.unplanned and not pdf_plan.followed(
                analysis, elements[key], paragraph
            ):
                self.unplanned.add(key)
                changed = True
        for line in pdf_lines.violations(analysis, self.policy):
            key = keys[id(line.element)]
            if line.end is None or line.end in self.forbidden.get(key, set()):
                continue
            self.forbidden.setdefault(key, set()).add(line.end)
            changed = True
            planned = (self.paragraphs or {}).get(key)
            if planned is not None and key not in self.unplanned:
                lang = planned.lang or self.lang
                policy, penalty = self.policy(lang), self.penalty[lang]
                whole = self.whole.setdefault(key, set())
                if line.last and not policy.page_end and line.end in planned.chosen:
                    whole.add(planned.chosen.index(line.end) + 1)
                # In as many lines as before if it can be, that line ending at a space: the
                # pages after it stay as they are, and the next layout has nothing new to
                # correct (a long statement took a layout for each page end that moved, or
                # that ended at the next hyphen of the same word).
                forbidden = self.forbidden[key]
                possible = pdf_plan.lines(planned, forbidden)
                chosen = pdf_plan.plan_in(
                    planned, policy, penalty, forbidden, len(planned.chosen) + 1, whole, possible
                ) or pdf_plan.plan(planned, policy, penalty, forbidden, possible)
                if chosen is None:
                    self.unplanned.add(key)
                else:
                    planned.chosen = chosen
        return changed


def render(
    markup: str,
    statement: Statement,
    layout: Layout,
    stylesheets: list,
    font_config: Any,
    url_fetcher: Any,
    footnotes: bool = True,
) -> tuple[Any, pdf_lines.Analysis]:
    """Lay out the page: lines planned per paragraph, every note on the page of its call.

    `url_fetcher` is the writer's guarded fetcher (`urlguard`): the page fetches nothing else.

    A first layout gives the styles and widths from which each justified paragraph's line
    breaks are planned (`pdf_plan`); the page is laid out again with them. When a paragraph
    near the foot of a page would break against its orphans or widows, WeasyPrint moves the
    page's last footnote to the next page to make room, whatever `footnote-policy` says: then
    that paragraph is moved to the next page instead. A line that ends in a hyphen against
    the layout's hyphenation policy (a page's last line) gets its paragraph planned again
    without that break. Each round only adds to what the next must keep, so the rounds end;
    the result depends only on the input, so builds stay reproducible.

    `statement` names the edition in messages and gives the language of blocks without
    one; a page whose notes are not footnotes (a parallel edition prints each column's notes
    after its text) is laid out with `footnotes=False`: no note is looked for at its call.
    """
    import weasyprint

    rounds = _Rounds(layout, statement.meta.lang)
    displaced = None
    document = analysis = None
    for _ in range(MAX_ROUNDS):
        # What a layout taught is in `rounds`: the layout itself (the largest thing a long
        # statement has in memory) goes before the next one is made, not after.
        page = elements = keys = document = analysis = None
        page = weasyprint.HTML(string=markup, base_url=urlguard.BASE_URL, url_fetcher=url_fetcher)
        elements = rounds.apply(page)
        keys = {id(element): index for index, element in enumerate(elements)}
        with pdf_lines.exact_justification(), footnotes_that_fit():
            document = page.render(stylesheets=stylesheets, font_config=font_config)
        displaced = _displaced_note(document, statement) if footnotes else None
        if displaced is not None:
            paragraph = _last_paragraph(document.pages[displaced[1]])
            if paragraph is None or keys[id(paragraph)] in rounds.moved:
                break
            rounds.moved.add(keys[id(paragraph)])
            continue
        analysis = pdf_lines.analyse(document)
        if rounds.paragraphs is None:
            # The planning needs the lines (their text boxes and styles), not the pages.
            document = None
            rounds.plan(analysis, keys)
            continue
        if not rounds.learn(analysis, keys, elements):
            log.debug(
                "%s: %d layouts; %d paragraphs planned, %d left to WeasyPrint, %d breaks forbidden",
                statement.source.path,
                _ + 1,
                len(rounds.paragraphs or {}) - len(rounds.unplanned),
                len(rounds.unplanned),
                sum(len(places) for places in rounds.forbidden.values()),
            )
            return document, analysis
    if displaced is not None:
        log.warning(
            "%s: note %d does not fit on the page of its call; it is printed on the next page",
            statement.source.path,
            displaced[0],
        )
    else:
        log.warning(
            "%s: some line ends still break the hyphenation policy after %d layouts",
            statement.source.path,
            MAX_ROUNDS,
        )
    return document, pdf_lines.analyse(document)
