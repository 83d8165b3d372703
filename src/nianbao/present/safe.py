"""What a report page may contain, in one place.

Nothing that reaches a page from the inputs is trusted. Values from the params and the data (title, issuer,
headings, labels, notes) are text: they are escaped (``text``) and shown as written, Markdown and HTML
included. The prose chapters are Markdown copied from a published web page: they are rendered, then cleaned
through an allow-list (``prose``, with nh3): paragraphs, headings, lists, emphasis, tables, quotes and code
stay; scripts, frames, plugins, forms, styles, images and event handlers go; a link keeps only an http(s) or
in-document (``#…``) target, and the prose's ids are prefixed (``prose-``, its in-document links with them), so
that no prose can take an id the report's own chapters and table of contents use. Every page declares a
Content-Security-Policy that forbids scripts and fetching anything: it embeds its styles and its images (``data:`` URIs) itself.
"""

from __future__ import annotations

import html

import nh3

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; base-uri 'none'; form-action 'none'"
)

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
PROSE_TAGS = _HEADINGS | {
    "p", "br", "hr", "blockquote", "pre", "code", "div", "span",
    "strong", "em", "b", "i", "u", "s", "del", "ins", "sub", "sup", "small", "mark",
    "ul", "ol", "li", "dl", "dt", "dd",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    "a",
}  # fmt: skip
# removed with their content: what runs, embeds, or is not text
_DROPPED_WITH_CONTENT = {
    "script", "style", "iframe", "frame", "frameset", "noframes", "object", "embed", "applet", "svg", "math",
    "template", "textarea", "select", "noscript", "noembed", "title", "xmp", "plaintext",
}  # fmt: skip
_ATTRIBUTES = {
    **{h: {"id"} for h in _HEADINGS},
    "a": {"href", "title"},
    "ol": {"start"},
    "th": {"colspan", "rowspan", "style"},
    "td": {"colspan", "rowspan", "style"},
}
_LINK_TARGETS = ("http://", "https://", "#")
PROSE_ID_PREFIX = "prose-"


def text(value: object) -> str:
    """A value from the params or the data, as text in HTML (element content or a quoted attribute)."""
    return html.escape(str(value), quote=True)


def _attribute(element: str, attribute: str, value: str) -> str | None:
    """A link keeps an http(s) or in-document target (pointing at the prefixed ids); any other URL (script, data,
    file, relative) is removed."""
    if attribute == "href":
        target = value.strip()
        if target.startswith("#") and not target.startswith("#" + PROSE_ID_PREFIX):
            return "#" + PROSE_ID_PREFIX + target[1:]
        return target if target.lower().startswith(_LINK_TARGETS) else None
    return value


def prose(fragment: str) -> str:
    """HTML rendered from prose Markdown, cleaned through the allow-list."""
    return nh3.clean(
        fragment,
        tags=PROSE_TAGS,
        clean_content_tags=_DROPPED_WITH_CONTENT,
        attributes=_ATTRIBUTES,
        attribute_filter=_attribute,
        url_schemes={"http", "https"},
        allowed_classes={"a": {"anchor-link"}},  # the ¶ nbconvert adds to a heading (hidden by the report's CSS)
        filter_style_properties={"text-align"},  # Markdown tables align their columns
        strip_comments=True,
        id_prefix=PROSE_ID_PREFIX,
    )
