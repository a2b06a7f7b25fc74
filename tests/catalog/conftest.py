from pathlib import Path

import pytest

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# The brochure's obvious grammar errors, corrected everywhere the demo data uses its text (the
# policy is stated at the top of catalog/data/ki-data-science.yaml). Nothing else may differ.
BROCHURE_CORRECTIONS = [
    ("um Ihre Behörde voranzubringen", "um ihre Behörde voranzubringen"),
    ("sowie praktischen Fähigkeiten im Bereich", "sowie praktische Fähigkeiten im Bereich"),
    (
        "das maschinelle Lernen, der Technologie hinter",
        "das maschinelle Lernen, die Technologie hinter",
    ),
    ("hinter die Kulissen indem", "hinter die Kulissen, indem"),
    ("wichtiger Schritt um selbst", "wichtiger Schritt, um selbst"),
    ("auseinander Angebote und Lösungen", "auseinander, Angebote und Lösungen"),
    ("notwendige Verständnis wie man", "notwendige Verständnis, wie man"),
]


@pytest.fixture(scope="session")
def brochure_raw() -> str:
    return (DATA_DIR / "brochure-2024-de.txt").read_text()


@pytest.fixture(scope="session")
def brochure(brochure_raw) -> str:
    """The brochure's text with exactly the listed corrections applied."""
    text = brochure_raw
    for wrong, right in BROCHURE_CORRECTIONS:
        assert text.count(wrong) == 1, wrong
        text = text.replace(wrong, right)
    return text
