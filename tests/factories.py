"""factory_boy factories for the catalogue, with German fake data."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import factory
from factory.django import DjangoModelFactory

from kohorte.catalog import models as m

BERLIN = ZoneInfo("Europe/Berlin")
factory.Faker._DEFAULT_LOCALE = "de_DE"


class ProgramFactory(DjangoModelFactory):
    class Meta:
        model = m.Program

    slug = factory.Sequence(lambda n: f"programm-{n}")
    title_de = factory.Sequence(lambda n: f"Programm {n}")
    title_en = factory.Sequence(lambda n: f"Programme {n}")
    teaching_languages_de = "Deutsch"
    structure_de = "4 Pflichtmodule + 2 Wahlmodule"


class CohortFactory(DjangoModelFactory):
    class Meta:
        model = m.Cohort

    program = factory.SubFactory(ProgramFactory)
    slug = factory.Sequence(lambda n: f"jahrgang-{n}")
    name_de = factory.Sequence(lambda n: f"{n}. Jahrgang")
    starts_on = date(2030, 1, 7)
    ends_on = date(2031, 12, 19)
    seats = 25
    status = m.Cohort.Status.PUBLISHED
    applications_open_at = datetime(2029, 9, 1, 0, 0, tzinfo=BERLIN)
    applications_close_at = datetime(2029, 10, 15, 23, 59, tzinfo=BERLIN)
    decision_on = date(2029, 11, 15)


class LocationFactory(DjangoModelFactory):
    class Meta:
        model = m.Location

    slug = factory.Sequence(lambda n: f"ort-{n}")
    name_de = factory.Faker("company")
    city = factory.Faker("city")


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = m.Person

    slug = factory.Sequence(lambda n: f"person-{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")


class ModuleFactory(DjangoModelFactory):
    class Meta:
        model = m.Module

    program = factory.SubFactory(ProgramFactory)
    number = factory.Sequence(lambda n: n + 1)
    slug = factory.Sequence(lambda n: f"modul-{n}")
    title_de = factory.Sequence(lambda n: f"Modul {n}")
    short_description_de = factory.Faker("paragraph")
    ects = 3
    kind = m.Module.Kind.MANDATORY
    language = "de"


class ModuleRunFactory(DjangoModelFactory):
    class Meta:
        model = m.ModuleRun
        skip_postgeneration_save = True

    cohort = factory.SubFactory(CohortFactory)
    module = factory.SubFactory(ModuleFactory, program=factory.SelfAttribute("..cohort.program"))
    starts_on = factory.LazyAttribute(lambda o: o.cohort.starts_on)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + timedelta(days=2))
    location = factory.SubFactory(LocationFactory)

    @factory.post_generation
    def with_sessions(self, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        day = self.starts_on
        while day <= self.ends_on:
            m.Session.objects.create(run=self, date=day, starts_at=time(9), ends_at=time(17))
            day += timedelta(days=1)
