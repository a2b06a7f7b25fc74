"""kohorte manage solve_selection: re-check a proposal or try a what-if offline."""

import json
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kohorte.selection import services
from tests.factories import review_all

INSTANCE = {
    "seats": 2,
    "seed": 5,
    "constraints": {"level_min": {"bund": 1, "land": 1}, "max_per_authority": 1},
    "applicants": [
        {"id": "a0", "score": 1.01, "level": "land", "authority": "Z"},
        {"id": "a1", "score": 0.98, "level": "bund", "authority": "Y"},
        {"id": "a2", "score": 1.01, "level": "bund", "authority": "Z"},
        {"id": "a3", "score": 0.98, "level": "land", "authority": "X"},
        {"id": "a4", "score": 0.99, "level": "bund", "authority": "X"},
        {"id": "a5", "score": 0.99, "level": "bund", "authority": "z "},
    ],
}


def run(tmp_path, data, *args):
    source = tmp_path / "in.json"
    source.write_text(data if isinstance(data, str) else json.dumps(data))
    out = tmp_path / "out.json"
    call_command("solve_selection", str(source), "-o", str(out), *args)
    return json.loads(out.read_text())


@pytest.mark.django_db
def test_round_trip_gives_the_stored_proposal(committee, tmp_path):
    cohort = committee["cohort"]
    settings_ = cohort.selection_settings
    settings_.seats = 4
    settings_.level_min = {"kommune": 2}
    settings_.max_per_authority = 1
    settings_.save()
    services.assign_reviewers(cohort, actor=committee["chair"], seed=1)
    review_all(cohort)
    proposal = services.propose(cohort, actor=committee["chair"], seed=3)
    services.explain(proposal.pk)
    proposal.refresh_from_db()
    exported = tmp_path / "export.json"
    call_command("export_selection", cohort.slug, "-o", str(exported))
    stored = proposal.data["result"]
    again = run(tmp_path, exported.read_text())
    assert again["seed"] == 3
    for key in ("feasible", "selected", "objective", "binding", "lottery", "details"):
        assert again["result"][key] == stored[key], key
    assert again["result"]["explanations"] == stored["explanations"]
    assert again["result"]["replacements"] == stored["replacements"]
    # a what-if: another seed may change the lottery but never the total
    other = run(tmp_path, exported.read_text(), "--seed", "99", "--no-explanations")
    assert other["seed"] == 99 and other["result"]["objective"] == stored["objective"]
    assert other["result"]["explanations"] == {} and other["result"]["details"] == {}


def test_a_list_gives_a_list_in_the_same_order(tmp_path):
    loose = {**INSTANCE, "constraints": {}, "seed": 1}
    out = run(tmp_path, [INSTANCE, loose])
    assert [r["result"]["selected"] for r in out] == [["a0", "a4"], ["a0", "a2"]]
    assert [r["result"]["objective"] for r in out] == [2.0, 2.02]
    # the lowest selected federal applicant, a4, and the capped a5 ("z " is authority Z)
    details = out[0]["result"]["details"]
    # a5 needs 0.04 (to displace a0 and a4 together); either the Land seat or the cap on
    # authority Z, relaxed alone, lowers that to 0.03
    assert details["a5"]["blocked_by"] == ["level_min:land", "max_per_authority"]
    assert out[0]["result"]["explanations"]["a5"] == (
        "Nicht ausgewählt. Mit 0,04 Punkten mehr wäre die Person im Vorschlag; es hält sie "
        "heraus: mindestens 1 Platz für die Ebene „Land“; 1 Person derselben Behörde ist "
        "ausgewählt; höchstens 1 je Behörde."
    )
    assert details["a1"]["blocked_by"] == ["seats"]


def test_infeasible_rules_are_a_result(tmp_path):
    data = {**INSTANCE, "constraints": {"level_min": {"bund": 2, "land": 1}}}
    out = run(tmp_path, data)
    assert out["result"]["feasible"] is False
    assert sorted(out["result"]["conflicts"]) == ["level_min:bund", "level_min:land", "seats"]
    assert out["result"]["selected"] == []


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("{not json", 1, "is not valid JSON"),
        (json.dumps({"seats": 2}), 2, "instance 0: missing key 'applicants'"),
        (json.dumps([INSTANCE, {"applicants": []}]), 2, "instance 1: missing key 'seats'"),
        (
            json.dumps({**INSTANCE, "constraints": {"per_authority": 2}}),
            2,
            "instance 0: unknown constraint 'per_authority'",
        ),
        (
            json.dumps({**INSTANCE, "applicants": [{"id": "a1"}]}),
            2,
            'instance 0: applicants[0] needs at least "id" and "score"',
        ),
        (json.dumps({**INSTANCE, "seats": "zwei"}), 2, "instance 0: seats must be a whole"),
    ],
)
def test_malformed_input_is_one_line_and_an_exit_code(tmp_path, text, code, message):
    source = tmp_path / "bad.json"
    source.write_text(text)
    with pytest.raises(CommandError) as error:
        call_command("solve_selection", str(source))
    assert error.value.returncode == code
    assert message in str(error.value) and "\n" not in str(error.value)


def test_the_command_line_prints_no_traceback(tmp_path):
    source = tmp_path / "bad.json"
    source.write_text('{"seats": 1}')
    done = subprocess.run(
        [sys.executable, "-m", "kohorte", "manage", "solve_selection", str(source)],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "KOHORTE_DATA_DIR": str(tmp_path)},
    )
    assert done.returncode == 2
    assert done.stderr.strip() == "CommandError: instance 0: missing key 'applicants'"
