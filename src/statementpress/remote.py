"""What a page of markup would make a reader's browser or e-reader fetch, or run, when opened.

A layout is data: its templates may write any markup into the HTML page and the EPUB's
content document, and a `<link href="https://…">`, `<img src="//…">`, `<iframe>`,
`<meta http-equiv="refresh">`, a `url(…)` or `@import` in a stylesheet would make the
reader's software fetch from the network as soon as the page is opened (a leak of who reads
what, and content that is not in the edition). `references` parses a rendered page once, as
the reader's software does (an HTML5 parser for the page, XML for an EPUB's XHTML) and lists
every such reference: a URL with a scheme other than `data:` (a `data:` URL of a stylesheet
or a document is looked into), or a scheme-relative `//host` URL, in the attributes that
load something and in CSS (`style` attributes, `<style>`, the stylesheets given), and every
script (`<script>`, `on…` handlers, `javascript:` URLs), which could fetch anything.
Hyperlinks (`<a href>`, `<area href>`) are followed only when the reader chooses to: they
stay allowed. `problems` turns the references into located diagnostics, at the template (or
`layout.toml`) line that wrote each one where it can be found.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from statementpress import layout as layouts
from statementpress.errors import Diagnostic

# URL parsers drop leading and trailing C0 controls and spaces, and tabs and newlines
# anywhere, and read a backslash as a slash: `\\host/x` and ` //host` are `//host/x`.
_EDGES = "".join(chr(c) for c in range(0x21))
_DROPPED = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_SCRIPT_SCHEMES = frozenset({"javascript", "vbscript"})

# Attributes whose value is one URL that is loaded when the page is opened, or the base of
# the relative URLs under it (`xml:base`); `href` is handled apart: on `<a>` and `<area>` it
# is a hyperlink, elsewhere a resource or a base.
_URL_ATTRIBUTES = frozenset(
    {"src", "poster", "background", "codebase", "archive", "manifest", "lowsrc", "dynsrc", "base"}
)
_SRCSET_ATTRIBUTES = frozenset({"srcset", "imagesrcset"})
_HYPERLINKS = frozenset({"a", "area"})
_SVG = "http://www.w3.org/2000/svg"
# The media types of `data:` URLs whose content could itself name URLs.
_CSS_TYPES = frozenset({"text/css"})
_MARKUP_TYPES = frozenset(
    {"text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml"}
)
# How deep `data:` URLs inside `data:` URLs (and `srcdoc` pages) are looked into; deeper
# ones are refused as they are (nothing legitimate nests further).
_MAX_DEPTH = 3
# A URL in a message is cut to this many characters.
_SHOWN = 120


@dataclass(frozen=True)
class Reference:
    """One thing the page would fetch or run: the `url` as the reader's software reads it
    ("" for an inline script), `what` writes it ("<img src>", "url() in <style>"), and
    whether it is a script rather than a fetch."""

    url: str
    what: str
    script: bool = False
    # The text to look for in the templates to find where it was written.
    needle: str = ""


def _normal(url: str) -> str:
    return _DROPPED.sub("", url.strip(_EDGES)).replace("\\", "/")


def _scheme(url: str) -> str:
    found = _SCHEME.match(url)
    return found.group(1).lower() if found else ""


class _Finder:
    """Collects the references of one page (and of what it embeds)."""

    def __init__(self) -> None:
        self.found: list[Reference] = []

    def url(self, url: str, what: str, depth: int = 0) -> None:
        """A URL that is loaded: kept if it leaves the edition; a `data:` URL of a
        stylesheet or document is looked into."""
        normal = _normal(url)
        scheme = _scheme(normal)
        if scheme == "data":
            self._data(normal, what, depth)
        elif scheme in _SCRIPT_SCHEMES:
            self.found.append(Reference(url, what, script=True, needle=url))
        elif scheme or normal.startswith("//"):
            self.found.append(Reference(url, what, needle=url))

    def _data(self, url: str, what: str, depth: int) -> None:
        from statementpress.urlguard import data_media_type, decode_data

        media_type = data_media_type(url)
        if media_type not in _CSS_TYPES | _MARKUP_TYPES:
            return
        if depth >= _MAX_DEPTH:
            self.found.append(Reference(url, f"{what} (nested too deep to be read)", needle=url))
            return
        try:
            text = decode_data(url)[1].decode("utf-8", errors="replace")
        except ValueError:  # not base64 after all: nothing a reader could load either
            return
        inner = f"{what} (in its data: URL)"
        if media_type in _CSS_TYPES:
            self.css(text, inner, depth + 1)
        else:
            self.markup(text, xml=media_type != "text/html", what=inner, depth=depth + 1)

    def css(self, css: str, what: str, depth: int = 0) -> None:
        """The URLs a stylesheet (or a `style` attribute's declarations) loads."""
        import tinycss2

        self._tokens(tinycss2.parse_component_value_list(css, skip_comments=True), what, depth)

    def _tokens(self, tokens: Iterable[Any], what: str, depth: int) -> None:
        # `@import` is followed by its URL or string; `@namespace`'s URL is a name only.
        pending = ""
        for token in tokens:
            kind = token.type
            if kind == "at-keyword":
                pending = token.lower_value if token.lower_value in ("import", "namespace") else ""
            elif kind == "url":
                if pending != "namespace":
                    self.url(token.value, f"{'@import' if pending else 'url()'} in {what}", depth)
                pending = "" if pending == "import" else pending
            elif kind == "string" and pending == "import":
                self.url(token.value, f"@import in {what}", depth)
                pending = ""
            elif kind == "function":
                name = token.lower_name
                if name in ("url", "src", "image") or name.endswith("image-set"):
                    label = "@import" if pending == "import" else f"{name}()"
                    for arg in token.arguments:
                        if arg.type == "string":
                            self.url(arg.value, f"{label} in {what}", depth)
                    pending = "" if pending == "import" else pending
                self._tokens(token.arguments, what, depth)
            elif kind.endswith("block"):
                pending = ""
                self._tokens(token.content, what, depth)
            elif kind == "literal" and token.value == ";":
                pending = ""

    def markup(self, text: str, xml: bool, what: str = "", depth: int = 0) -> None:
        """Everything a page of markup loads or runs: parsed as XML (an XHTML or SVG
        document) or as HTML, as a browser would with scripts on and off (they differ in
        how `<noscript>` is read)."""
        if xml:
            self._xml(text, what, depth)
            return
        from tinyhtml5.parser import HTMLParser

        root = HTMLParser().parse(text)
        self._elements(root.iter(), what, depth)
        if "noscript" in text.lower():
            self._elements(HTMLParser().parse(text, scripting=True).iter(), what, depth)

    def _xml(self, text: str, what: str, depth: int) -> None:
        from lxml import etree

        data = text.encode("utf-8")
        # Internal entities are expanded as a reading system expands them; external ones are
        # not loaded (their declarations are references themselves).
        try:
            parser = etree.XMLParser(resolve_entities="internal", no_network=True)
            root = etree.fromstring(data, parser)
        except etree.XMLSyntaxError:
            try:
                root = etree.fromstring(data, etree.XMLParser(resolve_entities=False))
            except etree.XMLSyntaxError:
                return  # no reader shows a document that does not parse
        tree = root.getroottree()
        prefix = f"{what}: " if what else ""
        if tree.docinfo.system_url:
            self.url(tree.docinfo.system_url, f"{prefix}the DOCTYPE's DTD", depth)
        dtd = tree.docinfo.internalDTD
        for entity in dtd.iterentities() if dtd is not None else ():
            if entity.system_url:
                self.url(entity.system_url, f"{prefix}the entity {entity.name!r}", depth)
        self._elements([*root.itersiblings(preceding=True), *root.iter()], what, depth)

    def _elements(self, elements: Iterable[Any], what: str, depth: int) -> None:
        from lxml import etree

        prefix = f"{what}: " if what else ""
        for element in elements:
            if not isinstance(element.tag, str):
                # A comment, or a processing instruction: one that applies a stylesheet.
                pi = isinstance(element, etree._ProcessingInstruction)
                if pi and element.target == "xml-stylesheet" and element.get("href"):
                    self.url(element.get("href"), f"{prefix}<?xml-stylesheet href?>", depth)
                continue
            namespace, _, tag = element.tag.rpartition("}")
            tag = tag.lower()
            here = f"{prefix}<{tag}"
            if tag == "style":
                self.css("".join(element.itertext()), f"{here}>", depth)
            elif tag == "script":
                self._script(element, here)
            elif tag == "meta":
                self._refresh(element, here, depth)
            for name, value in element.attrib.items():
                self._attribute(tag, namespace.lstrip("{"), name, value, here, depth)

    def _script(self, element: Any, here: str) -> None:
        """A script runs when the page is opened: one that only names data (JSON) does not."""
        kind = (element.get("type") or "").strip().lower()
        if kind.endswith("json"):
            return
        source = next(
            (v for k, v in element.attrib.items() if k.rpartition("}")[2] in ("src", "href")), ""
        )
        if source and (_scheme(_normal(source)) or _normal(source).startswith("//")):
            return  # its URL is a reference of its own
        self.found.append(Reference("", f"{here}>", script=True, needle="<script"))

    def _refresh(self, element: Any, here: str, depth: int) -> None:
        """`<meta http-equiv="refresh" content="0; url=…">` goes to that URL at once."""
        if (element.get("http-equiv") or "").strip().lower() != "refresh":
            return
        found = re.match(
            r"[\s\d.]*[;,]?\s*(?:url\s*=\s*)?(['\"]?)(.*)",
            element.get("content") or "",
            re.I | re.S,
        )
        if found and found.group(2).strip():
            target = found.group(2)
            if found.group(1):
                target = target.split(found.group(1), 1)[0]
            self.url(target, f'{here} http-equiv="refresh">', depth)

    def _attribute(
        self, tag: str, namespace: str, name: str, value: str, here: str, depth: int
    ) -> None:
        name = name.rpartition("}")[2].lower()
        what = f"{here} {name}>"
        if name.startswith("on") and value.strip():
            self.found.append(Reference(value, what, script=True, needle=f"{name}="))
        elif name == "style":
            self.css(value, f"the style attribute of {here}>", depth)
        elif name in _URL_ATTRIBUTES or (name == "data" and tag == "object"):
            self.url(value, what, depth)
        elif name in _SRCSET_ATTRIBUTES:
            for url in _srcset(value):
                self.url(url, what, depth)
        elif name == "href":
            if tag not in _HYPERLINKS:
                self.url(value, what, depth)
            elif _scheme(_normal(value)) in _SCRIPT_SCHEMES:
                self.found.append(Reference(value, what, script=True, needle=value))
        elif name == "srcdoc":
            self.markup(value, xml=False, what=f"{what} (its page)", depth=depth + 1)
        elif name in ("to", "from", "values") and tag in ("set", "animate"):
            # An SVG animation can set a link or an image's href to a URL while shown.
            for url in value.split(";"):
                self.url(url, what, depth)
        elif namespace == _SVG and "url(" in value.lower():
            # SVG presentation attributes (fill, filter, mask, …) take CSS values.
            self.css(value, f"the {name} attribute of {here}>", depth)


def _srcset(value: str) -> list[str]:
    """The URLs of a `srcset`: candidates separated by commas, each a URL (which may hold
    commas itself) and descriptors."""
    urls: list[str] = []
    pos, size = 0, len(value)
    while True:
        while pos < size and (value[pos].isspace() or value[pos] == ","):
            pos += 1
        if pos >= size:
            return urls
        start = pos
        while pos < size and not value[pos].isspace():
            pos += 1
        url = value[start:pos]
        if url.endswith(","):
            urls.append(url.rstrip(","))
            continue
        urls.append(url)
        depth = 0
        while pos < size and (value[pos] != "," or depth):
            depth += {"(": 1, ")": -1}.get(value[pos], 0)
            pos += 1


def references(markup: str, xml: bool = False, stylesheets: Iterable[str] = ()) -> list[Reference]:
    """Everything the page `markup` (XHTML with `xml`, else HTML) and its separate
    `stylesheets` would make a reader's software fetch from the network, or run, when the
    page is opened; each once, in the order of the page."""
    finder = _Finder()
    finder.markup(markup, xml=xml)
    for css in stylesheets:
        finder.css(css, "the stylesheet")
    return list(dict.fromkeys(finder.found))


def _sources(layout: layouts.Layout, names: Sequence[str]) -> list[tuple[str, str, str]]:
    """(name, file, text) of the named templates, of those they extend, include or import,
    in that order, and then of the `layout.toml` files of the layout's chain."""
    import jinja2
    from jinja2 import meta

    from statementpress.errors import StatementpressError

    env = layout.env
    assert env.loader is not None
    found, seen, todo = [], set(), list(names)
    while todo:
        name = todo.pop(0)
        if name in seen:
            continue
        seen.add(name)
        try:
            text, filename, _ = env.loader.get_source(env, name)
            refs = meta.find_referenced_templates(env.parse(text))
        except (jinja2.TemplateError, StatementpressError):
            continue
        found.append((name, filename or name, text))
        todo.extend(ref for ref in refs if ref)
    for folder in layout.dirs:
        path = folder / layouts.LAYOUT_FILE
        try:
            found.append((layouts.LAYOUT_FILE, str(path), path.read_text(encoding="utf-8")))
        except OSError:
            continue
    return found


def _located(
    sources: Sequence[tuple[str, str, str]], needle: str
) -> tuple[str, str, int, int] | None:
    """The first file that writes `needle` (as it is, or escaped for HTML): its template
    name, path, line and column."""
    if not needle:
        return None
    forms = dict.fromkeys([needle, html.escape(needle), html.escape(needle, quote=False)])
    for name, path, text in sources:
        lowered = text.lower()
        for form in forms:
            at = lowered.find(form.lower())
            if at >= 0:
                line = text.count("\n", 0, at) + 1
                return name, path, line, at - (text.rfind("\n", 0, at) + 1) + 1
    return None


def _shown(url: str) -> str:
    return repr(url if len(url) <= _SHOWN else url[:_SHOWN] + "…")


def problems(
    layout: layouts.Layout, found: Sequence[Reference], edition: str, templates: Sequence[str]
) -> list[Diagnostic]:
    """A located problem for each reference `found` in the `edition` ("HTML") that the
    layout's `templates` rendered: at the template or `layout.toml` line that writes it
    where it can be found, else at the layout's `layout.toml`, naming those templates."""
    if not found:
        return []
    sources = _sources(layout, templates)
    diagnostics = []
    for ref in found:
        if ref.script:
            does = f"{ref.what} runs a script in the reader's browser or e-reader"
            fix = "a layout's templates may not run scripts"
        else:
            does = f"{ref.what} loads {_shown(ref.url)} from the network when the page is opened"
            fix = "a layout may only use files of its own folder (or data: URLs)"
        place = _located(sources, ref.needle)
        if place is not None:
            name, path, line, col = place
            where = (path, line, col)
            message = f"layout {layout.name!r}, {_file(name)}: {does}; {fix}"
        else:
            where = (str(layout.dirs[0] / layouts.LAYOUT_FILE), 0, 0)
            names = ", ".join(templates)
            message = (
                f"layout {layout.name!r}, the {edition} edition's templates ({names}): "
                f"{does}; {fix}"
            )
        diagnostics.append(Diagnostic(*where, message))
    return diagnostics


def _file(name: str) -> str:
    return "its layout.toml" if name == layouts.LAYOUT_FILE else f"template {name!r}"


def check(
    layout: layouts.Layout,
    edition: str,
    templates: Sequence[str],
    markup: str,
    xml: bool = False,
    stylesheets: Iterable[str] = (),
) -> list[Diagnostic]:
    """The problems of a page the layout's `templates` rendered for the `edition`: one
    for each thing it would make the reader's software fetch from the network, or run."""
    return problems(layout, references(markup, xml, stylesheets), edition, templates)
