"""Words the editions add around the text (headings, link labels), per language."""

from __future__ import annotations

from statementpress.model import Meta, primary_language

_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "preamble": "Preamble",
        "articles": "Articles",
        "signatures": "Signatures",
        "notes": "Notes",
        "note": "Note",
        "back": "Back to the text",
        "editions": "Editions",
        "contents": "Contents",
        "title": "Title",
        "article": "Article",
        "closing": "Closing",
        "place_separator": ", ",
        "authoritative": "This language version is authoritative.",
        # A translation's editions name the authoritative text; {language} is its language.
        "authoritative_text": "The authoritative text is the {language} original.",
        "parallel": "parallel text",
        # Between two sentences of one line (none in Chinese).
        "sentence_separator": " ",
    },
    "ru": {
        "preamble": "Преамбула",
        "articles": "Статьи",
        "signatures": "Подписи",
        "notes": "Примечания",
        "note": "Примечание",
        "back": "Вернуться к тексту",
        "editions": "Издания",
        "contents": "Содержание",
        "title": "Заголовок",
        "article": "Статья",
        "closing": "Заключение",
        "place_separator": ", ",
        "authoritative": "Текст на этом языке является аутентичным.",
        "authoritative_text": "Аутентичным является текст оригинала ({language} язык).",
        "parallel": "параллельный текст",
        "sentence_separator": " ",
    },
    "zh": {
        "preamble": "序言",
        "articles": "条款",
        "signatures": "签署",
        "notes": "注释",
        "note": "注释",
        "back": "返回正文",
        "editions": "版本",
        "contents": "目录",
        "title": "标题",
        "article": "条",
        "closing": "结语",
        "place_separator": "，",
        "authoritative": "本语言文本为作准文本。",
        "authoritative_text": "以{language}原文为准。",
        "parallel": "对照文本",
        "sentence_separator": "",
    },
}


def _table_language(lang: str) -> str:
    """The language whose labels an edition in `lang` uses: its own, else English."""
    return primary_language(lang) if primary_language(lang) in _LABELS else "en"


def labels(lang: str) -> dict[str, str]:
    """The label table for a BCP 47 tag, by its primary subtag; English where none exists."""
    return _LABELS[_table_language(lang)]


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
