"""A cohort's selection set up with defaults: settings, the rubric from data/rubric.yaml, and
the conflict rules. Idempotent; existing rows are left as staff changed them."""

from datetime import datetime, time, timedelta
from pathlib import Path

import yaml
from django.db import transaction
from django.utils import timezone

from kohorte.selection.models import ConflictRule, Criterion, SelectionSettings

RUBRIC = Path(__file__).parent / "data" / "rubric.yaml"


@transaction.atomic
def setup_cohort(cohort) -> SelectionSettings:
    settings_, created = SelectionSettings.objects.get_or_create(cohort=cohort)
    if created and settings_.review_deadline is None:
        # a week before the decision, end of the day in the programme's time zone
        day = cohort.decision_on - timedelta(days=7)
        settings_.review_deadline = timezone.make_aware(datetime.combine(day, time(23, 59)))
        settings_.save(update_fields=["review_deadline"])
    if not cohort.criteria.exists():
        for position, item in enumerate(yaml.safe_load(RUBRIC.read_text("utf-8"))):
            fields = {"cohort": cohort, "position": position, "key": item["key"]}
            fields["weight"] = item["weight"]
            for lang in ("de", "en"):
                fields[f"label_{lang}"] = item["label"][lang]
                fields[f"description_{lang}"] = item["description"][lang]
                for point, text in enumerate(item["anchors"][lang], start=1):
                    fields[f"anchor_{point}_{lang}"] = text
            Criterion.objects.create(**fields)
    for kind in (ConflictRule.Kind.SAME_AUTHORITY, ConflictRule.Kind.DECLARED_AUTHORITY):
        ConflictRule.objects.get_or_create(cohort=cohort, kind=kind)
    return settings_
