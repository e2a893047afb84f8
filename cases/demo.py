"""Demo data for ``manage.py seed_demo``: a few hundred children and cases across the province.

Every workflow step occurs, closed cases cover every outcome, some cases are emergencies and
some are overdue. Records carry stable references (``DEMO-…``), so seeding twice adds nothing.
Writes go through the services, as an officer of the province would make them.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from accounts.roles import Role
from accounts.scope import with_archived
from locations.models import Unit

from .models import Case, Category, Child, CommuneStats, RiskFactor
from .services import case_save, case_transition, child_save, commune_stats_upsert, survey_record_upsert
from .workflow import TRANSITIONS

CHILDREN = 300
CASE_SHARE = 0.7
PREFIX = "DEMO-"

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "A", "Y", "Rơ Châm"]
MIDDLE = ["Văn", "Thị", "Đức", "Ngọc", "Minh", ""]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Đào", "Hà", "Hùng", "Lan", "Mai", "Nam", "Phúc", "Sang", "Thảo", "Vy", "Blin"]
VILLAGES = ["Thôn 1", "Thôn 2", "Làng Kon Klor", "Tổ 3", "Plei Đôn"]
ETHNICITIES = ["01", "01", "13", "14", "27", "21"]
# The statuses a demo case ends in, with the path that leads there.
PATH = [
    Case.Status.VERIFIED,
    Case.Status.INITIAL_ASSESSMENT,
    Case.Status.DETAILED_ASSESSMENT,
    Case.Status.PLAN_APPROVED,
    Case.Status.IN_PROGRESS,
    Case.Status.REVIEW,
]


def seed(*, province: Unit, users: dict[str, Any], rng: random.Random, stdout) -> None:
    officer = users[Role.PROVINCE_OFFICER]
    collaborator = users.get(Role.COLLABORATOR)
    communes = list(
        Unit.objects.filter(edition=Unit.Edition.LEGACY, level=Unit.Level.COMMUNE, province=province).order_by("code")
    )
    if not communes:
        stdout.write("cases: the province has no communes, nothing to seed.")
        return
    existing = set(Child.objects.filter(child_ref__startswith=PREFIX).values_list("child_ref", flat=True))
    categories = list(Category.objects.all())
    risks = list(RiskFactor.objects.all())
    today = timezone.localdate()
    outcomes = list(Case.Outcome.values)
    created_children = created_cases = 0
    for n in range(1, CHILDREN + 1):
        # Draw every value even for existing records, so the sequence (and the data) stays the same.
        commune = rng.choice(communes)
        name = " ".join(p for p in [rng.choice(FAMILY), rng.choice(MIDDLE), rng.choice(GIVEN)] if p)
        opened = today - dt.timedelta(days=rng.randint(20, 1000))
        born = opened - dt.timedelta(days=rng.randint(365, 15 * 365))
        sex = rng.choice("MF")
        with_case = rng.random() < CASE_SHARE
        steps = rng.randint(0, len(PATH) + 1)
        emergency = rng.random() < 0.1
        picked_categories = rng.sample(categories, rng.randint(0, 2)) if categories else []
        picked_risks = rng.sample(risks, rng.randint(0, 2)) if risks else []
        ref = f"{PREFIX}{n:04d}"
        if ref in existing:
            continue
        reporter = collaborator if collaborator and collaborator.unit_id == commune.pk else None
        child = Child(
            full_name=name,
            date_of_birth=born,
            birth_year=born.year,
            sex=sex,
            ethnicity=rng.choice(ETHNICITIES),
            child_ref=ref,
            commune=commune,
            village=rng.choice(VILLAGES),
            in_school=rng.random() < 0.8,
            reported_by=reporter,
        )
        child_save(child=child, user=officer, on=opened)
        created_children += 1
        survey_record_upsert(
            user=officer,
            child=child,
            survey_year=opened.year,
            commune=commune,
            village=child.village,
            in_school=child.in_school,
            categories=picked_categories,
            risks=picked_risks,
        )
        if not with_case:
            continue
        case = Case(
            case_ref=f"{PREFIX}{commune.code}-{n:04d}",
            child=child,
            commune=commune,
            opened_on=opened,
            emergency=emergency,
            reported_by=reporter,
            reported_at=timezone.make_aware(dt.datetime.combine(opened, dt.time(8))),
        )
        case_save(case=case, user=officer)
        case.circumstances.set(picked_categories)
        created_cases += 1
        _walk(case, officer=officer, steps=steps, today=today, outcome=outcomes[n % len(outcomes)])
        if case.status == Case.Status.CLOSED and n % 5 == 0:
            # A few closed cases are reopened: the earlier steps stay in the history.
            case_transition(case=case, user=officer, to_status=Case.Status.INITIAL_ASSESSMENT, on=today)
    _commune_stats(communes, officer=officer, rng=rng, year=today.year - 1)
    stdout.write(f"cases: {created_children} children and {created_cases} cases added.")


def _walk(case: Case, *, officer: Any, steps: int, today: dt.date, outcome: str) -> None:
    """Move ``case`` ``steps`` steps along the main path; one more than the path closes it."""
    on = case.opened_on
    for index in range(min(steps, len(PATH) + 1)):
        to_status = PATH[index] if index < len(PATH) else Case.Status.CLOSED
        if to_status not in TRANSITIONS[case.status]:
            break
        on = min(on + dt.timedelta(days=1 + index % 4), today)
        extra: dict[str, Any] = {}
        if to_status == Case.Status.PLAN_APPROVED:
            extra = {"decision_no": f"{case.pk}/QĐ-UBND", "decision_on": on, "approved_by": "Chủ tịch UBND xã"}
        if to_status == Case.Status.CLOSED:
            extra = {"outcome": outcome}
        case_transition(case=case, user=officer, to_status=to_status, on=on, note="", **extra)
        case.refresh_from_db()


def _commune_stats(communes: list[Unit], *, officer: Any, rng: random.Random, year: int) -> None:
    recorded = set(CommuneStats.objects.filter(survey_year=year).values_list("commune_id", flat=True))
    for commune in communes:
        total = rng.randint(300, 2500)
        male = total // 2 + rng.randint(-40, 40)
        special, at_risk = rng.randint(5, 40), rng.randint(10, 80)
        if commune.pk in recorded:
            continue  # figures already recorded for the year are kept
        commune_stats_upsert(
            user=officer,
            survey_year=year,
            commune=commune,
            children_total=total,
            children_male=male,
            children_female=total - male,
            children_under_6=total // 3,
            special_total=special,
            at_risk_total=at_risk,
        )


def reset(*, province: Unit, users: dict[str, Any], stdout) -> None:
    with_archived(Case).filter(case_ref__startswith=PREFIX).delete()
    with_archived(Child).filter(child_ref__startswith=PREFIX).delete()
    stdout.write("cases: demo children and cases deleted.")
