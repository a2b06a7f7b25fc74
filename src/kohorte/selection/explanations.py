"""The optimiser's results in plain words, for the committee."""

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from kohorte.admissions.models import FederalLevel, Gender


def _choice(choices, value: str) -> str:
    return str(dict(choices.choices).get(value, value))


def rule_label(key: str) -> str:
    """A rule key of the export ("level_min:bund") as the committee reads it."""
    kind, _sep, value = key.partition(":")
    labels = {
        "seats": lambda: _("die Zahl der Plätze"),
        "lottery": lambda: _("das Los unter gleich guten Vorschlägen"),
        "level_min": lambda: (
            _("die Mindestzahl für die Ebene „%(v)s“") % {"v": _choice(FederalLevel, value)}
        ),
        "level_max": lambda: (
            _("die Höchstzahl für die Ebene „%(v)s“") % {"v": _choice(FederalLevel, value)}
        ),
        "max_per_authority": lambda: (
            _("die Höchstzahl je Behörde") + (f" ({value})" if value else "")
        ),
        "gender_min": lambda: _("die Mindestzahl für „%(v)s“") % {"v": _choice(Gender, value)},
        "gender_max": lambda: _("die Höchstzahl für „%(v)s“") % {"v": _choice(Gender, value)},
        "lock_in": lambda: _("die Festlegung „gesetzt“ (%(v)s)") % {"v": value},
        "lock_out": lambda: _("die Festlegung „ausgeschlossen“ (%(v)s)") % {"v": value},
        "not_eligible": lambda: _("eine Bewerbung ohne die Voraussetzungen (%(v)s)") % {"v": value},
    }
    return labels[kind]() if kind in labels else key


def rules_text(keys: list[str]) -> str:
    return ", ".join(rule_label(k) for k in keys)


def blocking_text(key: str, facts: dict) -> str:
    """One rule that keeps a person out, with what it counts among the selected."""
    kind, _sep, value = key.partition(":")
    count, bound = facts.get("count"), facts.get("bound")
    if kind == "lottery":
        return _("das Los unter gleich guten Vorschlägen")
    if count is None or bound is None:
        return rule_label(key)
    if kind == "seats":
        return ngettext(
            "die Zahl der Plätze (%(bound)s Platz, vergeben)",
            "die Zahl der Plätze (%(bound)s Plätze, alle vergeben)",
            bound,
        ) % {"bound": bound}
    if kind == "max_per_authority":
        return ngettext(
            "%(count)s Person derselben Behörde ist ausgewählt; höchstens %(bound)s je Behörde",
            "%(count)s Personen derselben Behörde sind ausgewählt; höchstens %(bound)s je Behörde",
            count,
        ) % {"count": count, "bound": bound}
    if kind in ("level_min", "level_max"):
        level = _choice(FederalLevel, value)
        if kind == "level_min":
            return ngettext(
                "mindestens %(bound)s Platz für die Ebene „%(v)s“",
                "mindestens %(bound)s Plätze für die Ebene „%(v)s“",
                bound,
            ) % {"bound": bound, "v": level}
        return ngettext(
            "%(count)s Person der Ebene „%(v)s“ ist ausgewählt; höchstens %(bound)s",
            "%(count)s Personen der Ebene „%(v)s“ sind ausgewählt; höchstens %(bound)s",
            count,
        ) % {"count": count, "v": level, "bound": bound}
    if kind in ("gender_min", "gender_max"):
        gender = _choice(Gender, value)
        if kind == "gender_min":
            return ngettext(
                "mindestens %(bound)s Platz für „%(v)s“",
                "mindestens %(bound)s Plätze für „%(v)s“",
                bound,
            ) % {"bound": bound, "v": gender}
        return ngettext(
            "%(count)s Person mit der Angabe „%(v)s“ ist ausgewählt; höchstens %(bound)s",
            "%(count)s Personen mit der Angabe „%(v)s“ sind ausgewählt; höchstens %(bound)s",
            count,
        ) % {"count": count, "v": gender, "bound": bound}
    return rule_label(key)


def _points(value: float) -> str:
    # rounded first, as the tables' ``points`` filter does: number_format alone cuts a float's
    # digits off (0.4298 → „0,42“ in the sentence beside „0,43“ in the table)
    return formats.number_format(round(value, 2), 2)


def sentence(detail: dict, lock_reason: str = "", language: str | None = None) -> str:
    """One explanation (the engine's Explanation as a dict) as a sentence."""
    if language:
        with override(language):
            return sentence(detail, lock_reason)
    reason = detail["reason"]
    if reason == "lock_in":
        return _("Von der Kommission gesetzt: %(reason)s") % {"reason": lock_reason}
    if reason == "lock_out":
        return _("Von der Kommission ausgeschlossen: %(reason)s") % {"reason": lock_reason}
    if reason == "not_eligible":
        return _(
            "Nicht im Vorschlag: erfüllt die Voraussetzungen nicht oder ist noch nicht begutachtet."
        )
    if reason == "required":
        return _("Ausgewählt, weil ohne diese Person %(rules)s nicht einzuhalten wäre.") % {
            "rules": rules_text(detail["blocked_by"])
        }
    if reason == "blocked":
        return _("Nicht auswählbar, ohne %(rules)s zu verletzen.") % {
            "rules": rules_text(detail["blocked_by"])
        }
    if detail["selected"]:
        return _(
            "Ausgewählt mit einem Abstand von %(margin)s Punkten: um so viel könnte die "
            "kalibrierte Note sinken, bevor eine andere Auswahl besser wäre."
        ) % {"margin": _points(detail["margin"])}
    facts = detail.get("facts") or {}
    rules = "; ".join(blocking_text(k, facts.get(k, {})) for k in detail["blocked_by"])
    return _(
        "Nicht ausgewählt. Mit %(needed)s Punkten mehr wäre die Person im Vorschlag; "
        "es hält sie heraus: %(rules)s."
    ) % {"needed": _points(detail["needed"]), "rules": rules}


def offset_sentence(name: str, offset: float, shared: int) -> str:
    """How one reviewer scores compared with colleagues on the same applications."""
    if shared == 0:
        return _("%(name)s hat noch keine Bewerbung gemeinsam mit anderen begutachtet.") % {
            "name": name
        }
    if abs(offset) < 0.1:
        return _("%(name)s bewertet wie die Kolleg:innen bei denselben Bewerbungen.") % {
            "name": name
        }
    if offset > 0:
        return _(
            "%(name)s bewertet %(points)s Punkte über den Kolleg:innen bei denselben Bewerbungen."
        ) % {"name": name, "points": _points(offset)}
    return _(
        "%(name)s bewertet %(points)s Punkte unter den Kolleg:innen bei denselben Bewerbungen."
    ) % {"name": name, "points": _points(-offset)}
