"""Factories of protection models, members, enrolments and attendance."""

from __future__ import annotations

import datetime as dt

import factory

from programs.models import Attendance, Enrolment, ModelMember, ProtectionModel


def unit_by_code(code: str, edition: str = "legacy"):
    from locations.models import Unit
    from locations.resolve import level_for_code

    return Unit.objects.get(code=code, edition=edition, level=level_for_code(code))


class ProtectionModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProtectionModel

    code = factory.Sequence(lambda n: f"MH{n:05d}")
    name = factory.Sequence(lambda n: f"Mô hình {n}")
    kind = ProtectionModel.Kind.CHILD_CLUB
    unit = factory.LazyFunction(lambda: unit_by_code("23281"))
    host = "Đoàn Thanh niên"
    established_on = dt.date(2024, 1, 1)


class DaycareModelFactory(ProtectionModelFactory):
    kind = ProtectionModel.Kind.DAYCARE_DISABILITY
    unit = factory.LazyFunction(lambda: unit_by_code("62"))
    name = factory.Sequence(lambda n: f"Chăm sóc bán trú {n}")


class ModelMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ModelMember

    model = factory.SubFactory(ProtectionModelFactory)
    name = factory.Sequence(lambda n: f"Thành viên {n}")
    role = ModelMember.Role.MEMBER


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    model = factory.SubFactory(DaycareModelFactory)
    child_name = factory.Sequence(lambda n: f"Trẻ {n:03d}")
    enrolled_on = dt.date(2024, 1, 1)


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    enrolment = factory.SubFactory(EnrolmentFactory)
    date = dt.date(2024, 3, 4)
    present = True


def make_child(commune_code: str = "23281", name: str = "Nguyễn Văn An", **fields):
    """A registry child (the children app owns the registry; tests need only a row)."""
    from cases.models import Child

    return Child.objects.create(
        full_name=name, birth_year=fields.pop("birth_year", 2015), sex="M", commune=unit_by_code(commune_code), **fields
    )
