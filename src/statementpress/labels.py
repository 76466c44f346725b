"""Words the editions add around the text (headings, link labels), per language."""

from __future__ import annotations

from statementpress.model import primary_language

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
    },
}


def labels(lang: str) -> dict[str, str]:
    """The label table for a BCP 47 tag, by its primary subtag; English where none exists."""
    return _LABELS.get(primary_language(lang), _LABELS["en"])
