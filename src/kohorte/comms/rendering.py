"""Mail templates: a restricted Django template language, checked on save.

Only placeholders the event declares, ``{% if %}`` and ``{% for %}`` and a few harmless filters
are allowed. Values are passed as context, never compiled, so a value that contains template
syntax or HTML arrives inert (HTML bodies autoescape it).
"""

import re
from dataclasses import dataclass

from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import FilterExpression, TextNode, VariableNode
from django.template.defaulttags import CommentNode, ForNode, IfNode
from django.utils.translation import gettext as _

ALLOWED_FILTERS = {
    "default",
    "upper",
    "lower",
    "title",
    "capfirst",
    "date",
    "time",
    "linebreaksbr",
    "length",
    "join",
    "first",
    "last",
    "yesno",
    "pluralize",
}
ALLOWED_NODES = (TextNode, VariableNode, IfNode, ForNode, CommentNode)

_engine = Engine(
    debug=True,
    libraries={},
    builtins=["django.template.defaulttags", "django.template.defaultfilters"],
)


@dataclass
class TemplateProblem(Exception):
    """A template cannot be used. ``line`` is 1-based within the text, or None."""

    message: str
    line: int | None = None

    def __str__(self):
        if self.line:
            return _("Zeile %(line)d: %(message)s") % {"line": self.line, "message": self.message}
        return self.message


def _line_of(source: str, position: tuple[int, int] | None) -> int | None:
    if not position:
        return None
    return source.count("\n", 0, position[0]) + 1


def _walk(nodes, source: str, allowed: set[str], loop_vars: frozenset[str]):
    for node in nodes:
        line = _line_of(source, getattr(getattr(node, "token", None), "position", None))
        if not isinstance(node, ALLOWED_NODES):
            name = getattr(getattr(node, "token", None), "contents", "").split(" ")[0]
            raise TemplateProblem(
                _("Der Befehl „%(tag)s“ ist in Mailvorlagen nicht erlaubt.") % {"tag": name}, line
            )
        expressions: list[FilterExpression] = []
        inner_loop = loop_vars
        if isinstance(node, VariableNode):
            expressions.append(node.filter_expression)
        elif isinstance(node, IfNode):
            for condition, _nodelist in node.conditions_nodelists:
                expressions.extend(_if_expressions(condition))
        elif isinstance(node, ForNode):
            expressions.append(node.sequence)
            inner_loop = loop_vars | set(node.loopvars) | {"forloop"}
        for expression in expressions:
            _check_expression(expression, allowed | inner_loop, line)
        for attr in getattr(node, "child_nodelists", ()):
            child = getattr(node, attr, None)
            if child:
                _walk(child, source, allowed, inner_loop)
        if isinstance(node, IfNode):
            for _condition, nodelist in node.conditions_nodelists:
                _walk(nodelist, source, allowed, inner_loop)


def _if_expressions(condition):
    if condition is None:
        return []
    found = []
    for attr in ("value", "first", "second"):
        part = getattr(condition, attr, None)
        if isinstance(part, FilterExpression):
            found.append(part)
        elif part is not None and hasattr(part, "id"):
            found.extend(_if_expressions(part))
    return found


def _check_expression(expression: FilterExpression, allowed: set[str], line):
    var = expression.var
    lookups = getattr(var, "lookups", None)
    if lookups:
        name = lookups[0]
        if name not in allowed:
            raise TemplateProblem(
                _("Unbekannter Platzhalter „%(name)s“. Erlaubt sind: %(allowed)s.")
                % {"name": name, "allowed": ", ".join(sorted(allowed - {"forloop"}))},
                line,
            )
        if any(part.startswith("_") for part in lookups):
            raise TemplateProblem(_("Platzhalter dürfen nicht mit „_“ beginnen."), line)
    for func, _args in expression.filters:
        if func.__name__ not in ALLOWED_FILTERS:
            raise TemplateProblem(
                _("Der Filter „%(filter)s“ ist in Mailvorlagen nicht erlaubt.")
                % {"filter": func.__name__},
                line,
            )


def _explain(error: str) -> str:
    """Django's template errors, in words a staff member understands (and translated)."""
    if match := re.search(r"Unclosed tag on line \d+: '(\w+)'", error):
        return _("Der Befehl „%(tag)s“ wird nicht geschlossen.") % {"tag": match.group(1)}
    if match := re.search(r"Invalid block tag on line \d+: '([^']+)'", error):
        return _("Unbekannter oder nicht erlaubter Befehl „%(tag)s“.") % {"tag": match.group(1)}
    if "is not a registered tag library" in error:
        return _("Der Befehl „%(tag)s“ ist in Mailvorlagen nicht erlaubt.") % {"tag": "load"}
    if "may not begin with underscores" in error:
        return _("Platzhalter dürfen nicht mit „_“ beginnen.")
    if match := re.search(r"Could not parse the remainder: '([^']*)' from '([^']*)'", error):
        return _("Der Platzhalter „%(text)s“ ist fehlerhaft geschrieben.") % {
            "text": match.group(2)
        }
    if "Empty variable tag" in error:
        return _("Ein Platzhalter ist leer: {{ }}.")
    if match := re.search(r"Invalid filter: '([^']+)'", error):
        return _("Der Filter „%(filter)s“ ist in Mailvorlagen nicht erlaubt.") % {
            "filter": match.group(1)
        }
    return _("Die Vorlage ist fehlerhaft (%(detail)s).") % {"detail": error}


def check_template(source: str, placeholders: set[str]) -> None:
    """Raise TemplateProblem (with the line) unless ``source`` is a usable mail template."""
    try:
        template = _engine.from_string(source)
    except TemplateSyntaxError as exc:
        debug = getattr(exc, "template_debug", None) or {}
        raise TemplateProblem(
            _explain(str(exc.args[0]) if exc.args else ""), debug.get("line")
        ) from exc
    _walk(template.nodelist, source, set(placeholders), frozenset())


def render(source: str, context: dict, *, html: bool = False) -> str:
    """Render a checked template. Plain text is not escaped; HTML escapes every value."""
    template = _engine.from_string(source)
    return template.render(Context(context, autoescape=html))
