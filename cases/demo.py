"""Demo data for ``manage.py seed_demo``: a few hundred children and cases across the province.

Every workflow step occurs, closed cases cover every outcome, some cases are emergencies and
some are overdue. Dates are relative to today, so the demo always holds this year's work: records
opened before the 2025 reform lie in the legacy communes, later ones in the current commune each
legacy commune became, written by the current province's officer. One emergency case reported two
hours before seeding has its 12-hour deadline running. Records carry stable references (``DEMO-…``),
so seeding twice adds nothing. Writes go through the services, as an officer would make them.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from accounts.roles import Role
from locations.models import REFORM_DATE, Unit
from locations.succession import unit_on
from scope.core import with_archived

from .consent import Consent
from .consent_services import consent_record
from .incident_services import incident_save
from .models import AbuseForm, AbuseSetting, Case, Category, Child, CommuneStats, Incident, RiskFactor
from .services import case_save, case_transition, child_save, commune_stats_upsert, survey_record_upsert
from .workflow import TRANSITIONS

if TYPE_CHECKING:
    from accounts.models import User

CHILDREN = 300
CASE_SHARE = 0.7
PREFIX = "DEMO-"
# The emergency case whose deadline is running when the demo is seeded.
RUNNING_REF = f"{PREFIX}NOW-0001"
OVERDUE_REF = f"{PREFIX}NOW-0002"
CHANNELS = [c for c, _label in Case.Channel.choices]

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


def seed(
    *,
    province: Unit,
    users: dict[str, User],
    rng: random.Random,
    stdout,
    current_users: dict[str, User] | None = None,
) -> None:
    officer = users[Role.PROVINCE_OFFICER]
    collaborator = users.get(Role.COLLABORATOR)
    current_officer = (current_users or {}).get(Role.PROVINCE_OFFICER)
    successors: dict[tuple[int, bool], Unit] = {}

    def placed(commune: Unit, on: dt.date) -> tuple[Unit, Any]:
        """The commune and officer of a record made on ``on``: after the reform, the current commune."""
        if current_officer is None:
            return commune, officer
        key = (commune.pk, on >= REFORM_DATE)
        if key not in successors:
            successors[key] = unit_on(commune, on)
        unit = successors[key]
        return unit, (current_officer if unit.edition == Unit.Edition.CURRENT else officer)

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
        drawn_commune = rng.choice(communes)
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
        commune, writer = placed(drawn_commune, opened)
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
        child_save(child=child, user=writer, on=opened)
        created_children += 1
        survey_record_upsert(
            user=writer,
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
            channel=CHANNELS[n % len(CHANNELS)],
        )
        # Saved by an officer, the case is assigned to them (the reporter when a collaborator reported it is not).
        case_save(case=case, user=writer)
        case.circumstances.set(picked_categories)
        created_cases += 1
        _walk(case, officer=writer, steps=steps, today=today, outcome=outcomes[n % len(outcomes)])
        _incidents(case, officer=writer, n=n)
        _consents(child, officer=writer, n=n, on=opened)
        if case.status == Case.Status.CLOSED and n % 5 == 0:
            # A few closed cases are reopened: the earlier steps stay in the history.
            case_transition(case=case, user=writer, to_status=Case.Status.INITIAL_ASSESSMENT, on=today)
    _commune_stats(communes, officer=officer, rng=rng, year=today.year - 1)
    running_commune, running_officer = placed(communes[0], today)
    created_cases += _running_emergency(commune=running_commune, officer=running_officer)
    created_cases += _overdue_emergency(commune=running_commune, officer=running_officer)
    receiving = (current_users or {}).get(Role.COMMUNE_OFFICER)
    _transfers_and_referrals(
        receiving=receiving.unit if receiving else None, today=today, officers=[officer, current_officer]
    )
    stdout.write(f"cases: {created_children} children and {created_cases} cases added.")


def _running_emergency(*, commune: Unit, officer: User) -> int:
    """An emergency reported two hours ago, its 12-hour intervention deadline still ahead (1 if new)."""
    if Case.objects.filter(case_ref=RUNNING_REF).exists():
        return 0
    reported = timezone.now() - dt.timedelta(hours=2)
    today = timezone.localdate(reported)
    child = Child(
        full_name="Hồ Thị Mai",
        date_of_birth=today.replace(year=today.year - 9, day=1),
        birth_year=today.year - 9,
        sex="F",
        ethnicity="01",
        child_ref=RUNNING_REF,
        commune=commune,
        village="Tổ 1",
        in_school=True,
    )
    child_save(child=child, user=officer, on=today)
    case = Case(
        case_ref=RUNNING_REF,
        child=child,
        commune=commune,
        opened_on=today,
        emergency=True,
        reported_at=reported,
        channel=Case.Channel.HOTLINE_111,
        notes="Hàng xóm gọi Tổng đài 111: trẻ bị đánh, cần can thiệp trong 12 giờ.",
    )
    case_save(case=case, user=officer)
    return 1


def _overdue_emergency(*, commune: Unit, officer: User) -> int:
    """An emergency reported 14 hours ago and not yet acted on: red on the home page (1 if new)."""
    if Case.objects.filter(case_ref=OVERDUE_REF).exists():
        return 0
    reported = timezone.now() - dt.timedelta(hours=14)
    today = timezone.localdate(reported)
    child = Child(
        full_name="A Lâm",
        date_of_birth=today.replace(year=today.year - 11, day=1),
        birth_year=today.year - 11,
        sex="M",
        ethnicity="01",
        child_ref=OVERDUE_REF,
        commune=commune,
        village="Tổ 2",
        in_school=True,
    )
    child_save(child=child, user=officer, on=today)
    case = Case(
        case_ref=OVERDUE_REF,
        child=child,
        commune=commune,
        opened_on=today,
        emergency=True,
        reported_at=reported,
        channel=Case.Channel.HOTLINE_111,
        notes="Nhà trường báo qua Tổng đài 111: trẻ bỏ nhà đi, chưa liên lạc được gia đình.",
    )
    case_save(case=case, user=officer)
    return 1


def guide(*, users: dict[str, User], current_users: dict[str, User], url: str) -> list[str]:
    """The emergency case whose deadline is running, and the list of overdue cases."""
    case = Case.objects.filter(case_ref=RUNNING_REF).first()
    if case is None:
        return []
    due = timezone.localtime(case.intervention_due_at).strftime("%H:%M %d/%m/%Y") if case.intervention_due_at else ""
    return [
        f"an emergency case whose 12-hour deadline runs until {due} ({case.commune}; "
        f"demo_current_commune_officer sees it): {url}admin/cases/case/{case.pk}/change/",
        f"all cases, by status and deadline: {url}admin/cases/case/",
    ]


def _incidents(case: Case, *, officer: User, n: int) -> None:
    """About a third of the cases had an incident of abuse shortly before the report.

    Drawn from a generator of their own, so that adding incidents left the rest of the demo as it was.
    """
    rng = random.Random(f"incident-{n}")
    if rng.random() >= 0.35:
        return
    forms = list(AbuseForm.objects.filter(is_active=True))
    settings = list(AbuseSetting.objects.filter(is_active=True))
    if not forms or not settings:
        return
    born = case.child.date_of_birth or dt.date(case.child.birth_year, 1, 1)
    on = max(case.opened_on - dt.timedelta(days=rng.randint(0, 20)), born)
    incident = Incident(
        case=case,
        date=on,
        setting=rng.choice(settings),
        perpetrator_relation=rng.choice(["Bố", "Mẹ kế", "Hàng xóm", "Người lạ", "Bạn học", ""]),
        reported_to_police=rng.random() < 0.4,
        handling=rng.choice(Incident.Handling.values),
    )
    incident_save(incident=incident, user=officer, forms=rng.sample(forms, rng.randint(1, 2)))


def _consents(child: Child, *, officer: User, n: int, on: dt.date) -> None:
    """Consents of a child with a case: a third with a data sharing consent, a third with none.

    Chosen by ``n``, not drawn, so the random sequence (and the rest of the data) stays the same.
    """
    rep = Consent.Party.REPRESENTATIVE
    if n % 3 == 0:
        consent_record(child=child, party=rep, purpose=Consent.Purpose.DATA_SHARING, given_on=on, by=officer)
    if n % 3 != 2:
        consent_record(child=child, party=rep, purpose=Consent.Purpose.CASE_MANAGEMENT, given_on=on, by=officer)


def _walk(case: Case, *, officer: User, steps: int, today: dt.date, outcome: str) -> None:
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


def _commune_stats(communes: list[Unit], *, officer: User, rng: random.Random, year: int) -> None:
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


def reset(*, province: Unit, users: dict[str, User], stdout) -> None:
    with_archived(Case).filter(case_ref__startswith=PREFIX).delete()
    with_archived(Child).filter(child_ref__startswith=PREFIX).delete()
    stdout.write("cases: demo children and cases deleted.")


def _transfers_and_referrals(*, receiving: Unit | None, today: dt.date, officers: list[User | None]) -> None:
    """A pending transfer to the demo current commune, and referrals (one open and due in two days)."""
    from scope.core import units_reached

    from .consent import Consent
    from .referral_services import referral_send, referral_set_status
    from .referrals import Referral
    from .transfer_services import transfer_request
    from .transfers import Transfer

    open_cases = list(
        Case.objects.filter(case_ref__startswith=PREFIX)
        .exclude(status=Case.Status.CLOSED)
        .exclude(case_ref=RUNNING_REF)
        .select_related("child", "commune", "current_unit")
        .order_by("pk")
    )

    def writer_of(case: Case) -> User | None:
        """The province officer (legacy or current structure) whose scope the case was seeded in."""
        return next((u for u in officers if u and units_reached(u).filter(pk=case.commune_id).exists()), None)

    if receiving is not None and not Transfer.objects.filter(case__case_ref__startswith=PREFIX).exists():
        case = next((c for c in open_cases if receiving.pk not in {c.commune_id, c.current_unit_id}), None)
        writer = writer_of(case) if case else None
        if case is not None and writer is not None:
            consent = Consent(
                child=case.child,
                party=Consent.Party.REPRESENTATIVE,
                purpose=Consent.Purpose.DATA_SHARING,
                given_on=case.opened_on,
                notes="Mẹ của trẻ đồng ý chia sẻ hồ sơ khi gia đình chuyển nơi ở.",
                recorded_by=writer,
            )
            consent.full_clean()
            consent.save()
            transfer_request(case=case, to_unit=receiving, reason="Gia đình chuyển đến nơi ở mới.", by=writer)
    if Referral.objects.filter(case__case_ref__startswith=PREFIX).exists():
        return
    services = ["health", "psychosocial", "legal_aid", "education"]
    for n, case in enumerate(open_cases[1:5]):
        writer = writer_of(case)
        if writer is None:
            continue
        referral = referral_send(
            case=case,
            service=services[n],
            provider=["Trạm y tế xã", "Trung tâm Công tác xã hội tỉnh", "Trợ giúp pháp lý tỉnh", "Trường tiểu học"][n],
            reason="Trẻ cần được hỗ trợ theo kế hoạch.",
            due_on=today + dt.timedelta(days=2 + 5 * n),
            shares_file=False,
            by=writer,
        )
        if n % 2:
            referral_set_status(referral=referral, status=Referral.Status.ACCEPTED, by=writer, note="Đã nhận.")
