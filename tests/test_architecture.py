"""Import rules between the apps, checked on the source (ast): a new violation fails here.

The lifecycle order is core < accounts < comms < catalog < admissions < selection < teaching <
assessments. An
app may import an earlier stage, never a later one; so core and comms import no domain app
(catalog, admissions, selection, teaching), and accounts names domain models only lazily, by
model string ("catalog.Cohort"). The selection engine (selection/engine/) is pure Python: no
Django, and no kohorte module outside the engine. cli.py, the demo package (demo/, one module per
app) and config/ compose the apps and may import any of them; no app imports the demo. The known violations are listed below, each with its reason; the
test also fails when an allowed violation is gone, so that the list stays true.
"""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "kohorte"
ORDER = [
    "core",
    "accounts",
    "comms",
    "catalog",
    "admissions",
    "selection",
    "teaching",
    "events",
    "assessments",
    "credentials",
]
ORDER_HEADS = [(app,) for app in ORDER]
ENGINE = ("kohorte", "selection", "engine")
# Mail events that comms itself sends; the domain apps' events belong to those apps.
COMMS_OWN_EVENT_PREFIXES = {"account", "bulk"}

# (importing module, imported module) -> reason
ALLOWED_IMPORTS: dict[tuple[str, str], str] = {}

# Domain mail events registered in comms -> reason (each app registers its own, in its mail.py)
ALLOWED_COMMS_EVENTS: dict[str, str] = {}


def _modules():
    """(module name, its parts, the package its relative imports start from, its tree)."""
    for path in sorted(SRC.rglob("*.py")):
        parts = ("kohorte", *path.relative_to(SRC).with_suffix("").parts)
        if "migrations" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
            package = parts
        else:
            package = parts[:-1]
        yield ".".join(parts), parts, package, ast.parse(path.read_text(), filename=str(path))


def _imports(package, tree):
    """Every module imported anywhere in the file (lazy imports in functions included)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's package
                base = list(package[: len(package) - node.level + 1])
                yield ".".join([*base, *([node.module] if node.module else [])]), node.lineno
            else:
                yield node.module, node.lineno


def _violation(parts, target) -> bool:
    tparts = target.split(".")
    if parts[:3] == ENGINE:
        return tparts[0] == "django" or (tparts[0] == "kohorte" and tuple(tparts[:3]) != ENGINE)
    app = parts[1] if len(parts) > 1 else None
    if app in ORDER and tparts[:2] == ["kohorte", "demo"]:
        return True  # the demo sits above the apps
    if app not in ORDER or tparts[0] != "kohorte" or len(tparts) < 2 or tparts[1] not in ORDER:
        return False  # cli, demo, config compose the apps
    return ORDER.index(tparts[1]) > ORDER.index(app)


def _import_violations():
    found = {}
    for name, parts, package, tree in _modules():
        for target, line in _imports(package, tree):
            if target and _violation(parts, target):
                found[(name, target)] = line
    return found


def test_no_app_imports_a_later_stage_and_the_engine_stays_pure():
    found = _import_violations()
    new = {pair: line for pair, line in found.items() if pair not in ALLOWED_IMPORTS}
    assert new == {}, "new import violations (importer, imported): line"
    gone = set(ALLOWED_IMPORTS) - set(found)
    assert gone == set(), "fixed: remove these from ALLOWED_IMPORTS"


def test_the_demo_is_one_package_above_the_apps():
    """Issue 10: all demo code in kohorte/demo/ (one module per app); it imports the apps, no
    app has demo code of its own or imports the demo."""
    modules = {name: (parts, package, tree) for name, parts, package, tree in _modules()}
    in_apps = [name for name, (parts, _p, _t) in modules.items() if parts[1:2] in ORDER_HEADS]
    assert [name for name in in_apps if name.split(".")[-1] == "demo"] == []
    demo = sorted(name for name in modules if name.startswith("kohorte.demo"))
    assert demo == [
        "kohorte.demo",
        "kohorte.demo.accounts",
        "kohorte.demo.admissions",
        "kohorte.demo.assessments",
        "kohorte.demo.attendance",
        "kohorte.demo.catalog",
        "kohorte.demo.certificates",
        "kohorte.demo.comms",
        "kohorte.demo.events",
        "kohorte.demo.lecturing",
        "kohorte.demo.selection",
        "kohorte.demo.teaching",
        "kohorte.demo.transcripts",
        "kohorte.demo.wsgi",
    ]
    imported = {
        target.split(".")[1]
        for name in demo
        for target, _line in _imports(modules[name][1], modules[name][2])
        if target and target.startswith("kohorte.")
    }
    assert {"accounts", "catalog", "comms", "admissions", "selection", "teaching"} <= imported
    importers = {
        name
        for name in in_apps
        for target, _line in _imports(modules[name][1], modules[name][2])
        if target and (target + ".").startswith("kohorte.demo.")
    }
    assert importers == set()


def _comms_event_keys():
    keys = set()
    for name, _parts, _package, tree in _modules():
        if not name.startswith("kohorte.comms"):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "MailEvent":
                for kw in node.keywords:
                    if kw.arg == "key" and isinstance(kw.value, ast.Constant):
                        keys.add(kw.value.value)
    return keys


def test_comms_registers_no_new_domain_mail_event():
    keys = _comms_event_keys()
    assert "account.password_reset" in keys  # the parser finds the registrations
    domain = {k for k in keys if k.split(".")[0] not in COMMS_OWN_EVENT_PREFIXES}
    assert domain - set(ALLOWED_COMMS_EVENTS) == set(), "register new domain events in their app"
    assert set(ALLOWED_COMMS_EVENTS) - domain == set(), "moved: remove from ALLOWED_COMMS_EVENTS"


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        (
            "kohorte.core.x",
            "from kohorte.catalog.models import Cohort\n",
            ["kohorte.catalog.models"],
        ),
        (
            "kohorte.core.x",
            "def f():\n    import kohorte.selection.services\n",
            ["kohorte.selection.services"],
        ),
        ("kohorte.comms.x", "from kohorte.accounts.models import User\n", []),
        ("kohorte.catalog.x", "from ..admissions import models\n", ["kohorte.admissions"]),
        ("kohorte.selection.engine.x", "from django.db import models\n", ["django.db"]),
        (
            "kohorte.selection.engine.x",
            "from ..models import Review\n",
            ["kohorte.selection.models"],
        ),
        ("kohorte.selection.engine.x", "from .cohort import solve\nimport numpy\n", []),
        ("kohorte.cli", "from kohorte.teaching import models\n", []),
        ("kohorte.demo.x", "from kohorte.selection import services\n", []),
        ("kohorte.selection.x", "from kohorte.demo import load_demo\n", ["kohorte.demo"]),
        (
            "kohorte.core.x",
            "def f():\n    import kohorte.demo.admissions\n",
            ["kohorte.demo.admissions"],
        ),
    ],
)
def test_the_checker_sees_lazy_relative_and_engine_imports(module, source, expected):
    parts = tuple(module.split("."))
    found = [t for t, _ in _imports(parts[:-1], ast.parse(source)) if _violation(parts, t)]
    assert found == expected
