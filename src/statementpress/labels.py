"""Words the editions add around the text (headings, link labels), per language and kind.

Three tables, all data: the words every statement shares (`_WORDS`), the names of the
numbered units of the text (`_UNITS`: a statement's points, a treaty's articles), and the
words of a document kind that tell which unit it has (`_KIND_UNITS`). A source may name the
unit itself (`unit: point | article`, docs/source-format.md). Languages without a table get
the English words.
"""

from __future__ import annotations

from statementpress.model import UNITS, Meta, primary_language

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "preamble": "Preamble",
        "signatures": "Signatures",
        # The heading of a signatory block without signature lines (signature: name-only).
        "signatories": "Participants",
        # The annotations are the publisher's, not agreed text: their heading says so.
        "notes": "Editorial notes",
        "note": "Note",
        # Ends every footnote (PDF, DOCX), where no heading stands above the notes.
        "editorial_mark": "\u00a0\u2014 Ed.",
        "back": "Back to the text",
        "editions": "Editions",
        "contents": "Contents",
        "title": "Title",
        "closing": "Closing",
        "place_separator": ", ",
        "authoritative": "This language version is authoritative.",
        "a11y_summary": (
            "This publication meets EPUB Accessibility 1.1 and WCAG 2.1 Level AA. It is text "
            "only, with no images, audio or video, in a single reflowable document read in "
            "order: headings, numbered {units}, a table of contents, editorial notes linked to "
            "and from their calls, and the signatories as a list. No length or colour is "
            "fixed, so reading system settings for text size and colours apply."
        ),
        # A translation's editions name the authoritative text; {language} is its language.
        "authoritative_text": "The authoritative text is the {language} original.",
        "parallel": "parallel text",
        # The accessible name of the QR-code requisite, before what the code encodes.
        "qr_code": "QR code",
        # Between two sentences of one line (none in Chinese).
        "sentence_separator": " ",
    },
    "ru": {
        "preamble": "Преамбула",
        "signatures": "Подписи",
        "signatories": "Участники",
        "notes": "Примечания редакции",
        "note": "Примечание",
        "editorial_mark": "\u00a0\u2014 Прим.\u00a0ред.",
        "back": "Вернуться к тексту",
        "editions": "Издания",
        "contents": "Содержание",
        "title": "Заголовок",
        "closing": "Заключение",
        "place_separator": ", ",
        "authoritative": "Текст на этом языке является аутентичным.",
        "a11y_summary": (
            "Издание соответствует EPUB Accessibility 1.1 и WCAG 2.1 (уровень AA). Оно "
            "содержит только текст, без изображений, звука и видео, в одном документе с "
            "перестраиваемой вёрсткой, который читается по порядку: заголовки, нумерованные "
            "{units}, оглавление, примечания редакции со ссылками на места их вызова и "
            "обратно, перечень сторон и их представителей. Размеры и цвета не заданы жёстко, "
            "поэтому действуют настройки размера текста и цветов читающей системы."
        ),
        "authoritative_text": "Аутентичным является текст оригинала ({language} язык).",
        "parallel": "параллельный текст",
        "qr_code": "QR-код",
        "sentence_separator": " ",
    },
    "zh": {
        "preamble": "序言",
        "signatures": "签署",
        "signatories": "与会方",
        "notes": "编者注",
        "note": "注释",
        "editorial_mark": "\u2014\u2014编者注",
        "back": "返回正文",
        "editions": "版本",
        "contents": "目录",
        "title": "标题",
        "closing": "结语",
        "place_separator": "，",
        "authoritative": "本语言文本为作准文本。",
        "a11y_summary": (
            "本出版物符合 EPUB Accessibility 1.1 和 WCAG 2.1 AA 级。全书仅含文字，没有图像、"
            "音频或视频，为单一可重排文档，按顺序阅读：标题、编号的{units}、目录、与注释号双向"
            "链接的编者注，以及以列表形式列出的各方代表。未固定任何尺寸或颜色，因此阅读系统"
            "的字号和颜色设置均可生效。"
        ),
        "authoritative_text": "以{language}原文为准。",
        "parallel": "对照文本",
        "qr_code": "二维码",
        "sentence_separator": "",
    },
}

