"""A sandboxed Django template engine for result templates.

Templates are written by administrators and filled with applicant data, so the engine only
knows a short list of tags and filters (no ``load``, ``include``, ``extends``, ``url``,
``debug``, ``csrf_token``; no padding filters that could allocate without bound), has no
loaders, and is only ever given plain data (dicts, lists, strings, numbers, dates): no model
instance, so no method of ours can be reached from a template. An unknown placeholder prints a
visible marker instead of nothing, so the specialist sees what is missing.

What a template may make the server do is bounded too: the ``{% for %}`` loops of one rendering
(one draft, one Word document) take at most ``MAX_LOOP_STEPS`` turns in all (loops nested over a
string of fifty letters were 6.25 million turns at four levels, 2 s, and grow fifty times a
level); ``stringformat`` and ``floatformat`` take widths and precisions up to
``MAX_FORMAT_WIDTH`` and numbers up to 10^100 (a width of 100,000,000 allocated that many
characters before the length of the result was checked). Found by a probe (issue 15).

The output too: what the loops print is counted as they print it, and a rendering (or a whole
Word document) stops once it passes ``MAX_OUTPUT`` characters, instead of being measured only
when it is whole; ``add`` and ``join`` print a marker instead of a value longer than that
(``add`` of a value to itself under twenty-two nested ``{% with %}`` built 436 million
characters, 2 GB, for one preview). Found by the third probe (issue 9).
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Any

from django.template import (
    Context,
    Engine,
    Library,
    Node,
    NodeList,
    TemplateSyntaxError,
    defaultfilters,
)
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

#: the turns all the ``{% for %}`` loops of one rendering may take together (a real template
#: loops over a dossier's steps, documents, fees and form groups: tens of turns)
MAX_LOOP_STEPS = 20_000
#: the largest width or precision ``stringformat`` and ``floatformat`` take
MAX_FORMAT_WIDTH = 200
#: the largest power of ten a number given to ``floatformat`` may reach
MAX_NUMBER_EXPONENT = 100

register = Library()
for _name in ALLOWED_TAGS:
    register.tags[_name] = dt_tags.register.tags[_name]
for _name in ALLOWED_FILTERS:
    if _name in defaultfilters.register.filters:
        register.filters[_name] = defaultfilters.register.filters[_name]


class LoopBudgetExceeded(Exception):
    """The loops of one rendering took more than ``MAX_LOOP_STEPS`` turns."""


class OutputBudgetExceeded(LoopBudgetExceeded):
    """One rendering printed more than ``MAX_OUTPUT`` characters."""


#: the turns taken and the characters printed so far by the rendering under way
#: (``loop_budget``): ``[turns, characters]``
_turns: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar(
    "motcua_template_turns", default=None
)


@contextmanager
def loop_budget() -> Iterator[None]:
    """One budget of ``MAX_LOOP_STEPS`` turns and ``MAX_OUTPUT`` characters for the renderings
    inside (``render_text`` opens one; a Word document opens one around all its paragraphs).
    Nested uses share the outer."""
    if _turns.get() is not None:
        yield
        return
    token = _turns.set([0, 0])
    try:
        yield
    finally:
        _turns.reset(token)


class _CountedSequence:
    """A ``{% for %}``'s sequence whose length is charged to the rendering's budget each time
    the loop starts (an inner loop starts once per turn of the outer one)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def resolve(self, context: Any, ignore_failures: bool = False) -> Any:
        values = self.inner.resolve(context, ignore_failures=ignore_failures)
        if values is None:
            return values
        if not hasattr(values, "__len__"):
            values = list(values)
        turns = _budget(context)
        turns[0] += len(values)
        if turns[0] > MAX_LOOP_STEPS:
            raise LoopBudgetExceeded
        return values

    def __str__(self) -> str:
        return str(self.inner)


def _budget(context: Any) -> list[int]:
    budget = _turns.get()
    if budget is None:  # a rendering outside ``render_text``: a budget of its own
        budget = context.render_context.get("motcua_turns") or [0, 0]
        context.render_context["motcua_turns"] = budget
    return budget


class _Printed(Node):
    """A node of a loop's body whose output is charged to the rendering's budget of
    characters each time the loop renders it (a loop is what repeats output)."""

    def __init__(self, inner: Node) -> None:
        self.inner = inner
        self.token = inner.token
        self.origin = inner.origin

    def render_annotated(self, context: Any) -> Any:
        out = self.inner.render_annotated(context)
        budget = _budget(context)
        budget[1] += len(out)
        if budget[1] > MAX_OUTPUT:
            raise OutputBudgetExceeded
        return out


def _bounded_for(parser: Any, token: Any) -> Any:
    node = dt_tags.do_for(parser, token)
    # ForNode only calls its sequence's resolve(): the wrapper answers it, counting
    node.sequence = _CountedSequence(node.sequence)  # type: ignore[assignment]
    # an inner loop's body is charged by that loop: counted once, not once a level
    node.nodelist_loop = NodeList(
        n if isinstance(n, dt_tags.ForNode) else _Printed(n) for n in node.nodelist_loop
    )
    return node


register.tags["for"] = _bounded_for


def _too_wide(arg: Any) -> bool:
    return any(int(n) > MAX_FORMAT_WIDTH for n in re.findall(r"\d+", str(arg))[:4])


