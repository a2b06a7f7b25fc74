"""Mail templates: a restricted Django template language, checked on save and again at send time.

Only placeholders the event declares, ``{% if %}`` and ``{% for %}`` (at most
``MAX_LOOP_DEPTH`` nested) and a few harmless filters are allowed; a filter's argument is a
quoted literal or a declared placeholder. Names people type themselves (``PERSON_TEXT``) may
appear in the body, never in a subject. Values are passed as context, never compiled, so a value
that contains template syntax or HTML arrives inert (HTML bodies autoescape it).

Rendering is metered: more than ``MAX_OUTPUT_CHARS`` of text or ``MAX_LOOP_ITERATIONS`` loop
passes stop it with a TemplateProblem. ``render_mail`` is what the outbox uses: a saved text that
fails falls back to the event's built-in text, and it never raises.
"""

import logging
import re
from dataclasses import dataclass

from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import FilterExpression, Node, TextNode, Variable, VariableNode
from django.template.defaulttags import CommentNode, ForNode, IfNode
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

MAX_SOURCE_CHARS = 50_000  # one template text
MAX_LOOP_DEPTH = 2  # {% for %} inside {% for %}, no deeper
MAX_OUTPUT_CHARS = 100_000  # one rendered text (subject, plain body or HTML body)
MAX_LOOP_ITERATIONS = 10_000  # loop passes in one rendered text, all loops together
# Placeholders whose value a person typed (their own name, an applicant's name, a referee's name
# as the applicant entered it): allowed in a body, never in a subject, so that nobody can write
# the subject of a mail that goes out under the programme's name.
PERSON_TEXT = frozenset({"recipient_name", "applicant_name", "referee_name"})

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


def _walk(nodes, source, allowed: set[str], loop_vars: frozenset[str], depth: int, refused):
    for node in nodes:
        line = _line_of(source, getattr(getattr(node, "token", None), "position", None))
        if not isinstance(node, ALLOWED_NODES):
            name = getattr(getattr(node, "token", None), "contents", "").split(" ")[0]
            raise TemplateProblem(
                _("Der Befehl „%(tag)s“ ist in Mailvorlagen nicht erlaubt.") % {"tag": name}, line
            )
        expressions: list[FilterExpression] = []
        inner_loop = loop_vars
        inner_depth = depth
        if isinstance(node, VariableNode):
            expressions.append(node.filter_expression)
        elif isinstance(node, IfNode):
            for condition, _nodelist in node.conditions_nodelists:
                expressions.extend(_if_expressions(condition))
        elif isinstance(node, ForNode):
            expressions.append(node.sequence)
            inner_loop = loop_vars | set(node.loopvars) | {"forloop"}
            inner_depth = depth + 1
            if inner_depth > MAX_LOOP_DEPTH:
                raise TemplateProblem(
                    _("Höchstens %(max)d Schleifen („for“) dürfen ineinander stehen.")
                    % {"max": MAX_LOOP_DEPTH},
                    line,
                )
        for expression in expressions:
            _check_expression(expression, allowed | inner_loop, line, refused)
        for attr in getattr(node, "child_nodelists", ()):
            child = getattr(node, attr, None)
            if child:
                _walk(child, source, allowed, inner_loop, inner_depth, refused)
        if isinstance(node, IfNode):
            for _condition, nodelist in node.conditions_nodelists:
                _walk(nodelist, source, allowed, inner_loop, inner_depth, refused)


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