# The name of one numbered unit ("{n}" is its number) and of all of them, per unit type.
_UNITS: dict[str, dict[str, tuple[str, str]]] = {
    "point": {
        "en": ("Point {n}", "Points"),
        "ru": ("Пункт {n}", "Пункты"),
        "zh": ("第{n}点", "要点"),
    },
    "article": {
        "en": ("Article {n}", "Articles"),
        "ru": ("Статья {n}", "Статьи"),
        "zh": ("第{n}条", "条款"),
    },
}

# Words of a kind line (matched in lower case, anywhere in it) that make its units articles:
# treaties, agreements, conventions and protocols. Every other kind (a joint statement, a
# communiqué, a declaration) has points, as a statement without a kind does.
_KIND_UNITS: dict[str, tuple[str, ...]] = {
    "article": (
        "договор",
        "соглашени",
        "конвенци",
        "протокол",
        "treaty",
        "agreement",
        "convention",
        "protocol",
        "条约",
        "协定",
        "公约",
        "议定书",
    ),
}
DEFAULT_UNIT = "point"


def unit_for(meta: Meta) -> str:
    """The numbered unit of the statement: the source's `unit:`, else from its kind."""
    if meta.unit:
        return meta.unit
    kind = (meta.kind or "").casefold()
    for unit, words in _KIND_UNITS.items():
        if any(word in kind for word in words):
            return unit
    return DEFAULT_UNIT


def labels(lang: str, unit: str = DEFAULT_UNIT, signature: str = "line") -> dict[str, str]:
    """The label table for a BCP 47 tag (by its primary subtag; English where none exists),
    a unit type and a signature mode.

    Besides the shared words: `unit` ("Пункт {n}"), `unit_before` and `unit_after` (the
    text around the number, for CSS), `article` and `articles` (the unit's name alone and
    the name of all of them), and `signatures`, the signatory block's heading.
    """
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}; one of {', '.join(UNITS)}")
    lang = primary_language(lang)
    words = dict(_WORDS.get(lang, _WORDS["en"]))
    one, every = _UNITS[unit].get(lang, _UNITS[unit]["en"])
    before, _, after = one.partition("{n}")
    words.update(
        unit=one,
        unit_before=before,
        unit_after=after,
        article=(before + after).strip(),
        articles=every,
        a11y_summary=words["a11y_summary"].format(units=every if lang == "zh" else every.lower()),
    )
    if signature == "name-only":
        words["signatures"] = words["signatories"]
    return words


def statement_labels(meta: Meta) -> dict[str, str]:
    """The label table of a statement: its language, unit and signature mode."""
    return labels(meta.lang, unit_for(meta), meta.signature)


def unit_label(table: dict[str, str], number: int) -> str:
    """The name of numbered unit `number`: "Пункт 1", "Point 1", "第1点"."""
    return table["unit"].format(n=number)


def _table_language(lang: str) -> str:
    """The language whose labels an edition in `lang` uses: its own, else English."""
    return primary_language(lang) if primary_language(lang) in _WORDS else "en"


def language_name(tag: str, in_lang: str) -> str:
    """The name of the language `tag` (its primary subtag) in the language of the labels of
    `in_lang`, from CLDR through Babel: "Russian" in English, "русский" in Russian. The tag
    itself where CLDR has no name for it."""
    from babel import Locale

    return Locale.parse(_table_language(in_lang)).languages.get(primary_language(tag), tag)


def autonym(tag: str) -> str:
    """The language's name in itself, capitalised as a heading: "Русский", "English", "中文"."""
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(primary_language(tag)).get_display_name(primary_language(tag))
    except (ValueError, UnknownLocaleError):
        name = None
    return (name or tag)[:1].upper() + (name or tag)[1:]


def translation_notice(meta: Meta) -> str | None:
    """What every edition of a translation prints under its title block: the source's note
    and a sentence naming the authoritative text's language; None for other versions."""
    if meta.translation is None:
        return None
    table = labels(meta.lang)
    line = table["authoritative_text"].format(
        language=language_name(meta.translation.of, meta.lang)
    )
    if not meta.translation.note:
        return line
    return meta.translation.note + table["sentence_separator"] + line
