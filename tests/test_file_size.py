"""No Python file under src/ is longer than 400 lines (issue 10), outside migrations and data.

A long file is split by sub-capability into a package whose ``__init__`` re-exports the names.
The files still over the limit are listed below, each with its reason; the test also fails when
a listed file is no longer over the limit, so that the list stays true.
"""

from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
MAX_LINES = 400
EXCLUDED_FOLDERS = {"migrations", "data"}

# path relative to the repository -> reason
ALLOWED_OVER_LIMIT: dict[str, str] = {}


def _line_counts() -> dict[str, int]:
    counts = {}
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC.parent)
        if EXCLUDED_FOLDERS & set(relative.parts):
            continue
        counts[relative.as_posix()] = len(path.read_text(encoding="utf-8").splitlines())
    return counts


def test_no_source_file_exceeds_the_line_limit():
    too_long = {
        name: lines
        for name, lines in _line_counts().items()
        if lines > MAX_LINES and name not in ALLOWED_OVER_LIMIT
    }
    assert too_long == {}, f"files over {MAX_LINES} lines: split them"


def test_every_allowed_file_is_still_over_the_limit():
    counts = _line_counts()
    within = {
        name: counts.get(name) for name in ALLOWED_OVER_LIMIT if counts.get(name, 0) <= MAX_LINES
    }
    assert within == {}, "within the limit or gone: remove these from ALLOWED_OVER_LIMIT"


def test_the_count_sees_the_source_files():
    """The walk finds the source and leaves out migrations and data folders."""
    counts = _line_counts()
    assert "src/kohorte/cli.py" in counts
    assert "src/kohorte/catalog/models/__init__.py" in counts
    assert not [name for name in counts if "/migrations/" in name or "/data/" in name]
    assert list((SRC / "kohorte" / "catalog" / "migrations").glob("0*.py"))
