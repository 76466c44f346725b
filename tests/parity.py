"""Text parity: the words of the seed statement must come out of every edition, in order."""

from __future__ import annotations

import re

from conftest import SEED

# Typographic spaces and dashes may differ between the seed and an edition; letters may not.
_SPACES = re.compile(r"[\s\u00a0\u2007\u202f\u2009\u200b\u2060]+")
_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2011": "-", "\u00ad": None})


# Punctuation that sticks to a word in an edition's extracted text.
PUNCTUATION = ",.:;«»()"


def words(text: str) -> list[str]:
    """The text as a list of words, with typographic spaces and dashes normalised."""
    return _SPACES.sub(" ", text.translate(_DASHES)).split()


def seed_words() -> list[str]:
    """Every word of the statement as issued."""
    return words(SEED.read_text(encoding="utf-8"))


def assert_same_words(extracted: str) -> None:
    """Fail with the first difference if `extracted` does not hold exactly the seed's words."""
    expected, got = seed_words(), words(extracted)
    for index, (want, have) in enumerate(zip(expected, got, strict=False)):
        if want != have:
            context = " ".join(expected[max(0, index - 5) : index + 5])
            raise AssertionError(f"word {index}: expected {want!r}, got {have!r} near: {context}")
    assert len(got) == len(expected), (
        f"{len(expected)} words in the seed, {len(got)} in the edition; "
        f"extra or missing at the end: {(got or expected)[min(len(got), len(expected)) :][:10]}"
    )


def assert_words_in_order(extracted: str, expected: list[str] | None = None) -> None:
    """Every seed word (or word of `expected`) appears in `extracted` in order (other words
    may come between)."""
    got = words(extracted)
    position = 0
    for index, want in enumerate(seed_words() if expected is None else expected):
        try:
            position = got.index(want, position) + 1
        except ValueError:
            raise AssertionError(
                f"seed word {index} {want!r} missing after position {position}"
            ) from None


def normalise(text: str, vocabulary: set[str]) -> str:
    """Undo what typesetting does to words: line-end hyphenation and note calls.

    A line ending in '-' is joined to the next line when the joined word is a word of the
    text (a real hyphen such as 'торгово-экономических' is kept); a word with a note number
    glued to it becomes the text's word when that one exists. Letters are never changed:
    a word printed in other capitals than the source's is a difference the tests must see.
    """
    bare = {w.strip(PUNCTUATION) for w in vocabulary}

    def known(word: str) -> bool:
        # The word, or the word with a note number glued to its end, is one of the text's.
        return any(
            re.sub(rf"(?<=.)\d{{{n}}}(?=[{PUNCTUATION}]*$)", "", word).strip(PUNCTUATION) in bare
            for n in (0, 1, 2)
        )

    text = re.sub(
        r"(\S+)-\n(\S+)",
        lambda m: f"{m[1]}{m[2]}" if known(f"{m[1]}{m[2]}") else f"{m[1]}-{m[2]}",
        text,
    )
    out = []
    for word in text.split():
        if word not in vocabulary:
            candidates = [
                re.sub(rf"(?<=.)\d{{{n}}}(?=[{PUNCTUATION}]*$)", "", word) for n in (1, 2)
            ]
            word = next((c for c in candidates if c in vocabulary), word)
        out.append(word)
    return " ".join(out)
