"""Factories of the cases app. Units come from the test database (see the root conftest)."""

from __future__ import annotations

import datetime as dt

import factory

from cases.models import Case, Child, Consent


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    date_of_birth = dt.date(2015, 3, 5)
    birth_year = 2015
    sex = Child.Sex.MALE
    ethnicity = "01"


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    case_ref = factory.Sequence(lambda n: f"TEST-{n:05d}")
    child = factory.SubFactory(ChildFactory, commune=factory.SelfAttribute("..commune"))
    opened_on = dt.date(2024, 3, 1)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    child = factory.SubFactory(ChildFactory)
    party = Consent.Party.REPRESENTATIVE
    purpose = Consent.Purpose.DATA_SHARING
    given_on = dt.date(2024, 5, 1)