def _check_variable(var, allowed: set[str], line, refused=frozenset(), in_filter: str = ""):
    """A variable is a declared placeholder (or a loop variable); a literal passes."""
    lookups = getattr(var, "lookups", None)
    if not lookups:
        return
    name = lookups[0]
    if name in refused:
        raise TemplateProblem(
            _(
                "Der Platzhalter „%(name)s“ ist im Betreff nicht erlaubt: Namen und Texte, die "
                "Personen selbst eingeben, stehen nur im Text der Mail."
            )
            % {"name": name},
            line,
        )
    if name not in allowed:
        names = ", ".join(sorted(allowed - {"forloop"}))
        if in_filter:
            raise TemplateProblem(
                _(
                    "Der Filter „%(filter)s“ bekommt „%(name)s“, das ist kein Platzhalter. Text "
                    "gehört in Anführungszeichen; erlaubte Platzhalter sind: %(allowed)s."
                )
                % {"filter": in_filter, "name": name, "allowed": names},
                line,
            )
        raise TemplateProblem(
            _("Unbekannter Platzhalter „%(name)s“. Erlaubt sind: %(allowed)s.")
            % {"name": name, "allowed": names},
            line,
        )
    if any(str(part).startswith("_") for part in lookups):
        raise TemplateProblem(_("Platzhalter dürfen nicht mit „_“ beginnen."), line)


def _check_expression(expression: FilterExpression, allowed: set[str], line, refused=frozenset()):
    _check_variable(expression.var, allowed, line, refused)
    for func, args in expression.filters:
        if func.__name__ not in ALLOWED_FILTERS:
            raise TemplateProblem(
                _("Der Filter „%(filter)s“ ist in Mailvorlagen nicht erlaubt.")
                % {"filter": func.__name__},
                line,
            )
        # (True, Variable) for a name, (False, value) for a quoted literal.
        for is_variable, argument in args:
            if is_variable and isinstance(argument, Variable):
                _check_variable(argument, allowed, line, refused, in_filter=func.__name__)


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


def check_template(source: str, placeholders: set[str], *, refused=frozenset()) -> None:
    """Raise TemplateProblem (with the line) unless ``source`` is a usable mail template.
    ``refused``: placeholders of the event that this text (a subject) must not use."""
    if len(source) > MAX_SOURCE_CHARS:
        raise TemplateProblem(
            _("Der Text ist zu lang (höchstens %(max)d Zeichen).") % {"max": MAX_SOURCE_CHARS}
        )
    template = _compile(source)
    _walk(template.nodelist, source, set(placeholders), frozenset(), 0, frozenset(refused))


def _compile(source: str):
    try:
        return _engine.from_string(source)
    except TemplateSyntaxError as exc:
        debug = getattr(exc, "template_debug", None) or {}
        raise TemplateProblem(
            _explain(str(exc.args[0]) if exc.args else ""), debug.get("line")
        ) from exc


# --- metered rendering ----------------------------------------------------------------------
def _too_much() -> TemplateProblem:
    return TemplateProblem(
        _(
            "Die Vorlage erzeugt zu viel Text (höchstens %(chars)d Zeichen und %(loops)d "
            "Schleifendurchläufe je Text)."
        )
        % {"chars": MAX_OUTPUT_CHARS, "loops": MAX_LOOP_ITERATIONS}
    )


class _Meter:
    def __init__(self):
        self.chars = 0
        self.iterations = 0

    def spend(self, text: str) -> str:
        self.chars += len(text)
        if self.chars > MAX_OUTPUT_CHARS:
            raise _too_much()
        return text

    def tick(self) -> None:
        self.iterations += 1
        if self.iterations > MAX_LOOP_ITERATIONS:
            raise _too_much()


class _MeteredText(TextNode):
    def render_annotated(self, context):
        return self.meter.spend(super().render_annotated(context))


class _MeteredVariable(VariableNode):
    def render_annotated(self, context):
        return self.meter.spend(super().render_annotated(context))


class _LoopTick(Node):
    """First node of every loop body: counts the pass."""

    def __init__(self, meter: _Meter, loop: ForNode):
        self.meter, self.token, self.origin = meter, loop.token, loop.origin

    def render(self, context):
        self.meter.tick()
        return ""


