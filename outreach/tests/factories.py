"""Factories of outreach events."""

from __future__ import annotations

import datetime as dt

import factory

from outreach.models import OutreachEvent
from programs.tests.factories import unit_by_code


class OutreachEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutreachEvent

    date = dt.date(2025, 3, 15)
    unit = factory.LazyFunction(lambda: unit_by_code("23281"))
    kind = OutreachEvent.Kind.TALK
    venue = OutreachEvent.Venue.COMMUNITY
    topic = factory.Sequence(lambda n: f"Phòng chống xâm hại trẻ em {n}")
    participants_total = 50
    participants_children = 20
    participants_female = 25
    organiser = "UBND xã"
