"""The annual summary at scale: its query count does not follow the data, and its faster conditions
select exactly what the case definitions of ``cases`` select."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Case, CaseTransition, Category, Child, RiskFactor, closed_during_q
from locations.models import Unit
from programs.models import ProtectionModel
from reports.area import ReportArea
from reports.selectors import closed_in_year, open_cases
from reports.summary import annual_summary

from .factories import (
    AttendanceFactory,
    CaseFactory,
    ChildFactory,
    EnrolmentFactory,
    OutreachEventFactory,
    ProtectionModelFactory,
    SurveyRecordFactory,
)

pytestmark = pytest.mark.django_db

D = dt.date
CLOSED = Case.Status.CLOSED
GOAL = Case.Outcome.GOAL_ACHIEVED
YEARS = range(2019, 2028)


def _queries(user, unit, year) -> tuple[int, dict]:
    # A fresh area: an area reads its unit ids once and keeps them.
    with CaptureQueriesContext(connection) as captured:
        summary = annual_summary(user=user, area=ReportArea(unit=unit, year=year))
    return len(captured), summary.figures


def _communes(province: Unit, count: int) -> list[Unit]:
    return list(Unit.objects.filter(province=province, level=Unit.Level.COMMUNE).order_by("code")[:count])


def _add_data(units, *, communes: int, times: int) -> None:
    """``times`` children in each of ``communes`` communes of Kon Tum, of Gia Lai and of Quảng Ngãi
    (the current province), with records of every family over years and structures."""
    category = Category.objects.get(code="SC04")
    risk = RiskFactor.objects.get(code="R01")
    legacy = _communes(units.kontum, communes) + _communes(units.gialai, communes)
    current = _communes(units.quangngai, communes * 2)
    daycare = ProtectionModelFactory(
        unit=units.kontum, kind=ProtectionModel.Kind.DAYCARE_DISABILITY, established_on=D(2020, 1, 1)
    )
    for i, (commune, successor) in enumerate(zip(legacy * times, current * times, strict=True)):
        child = ChildFactory(commune=commune)
        for year in (2022, 2023, 2024, 2025, 2026):
            record = SurveyRecordFactory(child=child, commune=commune if year < 2025 else successor, survey_year=year)
            if i % 3:
                record.categories.add(category)
            if i % 2:
                record.risks.add(risk)
        opened = D(2021 + i % 5, 1 + i % 12, 1)
        closed = opened + dt.timedelta(days=300) if i % 2 else None
        status, outcome = (CLOSED, GOAL) if closed else (Case.Status.IN_PROGRESS, "")
        case = CaseFactory(child=child, commune=commune, opened_on=opened, closed_on=closed, status=status,
                           outcome=outcome)  # fmt: skip
        if closed:
            CaseTransition.objects.create(case=case, to_status=CLOSED, on=closed, outcome=GOAL)
        if i % 4 == 1:
            CaseTransition.objects.create(case=case, from_status=CLOSED, to_status="initial_assessment",
                                          on=D(2026, 2, 1), previous_closed_on=closed)  # fmt: skip
        kind = [ProtectionModel.Kind.CHILD_CLUB, ProtectionModel.Kind.COUNSELLING_POINT][i % 2]
        ProtectionModelFactory(unit=commune, kind=kind, established_on=D(2019 + i % 7, 1, 1))
        OutreachEventFactory(unit=commune, date=D(2024, 1 + i % 12, 10))
        OutreachEventFactory(unit=successor, date=D(2026, 1 + i % 12, 10))
        enrolment = EnrolmentFactory(model=daycare)
        for day in range(1, 4):
            AttendanceFactory(enrolment=enrolment, date=D(2024, 1 + i % 12, day), present=bool(day % 2))
    # An archived child: its survey records leave every figure.
    Child.objects.filter(pk=child.pk).update(archived_at=timezone.now())


def test_summary_queries_do_not_grow_with_the_data(cast, units):
    """A small and a larger data set: the same number of queries for a province (legacy and
    current), a district and the whole country, and the larger figures prove the data was read."""
    areas = [
        (cast.manager, units.kontum, 2024),
        (cast.current_province, units.quangngai, 2026),
        (cast.district, units.kontum_city, 2024),
        (cast.superuser, None, 2024),
        (cast.superuser, None, 2026),
    ]
    _add_data(units, communes=2, times=1)
    for user, unit, year in areas:  # warm the users' permission caches
        annual_summary(user=user, area=ReportArea(unit=unit, year=year))
    small = [_queries(user, unit, year) for user, unit, year in areas]
    # More records, and in more units: a query per unit with records would show.
    _add_data(units, communes=12, times=3)
    large = [_queries(user, unit, year) for user, unit, year in areas]
    assert [count for count, _figures in large] == [count for count, _figures in small]
    for (_c, before), (_c2, after) in zip(small, large, strict=True):
        assert after["children_surveyed"] > before["children_surveyed"]
        assert after["outreach_events"] > before["outreach_events"]


def _world_of_case_steps(units) -> None:
    """Cases closed, reopened and closed again across the years, and steps of a purged case."""
    commune = units.quang_trung
    for opened, closed in itertools.product([D(2019, 6, 1), D(2021, 1, 1), D(2023, 12, 31)], [None, 0, 200, 900]):
        end = opened + dt.timedelta(days=closed) if closed is not None else None
        for outcome in (GOAL, Case.Outcome.NOT_ACHIEVED):
            case = CaseFactory(commune=commune, opened_on=opened, closed_on=end, outcome=outcome if end else "",
                               status=CLOSED if end else Case.Status.IN_PROGRESS)  # fmt: skip
            if end:
                CaseTransition.objects.create(case=case, to_status=CLOSED, on=end, outcome=outcome)
    # Closed in 2020 with success, reopened in 2024 (and so open again, without a closure date).
    for reopened_on in (D(2020, 12, 31), D(2022, 2, 1), D(2024, 1, 1)):
        case = CaseFactory(commune=commune, opened_on=D(2020, 1, 1))
        CaseTransition.objects.create(case=case, to_status=CLOSED, on=D(2020, 3, 1), outcome=GOAL)
        CaseTransition.objects.create(case=case, from_status=CLOSED, to_status="initial_assessment",
                                      on=reopened_on, previous_closed_on=D(2020, 3, 1))  # fmt: skip
    # Steps of a purged case keep no case: a null in a NOT IN list would hide every case.
    CaseTransition.objects.create(case=None, from_status=CLOSED, to_status="initial_assessment",
                                  on=D(2027, 1, 1), previous_closed_on=D(2018, 1, 1))  # fmt: skip
    CaseTransition.objects.create(case=None, to_status=CLOSED, on=D(2022, 1, 1), outcome=GOAL)


def test_open_cases_are_the_cases_open_during_the_year(cast, units):
    _world_of_case_steps(units)
    for year in YEARS:
        expected = set(Case.objects.open_during(year).values_list("pk", flat=True))
        assert set(open_cases(Case.objects.all(), year).values_list("pk", flat=True)) == expected, year
    # The reopened cases were closed all through 2021 (two of them) and 2023 (one): not open then.
    not_closed_before = Case.objects.filter(opened_on__lte=D(2021, 12, 31)).exclude(closed_on__lt=D(2021, 1, 1))
    assert open_cases(Case.objects.all(), 2021).count() == not_closed_before.count() - 2
    assert open_cases(Case.objects.all(), 2024).count() > 0


def test_closed_in_year_is_closed_during(cast, units):
    _world_of_case_steps(units)
    for year, outcome in itertools.product(YEARS, [GOAL, Case.Outcome.NOT_ACHIEVED]):
        expected = set(Case.objects.filter(closed_during_q(year, outcome=outcome)).values_list("pk", flat=True))
        assert set(Case.objects.filter(closed_in_year(year, outcome=outcome)).values_list("pk", flat=True)) == expected
    # The reopened cases' success of 2020 still counts for 2020, from the step.
    assert Case.objects.filter(closed_in_year(2020, outcome=GOAL)).count() == 3


def test_a_district_with_systems_in_two_communes_counts_once(world, cast, units):
    summary = annual_summary(user=cast.district, area=ReportArea(unit=units.kontum_city, year=2024))
    # Quang Trung and Quyết Thắng hold an active system on Dec 31: two commune rows, one district.
    with_system = [row for row in summary.breakdown if row.figures["communes_with_cbcp"]]
    assert len(with_system) == 2
    assert summary.figures["communes_with_cbcp"] == 2
    assert summary.figures["districts_with_cbcp"] == 1


def test_whole_country_breakdown_adds_up_to_its_totals(world, cast, units):
    summary = annual_summary(user=cast.superuser, area=ReportArea(unit=None, year=2024))
    assert summary.breakdown_level == Unit.Level.PROVINCE
    for name in ("cbcp_models_total", "communes_with_cbcp", "outreach_events", "children_surveyed"):
        assert sum(row.figures[name] for row in summary.breakdown) == summary.figures[name]
    # Kon Tum's two districts with a system and Gia Lai's (a system established in 2024).
    assert summary.figures["districts_with_cbcp"] == 3
