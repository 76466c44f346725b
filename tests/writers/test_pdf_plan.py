"""The line planner's dynamic program (`pdf_plan.lines` and `pdf_plan.plan`), checked
against every way of breaking small made-up paragraphs."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from statementpress.hyphenation import Policy
from statementpress.writers import pdf_plan
from statementpress.writers.pdf_plan import Break, Paragraph


@st.composite
def paragraphs(draw: st.DrawFn) -> tuple[Paragraph, int, float, set[int]]:
    """A paragraph of a few words with places inside some of them, a limit of hyphenated
    lines in a row, a hyphen penalty and places forbidden."""
    size = draw(st.sampled_from([10.0, 12.0, 16.0]))
    breaks: list[Break] = []
    width = 0.0
    spaces = 0
    for number in range(draw(st.integers(1, 6))):
        if number:
            space = size / 4
            breaks.append(Break(len(breaks) + 1, "space", width, width + space, spaces, spaces + 1))
            width += space
            spaces += 1
        word = draw(st.floats(20, 70))
        if draw(st.integers(0, 3)):
            head = word * draw(st.floats(0.3, 0.7))
            kind = draw(st.sampled_from(["hyphen", "real"]))
            breaks.append(
                Break(len(breaks) + 1, kind, width + head + 4, width + head, spaces, spaces)
            )
        width += word
    end = Break(len(breaks) + 1, "end", width, width, spaces, spaces)
    paragraph = Paragraph(
        draw(st.floats(90, 220)),
        draw(st.sampled_from([0.0, 15.0])),
        size,
        breaks,
        end,
        draw(st.sampled_from([0.0, 0.05])),
        ragged=draw(st.booleans()),
    )
    in_words = [b.at for b in breaks if b.kind != "space"]
    forbidden = set(draw(st.lists(st.sampled_from(in_words), max_size=2))) if in_words else set()
    return (
        paragraph,
        draw(st.integers(0, 3)),
        draw(st.sampled_from([0.0, 30.0, 300.0, 3000.0])),
        forbidden,
    )


def _policy(limit: int) -> Policy:
    """A policy whose only part the planner reads is `max_consecutive`."""
    return Policy(
        min_word=5,
        min_before=2,
        min_after=2,
        max_consecutive=limit,
        zone_mm=0.0,
        page_end=False,
        penalty=50,
        max_share=1.0,
    )


def _demerits(possible: pdf_plan.Lines, places: list[int], penalty: float) -> float | None:
    """The demerits of setting lines that end at `places` (place numbers, the end last),
    from the costs `lines` gives; None if a line does not fit."""
    total = 0.0
    start = 0
    for end in places:
        offset = end - 1 - start  # lines ending at `end` are listed latest start first
        if offset >= possible.first[end + 1] - possible.first[end]:
            return None
        cost = possible.demerits[possible.first[end] + offset]
        if possible.hyphenated[end]:
            cost += penalty**2
        total += cost
        start = end
    return total


def _settings(possible: pdf_plan.Lines, limit: int, penalty: float):
    """Every way to break the paragraph within the hyphen limit: (places, demerits)."""
    end = len(possible.at) - 1
    for count in range(end):
        for inner in itertools.combinations(range(1, end), count):
            run = longest = 0
            for n in inner:
                run = run + 1 if possible.hyphenated[n] else 0
                longest = max(longest, run)
            found = _demerits(possible, [*inner, end], penalty)
            if longest <= limit and found is not None:
                yield [*inner, end], found


def _checked(possible: pdf_plan.Lines, chosen: list[int], limit: int, penalty: float):
    """The places and demerits of a plan, checked to fit and keep the hyphen limit."""
    place_of = {at: n for n, at in enumerate(possible.at) if n}
    assert all(at in place_of for at in chosen)
    places = [*(place_of[at] for at in chosen), len(possible.at) - 1]
    ours = _demerits(possible, places, penalty)
    assert ours is not None  # every planned line fits
    run = 0
    for n in places:
        run = run + 1 if possible.hyphenated[n] else 0
        assert run <= limit
    return places, ours


@settings(max_examples=300, deadline=None)
@given(paragraphs())
def test_the_plan_is_the_best_of_every_way_to_break_the_paragraph(case):
    paragraph, limit, penalty, forbidden = case
    possible = pdf_plan.lines(paragraph, forbidden)
    chosen = pdf_plan.plan(paragraph, _policy(limit), penalty, forbidden)
    # The same with the possible lines made beforehand (as the penalty search keeps them).
    assert pdf_plan.plan(paragraph, _policy(limit), penalty, forbidden, possible) == chosen
    best = min((found for _, found in _settings(possible, limit, penalty)), default=None)
    if chosen is None:
        assert best is None  # no way fits, and the planner says so
        return
    assert not forbidden & set(chosen)
    _, ours = _checked(possible, chosen, limit, penalty)
    assert best is not None and ours <= best


@settings(max_examples=300, deadline=None)
@given(paragraphs(), st.integers(1, 6), st.sets(st.integers(1, 6), max_size=2))
def test_a_plan_in_so_many_lines_is_the_best_of_those_ways(case, count, whole):
    paragraph, limit, penalty, forbidden = case
    possible = pdf_plan.lines(paragraph, forbidden)
    chosen = pdf_plan.plan_in(paragraph, _policy(limit), penalty, forbidden, count, whole)

    def allowed(places: list[int]) -> bool:
        return len(places) == count and not any(
            possible.hyphenated[places[k - 1]] for k in whole if k <= len(places)
        )

    best = min(
        (found for places, found in _settings(possible, limit, penalty) if allowed(places)),
        default=None,
    )
    if chosen is None:
        assert best is None
        return
    places, ours = _checked(possible, chosen, limit, penalty)
    assert allowed(places) and not forbidden & set(chosen)
    assert best is not None and ours <= best


def test_lines_lists_those_that_fit_and_no_other():
    # Three words of 40 px, spaces of 4 px: a line of 100 px holds two words, not three.
    breaks = [Break(1, "space", 40.0, 44.0, 0, 1), Break(2, "space", 84.0, 88.0, 1, 2)]
    end = Break(3, "end", 128.0, 128.0, 2, 2)
    possible = pdf_plan.lines(Paragraph(100.0, 0.0, 12.0, breaks, end))
    # Ending at place 1: from 0. At 2: from 1 and 0. At the end: from 2 and 1, not 0.
    counts = [possible.first[j + 1] - possible.first[j] for j in range(1, 4)]
    assert counts == [1, 2, 2]
    assert pdf_plan.plan(Paragraph(100.0, 0.0, 12.0, breaks, end), _policy(2), 0, ()) in (
        [1],
        [2],
    )
