"""Every audit action the code writes has a label a person can read (history pages show them)."""

import ast
from pathlib import Path

from kohorte.core.templatetags.labels import ACTION_LABELS
from kohorte.selection.models import Offer, Proposal

SRC = Path(__file__).resolve().parents[2] / "src" / "kohorte"


def _actions() -> set[str]:
    found = set()
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            values = [node.args[0]] if name == "log_action" and node.args else []
            values += [kw.value for kw in node.keywords if kw.arg == "action"]
            for value in values:
                if isinstance(value, ast.Constant) and "." in str(value.value):
                    found.add(value.value)
                elif isinstance(value, ast.IfExp):
                    found |= {
                        v.value for v in (value.body, value.orelse) if isinstance(v, ast.Constant)
                    }
    # the state doors name their action after the new state
    for prefix, model in (("selection.offer_", Offer), ("selection.proposal_", Proposal)):
        found |= {f"{prefix}{state}" for moves in model.TRANSITIONS.values() for state in moves}
    return found


def test_every_audit_action_has_a_label():
    actions = _actions()
    assert len(actions) > 40
    assert sorted(actions - set(ACTION_LABELS)) == []
