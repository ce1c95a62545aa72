"""The draft's HTML, filtered to what both the browser preview and the PDF (fpdf2's
``write_html``) understand: an allowlist of tags and attributes, no script, no style, no link,
no event handler; tags balanced. What the specialist types is stored only after this filter.
"""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

from motcua.core.text import ascii_digits, nfc

VOID = {"br", "hr"}
TAGS = {
    "p",
    "br",
    "hr",
    "b",
    "strong",
    "i",
    "em",
    "u",
    "h1",
    "h2",
    "h3",
    "h4",
    "center",
    "blockquote",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "sup",
    "sub",
}
#: tags whose content is dropped with them
DROP = {"script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math"}
ALIGN = {"left", "center", "right", "justify"}
#: a line break after these closing tags keeps the textarea readable (whitespace between blocks
#: changes nothing in the browser or the PDF)
BREAK_AFTER = {"p", "h1", "h2", "h3", "h4", "table", "tr", "ul", "ol", "li", "center", "blockquote"}
_NUM = re.compile(r"^[0-9]{1,4}%?$")  # 0-9 only (\d is any script's digit)


def _attrs(tag: str, attrs: list[tuple[str, str | None]]) -> str:
    out = []
    for name, value in attrs:
        v = (value or "").strip().lower()
        if name == "align" and v in ALIGN and tag in {"p", "h1", "h2", "h3", "h4", "td", "th"}:
            out.append(f' align="{v}"')
        elif name == "width" and _NUM.match(v) and tag in {"table", "td", "th"}:
            out.append(f' width="{v}"')
        elif name in {"colspan", "rowspan"} and ascii_digits(v, 2) and 0 < int(v) < 50:
            if tag in {"td", "th"}:
                out.append(f' {name}="{v}"')
        elif name == "border" and v in {"0", "1"} and tag == "table":
            out.append(f' border="{v}"')
    return "".join(out)


class _Filter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROP:
            self.dropping += 1
            return
        if self.dropping or tag not in TAGS:
            return
        self.out.append(f"<{tag}{_attrs(tag, attrs)}>")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID and not self.dropping:
            self.out.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in DROP:
            self.dropping = max(0, self.dropping - 1)
            return
        if self.dropping or tag not in self.stack:
            return
        while self.stack:
            top = self.stack.pop()
            self.out.append(f"</{top}>\n" if top in BREAK_AFTER else f"</{top}>")
            if top == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.out.append(escape(data, quote=False))

    def close(self) -> None:
        super().close()
        while self.stack:
            top = self.stack.pop()
            self.out.append(f"</{top}>\n" if top in BREAK_AFTER else f"</{top}>")


def clean_html(text: str) -> str:
    f = _Filter()
    f.feed(nfc(text or "").replace("\r\n", "\n"))
    f.close()
    text = "".join(f.out).strip()
    return "\n".join(line for line in text.split("\n") if line.strip())
