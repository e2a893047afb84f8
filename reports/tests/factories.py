"""Minimal factories of the fact tables the reports read (other apps' factories may change)."""

from __future__ import annotations

import datetime as dt

import factory

from cases.models import Case, Child, CommuneStats, SurveyRecord
from outreach.models import OutreachEvent
from programs.models import Attendance, Enrolment, ProtectionModel


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Em {n}")
    date_of_birth = dt.date(2015, 5, 1)
    birth_year = 2015
    sex = Child.Sex.MALE


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    case_ref = factory.Sequence(lambda n: f"QLTH-{n:05d}")
    child = factory.SubFactory(ChildFactory, commune=factory.SelfAttribute("..commune"))
    opened_on = dt.date(2024, 3, 1)
    status = Case.Status.IN_PROGRESS


class ProtectionModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProtectionModel

    code = factory.Sequence(lambda n: f"MH-{n:05d}")
    name = factory.Sequence(lambda n: f"Mô hình {n}")
    kind = ProtectionModel.Kind.CBCP_SYSTEM
    established_on = dt.date(2024, 3, 1)


class OutreachEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutreachEvent

    date = dt.date(2024, 5, 1)
    kind = OutreachEvent.Kind.TALK
    venue = OutreachEvent.Venue.COMMUNITY
    topic = factory.Sequence(lambda n: f"Phòng chống xâm hại trẻ em {n}")
    participants_total = 100


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    child_name = factory.Sequence(lambda n: f"Trẻ bán trú {n}")
    enrolled_on = dt.date(2024, 1, 1)


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    date = dt.date(2024, 5, 2)
    present = True


class SurveyRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyRecord

    child = factory.SubFactory(ChildFactory, commune=factory.SelfAttribute("..commune"))
    survey_year = 2024


class CommuneStatsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommuneStats

    survey_year = 2024
    children_total = 1000