def _stringformat(value: Any, arg: Any) -> str:
    if _too_wide(arg):
        return f"[[stringformat: độ rộng tối đa {MAX_FORMAT_WIDTH}]]"
    return str(defaultfilters.stringformat(value, arg))


def _floatformat(text: Any, arg: Any = -1) -> str:
    if _too_wide(arg):
        return f"[[floatformat: số chữ số tối đa {MAX_FORMAT_WIDTH}]]"
    try:
        number = Decimal(str(text))
        too_large = number.is_finite() and abs(number.adjusted()) > MAX_NUMBER_EXPONENT
    except (InvalidOperation, ValueError, TypeError):
        too_large = False
    if too_large:
        return f"[[floatformat: số quá lớn (tối đa 10^{MAX_NUMBER_EXPONENT})]]"
    return str(defaultfilters.floatformat(text, arg))


def _sized(value: Any) -> int:
    return len(value) if isinstance(value, str | list | tuple) else 0


def _add(value: Any, arg: Any) -> Any:
    if _sized(value) + _sized(arg) > MAX_OUTPUT:
        return f"[[add: kết quả dài quá {_vnd(MAX_OUTPUT)} ký tự]]"
    return defaultfilters.add(value, arg)


def _join(value: Any, arg: Any, autoescape: bool = True) -> Any:
    if isinstance(value, str | list | tuple) and value:  # a string is joined letter by letter
        items = value if isinstance(value, str) else value[: MAX_OUTPUT + 1]
        size = sum(len(str(v)) for v in items) + len(str(arg)) * (len(value) - 1)
        if size > MAX_OUTPUT:
            return f"[[join: kết quả dài quá {_vnd(MAX_OUTPUT)} ký tự]]"
    return defaultfilters.join(value, arg, autoescape=autoescape)


register.filter("stringformat", _stringformat, is_safe=True)
register.filter("floatformat", _floatformat, is_safe=True)
register.filter("add", _add, is_safe=False)
register.filter("join", _join, is_safe=True, needs_autoescape=True)


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


#: Django's template errors are written for developers, in English; the administrator who
#: uploads a template reads them in Vietnamese. The common ones are said again here; any other is
#: quoted as the engine's own words.
_SYNTAX_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.S), message)
    for pattern, message in (
        (
            r"Unclosed tag on line (\d+): '([^']*)'\. Looking for one of: ([^.]*)\.",
            "thẻ {% \\2 %} ở dòng \\1 chưa được đóng (cần một trong: \\3)",
        ),
        (
            r"Invalid block tag on line (\d+): '([^']*)', expected ([^.?]*)[.?]",
            "thẻ «\\2» ở dòng \\1 không đúng chỗ (ở đây cần: \\3)",
        ),
        (
            r"Invalid block tag on line (\d+): '([^']*)'",
            "thẻ «\\2» ở dòng \\1 không được dùng trong mẫu",
        ),
        (r"Empty variable tag on line (\d+)", "chỗ điền {{ }} ở dòng \\1 để trống"),
        (r"Empty block tag on line (\d+)", "thẻ {% %} ở dòng \\1 để trống"),
        (r"Invalid filter: '([^']*)'", "bộ lọc «\\1» không được dùng trong mẫu"),
        (
            r"Could not parse the remainder: '\s*([^']*)' from '([^']*)'",
            "không đọc được phần «\\1» của «\\2»",
        ),
        (r"Could not parse some characters: (.*)", "không đọc được «\\1»"),
        (
            r"Variables and attributes may not begin with underscores: '([^']*)'",
            "tên «\\1» không được bắt đầu bằng dấu gạch dưới",
        ),
        (r"(\w+) requires (\d+) arguments?, (\d+) provided", "bộ lọc «\\1» cần \\2 đối số, có \\3"),
    )
)


def syntax_message(exc: Exception) -> str:
    text = str(exc)
    for pattern, message in _SYNTAX_MESSAGES:
        found = pattern.search(text)
        if found:
            return f"Mẫu có lỗi cú pháp: {found.expand(message)}"
    return f"Mẫu có lỗi cú pháp (bộ đọc mẫu báo: «{text}»)"


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
    becomes a visible marker, never an exception. Past the budget of loop turns or of
    characters (shared by the renderings of one Word document) it is refused."""
    tpl = compile_template(text, html=html)
    try:
        with loop_budget():
            budget = _turns.get() or [0, 0]  # opened just above, or by the caller
            before = budget[1]
            out = str(tpl.render(Context(data, autoescape=html)))
            # what the loops printed was charged as it came; the whole output replaces it
            budget[1] = before + len(out)
            if budget[1] > MAX_OUTPUT:
                raise OutputBudgetExceeded
    except OutputBudgetExceeded:
        raise ValidationFailed(
            f"Kết quả điền mẫu dài quá {_vnd(MAX_OUTPUT)} ký tự; "
            "hãy kiểm tra các vòng lặp trong mẫu",
            code="template_too_long",
        ) from None
    except LoopBudgetExceeded:
        raise ValidationFailed(
            f"Các vòng lặp của mẫu chạy quá {_vnd(MAX_LOOP_STEPS)} lượt; "
            "hãy kiểm tra các vòng lặp lồng nhau trong mẫu",
            code="template_too_long",
        ) from None
    except Exception as exc:
        return f"[[lỗi khi điền mẫu: {type(exc).__name__}]]"
    return out
