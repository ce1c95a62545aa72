"""A sandboxed Django template engine for result templates.

Templates are written by administrators and filled with applicant data, so the engine only
knows a short list of tags and filters (no ``load``, ``include``, ``extends``, ``url``,
``debug``, ``csrf_token``; no padding filters that could allocate without bound), has no
loaders, and is only ever given plain data (dicts, lists, strings, numbers, dates): no model
instance, so no method of ours can be reached from a template. An unknown placeholder prints a
visible marker instead of nothing, so the specialist sees what is missing.
"""

from __future__ import annotations

from typing import Any

from django.template import Context, Engine, Library, TemplateSyntaxError, defaultfilters
from django.template import defaulttags as dt_tags

from motcua.core.errors import ValidationFailed

#: what an unknown placeholder prints (``%s`` is the placeholder's name)
MISSING = "[[thiếu: %s]]"

#: the longest rendered result accepted (characters): a template with loops over data
MAX_OUTPUT = 400_000

ALLOWED_TAGS = (
    "autoescape",
    "comment",
    "cycle",
    "filter",
    "firstof",
    "for",
    "if",
    "ifchanged",
    "now",
    "spaceless",
    "templatetag",
    "verbatim",
    "with",
)
ALLOWED_FILTERS = (
    "add",
    "capfirst",
    "cut",
    "date",
    "default",
    "default_if_none",
    "divisibleby",
    "escape",
    "first",
    "floatformat",
    "force_escape",
    "join",
    "last",
    "length",
    "length_is",
    "linebreaks",
    "linebreaksbr",
    "lower",
    "slice",
    "stringformat",
    "time",
    "title",
    "truncatechars",
    "truncatewords",
    "upper",
    "yesno",
)

register = Library()
for _name in ALLOWED_TAGS:
    register.tags[_name] = dt_tags.register.tags[_name]
for _name in ALLOWED_FILTERS:
    if _name in defaultfilters.register.filters:
        register.filters[_name] = defaultfilters.register.filters[_name]


def _vnd(value: Any) -> str:
    """1500000 → '1.500.000' (Vietnamese thousands separator)."""
    try:
        return f"{int(value):,}".replace(",", ".")
    except (TypeError, ValueError):
        return str(value)


register.filter("vnd", _vnd)


class SandboxEngine(Engine):
    default_builtins: list[str] = []


def engine(*, html: bool) -> Engine:
    e = SandboxEngine(
        dirs=[],
        app_dirs=False,
        loaders=[],
        libraries={},
        builtins=[],
        autoescape=html,
        string_if_invalid=MISSING,
        debug=False,
    )
    e.template_builtins = [register]
    return e


_ENGINES = {True: engine(html=True), False: engine(html=False)}


def syntax_message(exc: Exception) -> str:
    text = str(exc)
    return f"Mẫu có lỗi cú pháp: {text}"


def compile_template(text: str, *, html: bool) -> Any:
    """The compiled template, or ValidationFailed(code="template_syntax") with the reason."""
    try:
        return _ENGINES[html].from_string(text)
    except TemplateSyntaxError as exc:
        raise ValidationFailed(syntax_message(exc), code="template_syntax") from None
    except (ValueError, TypeError, IndexError, KeyError) as exc:  # odd arguments to a tag
        raise ValidationFailed(syntax_message(exc), code="template_syntax") from None


def render_text(text: str, data: dict[str, Any], *, html: bool) -> str:
    """``text`` rendered over ``data``; an error while rendering (a filter given odd data)
    becomes a visible marker, never an exception."""
    tpl = compile_template(text, html=html)
    try:
        out = tpl.render(Context(data, autoescape=html))
    except Exception as exc:
        return f"[[lỗi khi điền mẫu: {type(exc).__name__}]]"
    if len(out) > MAX_OUTPUT:
        raise ValidationFailed(
            "Kết quả điền mẫu quá dài; hãy kiểm tra các vòng lặp trong mẫu",
            code="template_too_long",
        )
    return out
