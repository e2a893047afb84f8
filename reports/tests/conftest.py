"""A hand-counted world for the reports: Kon Tum (legacy 62) in 2024, with boundary dates.

Expected figures for Kon Tum, 2024 (counted by hand, see each record's comment):

* models: cbcp new 2 (Jan 1 and Dec 31) in 1 commune; cbcp active on Dec 31: 3, in 3 communes of
  2 districts; community models 2;
* cases: children managed 6 (A, B, D, E, G, H), closed with success 2 (D, H);
* outreach: 3 events (Jan 1, May 15, Dec 31), 180 participants;
* day-care: days recorded 3, present 2 + 1 + 0: average 1.0 (May 1.5, June 0.0);
* survey: 4 surveyed, 2 special, 1 at risk.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from cases.models import Case, Category, RiskFactor
from locations.models import Unit
from programs.models import ProtectionModel

from .factories import (
    AttendanceFactory,
    CaseFactory,
    ChildFactory,
    CommuneStatsFactory,
    EnrolmentFactory,
    OutreachEventFactory,
    ProtectionModelFactory,
    SurveyRecordFactory,
)

D = dt.date
Kind = ProtectionModel.Kind
GOAL = Case.Outcome.GOAL_ACHIEVED
CLOSED = Case.Status.CLOSED


@pytest.fixture
def world(units):
    qt, dt_, dg, other = units.quang_trung, units.duy_tan, units.dakglei_town, units.pleiku_commune
    # Protection models.
    ProtectionModelFactory(unit=qt, established_on=D(2024, 1, 1), ended_on=D(2024, 6, 30))  # new, ended
    ProtectionModelFactory(
        unit=Unit.objects.get(edition="legacy", level="commune", code="23287"), established_on=D(2021, 1, 1)
    )  # active (Quyết Thắng, city)
    ProtectionModelFactory(unit=dg, established_on=D(2020, 6, 1), ended_on=D(2024, 12, 31))  # active on Dec 31
    ProtectionModelFactory(unit=dt_, established_on=D(2019, 1, 1), ended_on=D(2024, 12, 30))  # ended before
    ProtectionModelFactory(unit=dt_, established_on=D(2025, 1, 1))  # not yet
    ProtectionModelFactory(unit=qt, established_on=D(2024, 12, 31))  # new, active, same commune as the first
    ProtectionModelFactory(unit=qt, kind=Kind.CHILD_CLUB, established_on=D(2023, 1, 1))  # community
    ProtectionModelFactory(unit=units.kontum_city, kind=Kind.COUNSELLING_POINT, established_on=D(2022, 1, 1))
    ProtectionModelFactory(
        unit=qt, kind=Kind.YOUNG_COLLABORATORS, established_on=D(2022, 1, 1), ended_on=D(2024, 6, 30)
    )
    daycare = ProtectionModelFactory(unit=units.kontum, kind=Kind.DAYCARE_DISABILITY, established_on=D(2020, 1, 1))
    ProtectionModelFactory(unit=other, established_on=D(2024, 5, 1))  # other province

    # Cases: child -> commune.
    a = ChildFactory(commune=qt, full_name="Trẻ A")
    b = ChildFactory(commune=qt, full_name="Trẻ B")
    c = ChildFactory(commune=dt_, full_name="Trẻ C")
    d = ChildFactory(commune=dt_, full_name="Trẻ D")
    e = ChildFactory(commune=dg, full_name="Trẻ E")
    f = ChildFactory(commune=dg, full_name="Trẻ F")
    g = ChildFactory(commune=qt, full_name="Trẻ G")
    h = ChildFactory(commune=dg, full_name="Trẻ H")
    x = ChildFactory(commune=other, full_name="Trẻ X")
    CaseFactory(child=a, commune=qt, opened_on=D(2023, 5, 1))  # open
    CaseFactory(child=b, commune=qt, opened_on=D(2024, 12, 31))  # opened on Dec 31
    CaseFactory(child=c, commune=dt_, opened_on=D(2022, 1, 1), closed_on=D(2023, 12, 31), status=CLOSED, outcome=GOAL)
    CaseFactory(child=d, commune=dt_, opened_on=D(2023, 6, 1), closed_on=D(2024, 1, 1), status=CLOSED, outcome=GOAL)
    CaseFactory(child=d, commune=dt_, opened_on=D(2024, 2, 1))  # second case, same child
    CaseFactory(
        child=e, commune=dg, opened_on=D(2024, 3, 1), closed_on=D(2024, 11, 1), status=CLOSED, outcome="not_achieved"
    )
    CaseFactory(child=f, commune=dg, opened_on=D(2025, 1, 1))  # next year
    CaseFactory(child=g, commune=qt, opened_on=D(2022, 1, 1))  # closed in 2023, reopened: open again
    CaseFactory(child=h, commune=dg, opened_on=D(2024, 1, 1), closed_on=D(2024, 12, 31), status=CLOSED, outcome=GOAL)
    CaseFactory(child=x, commune=other, opened_on=D(2024, 1, 1))  # other province

    # Outreach.
    OutreachEventFactory(unit=qt, date=D(2024, 1, 1), participants_total=100, venue="school")
    OutreachEventFactory(unit=dg, date=D(2024, 12, 31), participants_total=50)
    OutreachEventFactory(unit=qt, date=D(2023, 12, 31), participants_total=70)
    OutreachEventFactory(unit=qt, date=D(2025, 1, 1), participants_total=70)
    OutreachEventFactory(unit=units.kontum_city, date=D(2024, 5, 15), participants_total=30)
    OutreachEventFactory(unit=other, date=D(2024, 5, 15), participants_total=999)

    # Day-care attendance at the provincial centre.
    k1, k2, k3 = (EnrolmentFactory(model=daycare) for _ in range(3))
    for enrolment, day, present in [
        (k1, D(2024, 5, 2), True),
        (k2, D(2024, 5, 2), True),
        (k3, D(2024, 5, 2), False),
        (k1, D(2024, 5, 3), True),
        (k2, D(2024, 5, 3), False),
        (k1, D(2024, 6, 1), False),
        (k1, D(2023, 12, 31), True),
    ]:
        AttendanceFactory(enrolment=enrolment, date=day, present=present)

    # Survey 2024.
    sc, _created = Category.objects.get_or_create(code="SC04", defaults={"point": "d", "name": "Trẻ em khuyết tật"})
    risk, _created = RiskFactor.objects.get_or_create(code="R01", defaults={"name": "Hộ nghèo"})
    SurveyRecordFactory(commune=qt).categories.add(sc)
    SurveyRecordFactory(commune=qt).risks.add(risk)
    both = SurveyRecordFactory(commune=dt_)
    both.categories.add(sc)
    both.risks.add(risk)
    SurveyRecordFactory(commune=dg)
    SurveyRecordFactory(commune=qt, survey_year=2023)
    CommuneStatsFactory(commune=qt, children_total=1200, special_total=3, at_risk_total=5)
    return SimpleNamespace(units=units, daycare=daycare)
