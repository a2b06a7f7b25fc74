"""The one schedule: period arithmetic (DST included), leases that exclude and expire, the
management command for cron, and no task that re-enqueues itself."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kohorte.core import schedule
from kohorte.core.models import ScheduledJob

BERLIN = ZoneInfo("Europe/Berlin")
DAILY_7 = schedule.DailyAt(time(7, 0))


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_daily_at_seven_berlin_across_the_spring_change():
    # 28 March 2027: clocks go from 02:00 CET to 03:00 CEST; 07:00 stays 07:00 local.
    slot = datetime(2027, 3, 27, 7, 0, tzinfo=BERLIN)  # 06:00 UTC (CET, UTC+1)
    nxt = DAILY_7.next_after(slot, slot + timedelta(minutes=5))
    assert nxt == utc(2027, 3, 28, 5, 0)  # 07:00 CEST = 05:00 UTC
    assert nxt.astimezone(UTC) - slot.astimezone(UTC) == timedelta(hours=23)
    assert DAILY_7.next_after(nxt, nxt) == utc(2027, 3, 29, 5, 0)


def test_daily_at_seven_berlin_across_the_autumn_change():
    # 25 October 2026: clocks go from 03:00 CEST back to 02:00 CET.
    slot = datetime(2026, 10, 24, 7, 0, tzinfo=BERLIN)  # 05:00 UTC
    nxt = DAILY_7.next_after(slot, slot)
    assert nxt == utc(2026, 10, 25, 6, 0)
    assert nxt.astimezone(UTC) - slot.astimezone(UTC) == timedelta(hours=25)


def test_daily_first_run_is_the_latest_slot_and_late_runs_skip_to_tomorrow():
    # A new installation at 09:00 runs today's 07:00 slot at once; before 07:00, yesterday's.
    assert DAILY_7.first(utc(2026, 12, 1, 8, 0)) == utc(2026, 12, 1, 6, 0)
    assert DAILY_7.first(utc(2026, 12, 1, 5, 0)) == utc(2026, 11, 30, 6, 0)
    # A worker that was down for three days runs once, then at the next 07:00.
    assert DAILY_7.next_after(utc(2026, 11, 28, 6, 0), utc(2026, 12, 1, 8, 0)) == utc(
        2026, 12, 2, 6, 0
    )
    assert DAILY_7.describe() == "daily 07:00 Europe/Berlin"


def test_interval_keeps_its_grid_and_skips_missed_periods():
    hourly = schedule.Every(timedelta(hours=1))
    slot = utc(2026, 12, 1, 10, 0)
    assert hourly.next_after(slot, utc(2026, 12, 1, 10, 20)) == utc(2026, 12, 1, 11, 0)
    assert hourly.next_after(slot, utc(2026, 12, 1, 13, 30)) == utc(2026, 12, 1, 14, 0)
    assert hourly.next_after(slot, utc(2026, 12, 1, 11, 0)) == utc(2026, 12, 1, 12, 0)
    assert hourly.describe() == "every 3600s"


def test_the_registered_jobs_and_their_periods(db):
    schedule.sync_jobs()
    rows = dict(ScheduledJob.objects.values_list("name", "period"))
    assert {k: v for k, v in rows.items() if not k.startswith("test.")} == {
        "assessments.publish_grades": "every 900s",
        "admissions.send_reminders": "daily 07:00 Europe/Berlin",
        "comms.deliver_outbox": "every 60s",
        "selection.expire_offers": "every 3600s",
        "teaching.remind_supervisors": "daily 07:30 Europe/Berlin",
        "events.remind_registrants": "daily 09:00 Europe/Berlin",
    }


@pytest.fixture
def job(db):
    calls = []
    job = schedule.Job(
        "test.unit",
        lambda: calls.append(schedule.current_slot()),
        schedule.Every(timedelta(hours=1)),
        lease=timedelta(minutes=10),
    )
    schedule._registry["test.unit"] = job
    ScheduledJob.objects.create(
        name="test.unit", period=job.period.describe(), next_run_at=utc(2026, 12, 1, 10, 0)
    )
    yield job, calls
    del schedule._registry["test.unit"]


def test_a_lease_excludes_others_until_it_expires(job):
    job, _ = job
    t = utc(2026, 12, 1, 10, 0, 30)
    assert schedule.claim("test.unit", "a", now=t, lease=job.lease) == utc(2026, 12, 1, 10, 0)
    # Worker b, a second and nine minutes later: a still holds the lease.
    assert schedule.claim("test.unit", "b", now=t + timedelta(seconds=1), lease=job.lease) is None
    assert schedule.claim("test.unit", "b", now=t + timedelta(minutes=9), lease=job.lease) is None
    # a died: after ten minutes its lease has expired and b runs the same period.
    later = t + timedelta(minutes=10)
    assert schedule.claim("test.unit", "b", now=later, lease=job.lease) == utc(2026, 12, 1, 10, 0)
    row = ScheduledJob.objects.get(name="test.unit")
    assert (row.leased_by, row.lease_until) == ("b", later + job.lease)
    # a comes back: it no longer holds the lease, so its late release changes nothing.
    assert schedule.release(job, "a", utc(2026, 12, 1, 10, 0), now=later) is False
    assert schedule.release(job, "b", utc(2026, 12, 1, 10, 0), now=later) is True
    row.refresh_from_db()
    assert (row.leased_by, row.lease_until, row.next_run_at, row.run_count) == (
        "",
        None,
        utc(2026, 12, 1, 11, 0),
        1,
    )
    # Not due before 11:00, whoever asks.
    assert schedule.claim("test.unit", "c", now=utc(2026, 12, 1, 10, 59), lease=job.lease) is None


def test_run_job_passes_the_slot_and_records_a_failure(job):
    job, calls = job
    assert schedule.run_job(job, "a") is True
    assert calls == [utc(2026, 12, 1, 10, 0)]
    assert schedule.run_job(job, "a") is None  # next period not yet due
    failing = schedule.Job("test.unit", lambda: 1 / 0, job.period, job.lease)
    assert schedule.run_job(failing, "a", force=True) is False
    row = ScheduledJob.objects.get(name="test.unit")
    assert "ZeroDivisionError" in row.last_error
    assert (row.run_count, row.leased_by) == (2, "")


def test_run_scheduled_command_runs_a_named_job_and_lists_the_schedule(job, capsys):
    job, calls = job
    ScheduledJob.objects.filter(name="test.unit").update(next_run_at=utc(2099, 1, 1))
    call_command("run_scheduled", "--job", "test.unit")
    assert calls == [utc(2099, 1, 1)]
    assert "test.unit: ok" in capsys.readouterr().out
    call_command("run_scheduled", "--list")
    listing = capsys.readouterr().out
    assert "test.unit: every 3600s, next 2099-01-01 01:00:00+0000, runs 1" in listing
    assert "admissions.send_reminders: daily 07:00 Europe/Berlin" in listing
    with pytest.raises(CommandError, match="unknown job 'nope'"):
        call_command("run_scheduled", "--job", "nope")