def _meter(nodes, meter: _Meter) -> None:
    """Make every text and placeholder of the tree count its output, and every loop its passes:
    only these produce text, so the count is the size of the result, checked as it grows."""
    for node in list(nodes):
        if type(node) is TextNode:
            node.__class__ = _MeteredText
        elif type(node) is VariableNode:
            node.__class__ = _MeteredVariable
        node.meter = meter
        if isinstance(node, ForNode):
            node.nodelist_loop.insert(0, _LoopTick(meter, node))
        if isinstance(node, IfNode):  # its "nodelist" is a copy of these
            for _condition, nodelist in node.conditions_nodelists:
                _meter(nodelist, meter)
            continue
        for attr in getattr(node, "child_nodelists", ()):
            child = getattr(node, attr, None)
            if child:
                _meter([n for n in child if not isinstance(n, _LoopTick)], meter)


def render(source: str, context: dict, *, html: bool = False) -> str:
    """Render a template. Plain text is not escaped; HTML escapes every value. Raise
    TemplateProblem as soon as the output or the loop passes exceed the caps."""
    template = _compile(source)
    _meter(template.nodelist, _Meter())
    return template.render(Context(context, autoescape=html))


# --- the outbox's rendering -----------------------------------------------------------------
@dataclass
class RenderedMail:
    subject: str
    body_text: str
    body_html: str
    problem: str = ""  # why the saved text was not used, or why no text could be rendered
    failed: bool = False  # True: not even the built-in text rendered; do not send


def _render_texts(subject, body_text, body_html, values, placeholders) -> RenderedMail:
    for source, refused in ((subject, PERSON_TEXT), (body_text, ()), (body_html, ())):
        if source:
            check_template(source, placeholders, refused=refused)
    subject_values = {k: v for k, v in values.items() if k not in PERSON_TEXT}
    return RenderedMail(
        subject=render(subject, subject_values),
        body_text=render(body_text, values),
        body_html=render(body_html, values, html=True) if body_html else "",
    )


def render_mail(event, language: str, texts, values: dict) -> RenderedMail:
    """Render ``texts`` (the saved or built-in subject, body_text, body_html of ``event``) with
    ``values``; never raise. The saved text is checked again with today's rules: if it fails
    (saved before a rule got stricter, or failing on these values), the event's built-in text for
    ``language`` is used and the problem is logged and returned; if even that fails, the result
    is ``failed`` with the reason."""
    placeholders = set(event.placeholders)
    try:
        return _render_texts(texts.subject, texts.body_text, texts.body_html, values, placeholders)
    except Exception as exc:  # any failure of a saved text must not reach the caller
        problem = _("Die gespeicherte Vorlage ließ sich nicht verwenden (%(error)s).") % {
            "error": _describe(exc)
        }
    language = language if language in event.subject else "de"
    builtin = (event.subject[language], event.body[language], event.html.get(language, ""))
    _record(event, language, problem)
    if builtin != (texts.subject, texts.body_text, texts.body_html):
        try:
            rendered = _render_texts(*builtin, values, placeholders)
        except Exception as exc:
            problem = f"{problem} " + _(
                "Auch der eingebaute Text ließ sich nicht verwenden (%(error)s)."
            ) % {"error": _describe(exc)}
        else:
            rendered.problem = f"{problem} " + _("Der eingebaute Text wurde verwendet.")
            return rendered
    return RenderedMail("", "", "", problem=problem, failed=True)


def _record(event, language: str, problem: str) -> None:
    """Leave a trace staff can find after the mail is sent: a log warning and an audit row."""
    from kohorte.comms.models import MessageTemplate
    from kohorte.core.audit import log_action

    log.warning("mail template %s/%s failed: %s", event.key, language, problem)
    row = MessageTemplate.objects.filter(event_key=event.key, language=language).first()
    log_action(
        "comms.template_failed",
        target=row,
        data={"event": event.key, "language": language, "problem": problem[:1000]},
    )


def _describe(exc: Exception) -> str:
    return str(exc) if isinstance(exc, TemplateProblem) else f"{type(exc).__name__}: {exc}"
