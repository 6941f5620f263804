"""matplotlib's SVG made fit for inlining in a page served with `style-src 'self'`.

The site's Content-Security-Policy forbids inline styles, and a browser ignores `<style>`
elements and `style=` attributes under it: matplotlib's charts would turn black. Here every
style becomes an SVG presentation attribute, ids get the chart's key as a prefix (several
charts share one page), and the root gets a title, a description and a fluid width. See
docs/charts.md.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
_GRAPHIC_TAGS = {
    f"{{{SVG_NS}}}{tag}"
    for tag in ("path", "use", "rect", "circle", "ellipse", "line", "polyline", "polygon")
}
_URL_REF = re.compile(r"url\(#([^)]+)\)")
_FONT_KEYWORDS = {"italic": "style", "oblique": "style", "small-caps": "variant"}
_FONT_KEYWORDS |= {"bold": "weight", "bolder": "weight", "lighter": "weight"}
_FONT_SIZE = re.compile(r"^[\d.]+(px|pt|em|rem|%)(/.*)?$")


def _declarations(css: str) -> list[tuple[str, str]]:
    pairs = (part.split(":", 1) for part in css.split(";") if ":" in part)
    return [(name.strip().lower(), value.strip()) for name, value in pairs]


def _font_shorthand(value: str) -> dict[str, str]:
    """`font: [style] [variant] [weight] size[/line-height] family` as separate properties."""
    result: dict[str, str] = {}
    tokens = value.split()
    for i, token in enumerate(tokens):
        if _FONT_SIZE.match(token):
            result |= {"font-size": token.split("/")[0], "font-family": " ".join(tokens[i + 1 :])}
            break
        kind = "weight" if token.isdigit() else _FONT_KEYWORDS.get(token, "stretch")
        result[f"font-{kind}"] = token
    return result


def _presentation(name: str, value: str) -> dict[str, str]:
    """One CSS declaration as SVG presentation attributes."""
    if name == "font":
        shorthand = _font_shorthand(value).items()
        return {k: v for short in shorthand for k, v in _presentation(*short).items()}
    if name == "font-family" and not re.search(r"\b(sans-serif|serif|monospace)\s*$", value):
        return {name: f"{value}, sans-serif"}  # when DejaVu Sans is not on the reader's machine
    if name == "white-space":
        return {f"{{{XML_NS}}}space": "preserve"} if value.startswith("pre") else {}
    return {name: value}


def csp_safe_svg(raw: str, key: str, title: str, description: str) -> str:
    """matplotlib's SVG document rewritten for inlining in a page served with `style-src 'self'`.

    Styles become presentation attributes, the `<style>` rules are applied to the elements
    they match, ids are prefixed with the chart key (unreferenced ones dropped), and the root
    gets `<title>`, `<desc>`, `role="img"` and a width that follows its container. Parsing
    drops the XML declaration and the DOCTYPE.
    """
    root = ET.fromstring(raw)  # noqa: S314 -- our own matplotlib output, not user input
    rules: list[tuple[str, str]] = []
    for tag in ("metadata", "style", "defs"):
        for parent in list(root.iter()):
            for child in parent.findall(f"{{{SVG_NS}}}{tag}"):
                if tag == "style":
                    for selector, body in re.findall(r"([^{}]+)\{([^}]*)\}", child.text or ""):
                        if selector.strip() != "*":
                            raise ValueError(f"unexpected CSS in matplotlib's SVG: {selector!r}")
                        rules += _declarations(body)
                if tag != "defs" or len(child) == 0:  # defs only once the style left them empty
                    parent.remove(child)
    for element in root.iter():
        for name, value in _declarations(element.attrib.pop("style", "")):
            element.attrib.update(_presentation(name, value))
        if element.tag in _GRAPHIC_TAGS:  # what the `*` rules matched
            for name, value in rules:
                for attribute, text in _presentation(name, value).items():
                    element.attrib.setdefault(attribute, text)
        if "d" in element.attrib:
            element.set("d", " ".join(element.get("d", "").split()))
    _prefix_ids(root, key)
    for attribute in ("width", "height", "version"):
        root.attrib.pop(attribute, None)
    root.attrib |= {"width": "100%", "role": "img", "aria-labelledby": f"{key}-title {key}-desc"}
    for position, (tag, text) in enumerate((("title", title), ("desc", description))):
        element = ET.Element(f"{{{SVG_NS}}}{tag}", {"id": f"{key}-{tag}"})
        element.text = text
        root.insert(position, element)
    return _without_prefixes(root)


def _prefix_ids(root: ET.Element, key: str) -> None:
    """Referenced ids become "{key}-{id}"; matplotlib's other ids ("figure_1") are dropped."""
    href, own = f"{{{XLINK_NS}}}href", f"{key}-"
    referenced: set[str] = set()
    for element in root.iter():
        for name, value in element.attrib.items():
            referenced.update(_URL_REF.findall(value))
            if name == href and value.startswith("#"):
                referenced.add(value[1:])
    for element in root.iter():
        old = element.get("id")
        if old is not None and old in referenced:
            element.set("id", own + old)
        elif old is not None and not old.startswith(own):  # keep the gids given when drawing
            del element.attrib["id"]
        for name, value in list(element.attrib.items()):
            if "url(#" in value:
                element.set(name, _URL_REF.sub(lambda m: f"url(#{own}{m.group(1)})", value))
            elif name == href and value.startswith("#"):
                element.set(name, f"#{own}{value[1:]}")


def _without_prefixes(root: ET.Element) -> str:
    """Serialise with the SVG namespace as default and `xlink:` spelt out.

    Inline SVG in HTML knows `xlink:href` by that prefix only. ElementTree would pick the
    prefixes from its process-wide registry, which other libraries rewrite, so the names are
    written out by hand.
    """
    for element in root.iter():
        element.tag = element.tag.rpartition("}")[2]
        for name in [n for n in element.attrib if n.startswith("{")]:
            namespace, _brace, local = name[1:].partition("}")
            prefix = {XLINK_NS: "xlink", XML_NS: "xml"}[namespace]
            element.set(f"{prefix}:{local}", element.attrib.pop(name))
    root.attrib = {"xmlns": SVG_NS, "xmlns:xlink": XLINK_NS, **root.attrib}
    return ET.tostring(root, encoding="unicode")
