"""Demo protection models for ``manage.py seed_demo``: every kind across the province, a day-care register.

The community models lie in the legacy communes (founded before the 2025 reform). The day-care
model of the provincial centre belongs to the current province when ``seed_demo`` passes its
current users, with its register kept from 1 January of this year (or the reform) up to today, so
this year's report has its attendance; without them, to the legacy province with the year 2024.

Idempotent: models are looked up by their ``DEMO-`` code, enrolments by model and name, and a
day's register is saved through the same service as the admin page (saving it again changes
nothing).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from accounts.roles import Role
from locations.models import REFORM_DATE, Unit
from scope.core import with_archived

from . import services
from .models import Attendance, Enrolment, ModelMember, ProtectionModel

ATTENDANCE_YEAR = 2024
DAYCARE_CODE = "DEMO-BT-{province}"
CHILDREN_ENROLLED = 20
SERVICES = [
    "Phục hồi chức năng",
    "Giáo dục đặc biệt",
    "Ăn trưa",
    "Vật lý trị liệu",
    "Tư vấn tâm lý",
    "Trị liệu ngôn ngữ",
]
FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "A", "Y", "Đinh", "Rơ Chăm"]
GIVEN_NAMES = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khánh", "Lan", "Minh", "Nga", "Phúc", "Quý", "Thảo", "Vy"]
MIDDLE_NAMES = ["Văn", "Thị", "Minh", "Ngọc", "Thanh"]

KINDS = ProtectionModel.Kind
# (kind, how many, name pattern, host)
COMMUNITY_MODELS = [
    (KINDS.CHILD_CLUB, 8, "Câu lạc bộ quyền trẻ em {commune}", "Đoàn Thanh niên xã"),
    (KINDS.YOUNG_COLLABORATORS, 5, "Nhóm cộng tác viên trẻ {commune}", "Đoàn Thanh niên xã"),
    (KINDS.COUNSELLING_POINT, 6, "Điểm tham vấn cộng đồng {commune}", "Hội Liên hiệp Phụ nữ xã"),
    (KINDS.OTHER, 1, "Mô hình phòng chống đuối nước {commune}", "Ủy ban nhân dân xã"),
]


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY_NAMES)} {rng.choice(MIDDLE_NAMES)} {rng.choice(GIVEN_NAMES)}"


def _ensure_model(*, user: Any, code: str, **fields: Any) -> tuple[ProtectionModel, bool]:
    existing = ProtectionModel.objects.filter(code=code).first()
    if existing is not None:
        return existing, False
    return services.protection_model_create(user=user, code=code, **fields), True


def _ensure_members(*, user: Any, model: ProtectionModel, roles: list[str]) -> None:
    if model.members.exists():
        return
    # Seeded by the model's code, so that skipping existing members leaves other draws unchanged.
    rng = random.Random(model.code)
    for role in roles:
        member = ModelMember(
            model=model,
            name=_person(rng),
            role=role,
            sex=rng.choice(["M", "F"]),
            joined_on=model.established_on,
        )
        services.model_member_save(user=user, member=member)


def seed(
    *,
    province: Unit,
    users: dict[str, Any],
    rng: random.Random,
    stdout: Any,
    current_users: dict[str, Any] | None = None,
) -> None:
    """Create the demo models, members and the day-care register (idempotent)."""
    user = users[Role.PROVINCE_OFFICER]
    current_user = (current_users or {}).get(Role.PROVINCE_OFFICER)
    # One generator per part, drawn in a fixed order: what an earlier run created never shifts the draws.
    child_rng = random.Random(rng.randrange(2**32))
    attendance_rng = random.Random(rng.randrange(2**32))
    legacy_day = dt.date(ATTENDANCE_YEAR, 1, 1)
    communes = list(
        Unit.objects.filter(level=Unit.Level.COMMUNE, province=province).valid_on(legacy_day).order_by("code")
    )
    created = 0
    # A community-based system in about two communes of three, founded over the years.
    for commune in communes:
        if rng.random() > 0.65:
            continue
        established = dt.date(rng.randint(2018, 2024), rng.randint(1, 12), rng.randint(1, 28))
        model, new = _ensure_model(
            user=user,
            code=f"DEMO-CB-{commune.code}",
            name=f"Hệ thống bảo vệ trẻ em dựa vào cộng đồng {commune.name}",
            kind=KINDS.CBCP_SYSTEM,
            unit=commune,
            host=f"Ủy ban nhân dân {commune.name}",
            decision_no=f"{rng.randint(10, 250)}/QĐ-UBND",
            decision_date=established - dt.timedelta(days=rng.randint(0, 20)),
            established_on=established,
        )
        created += new
        _ensure_members(
            user=user,
            model=model,
            roles=[ModelMember.Role.CHAIR, ModelMember.Role.VICE_CHAIR, *[ModelMember.Role.COLLABORATOR] * 3],
        )
    for kind, count, pattern, host in COMMUNITY_MODELS:
        for index, commune in enumerate(rng.sample(communes, min(count, len(communes)))):
            established = dt.date(rng.randint(2019, 2024), rng.randint(1, 12), 1)
            ended = established + dt.timedelta(days=700) if index == 0 and kind == KINDS.CHILD_CLUB else None
            model, new = _ensure_model(
                user=user,
                code=f"DEMO-{kind.upper()[:3]}-{commune.code}",
                name=pattern.format(commune=commune.name),
                kind=kind,
                unit=commune,
                host=host,
                established_on=established,
                ended_on=ended,
            )
            created += new
            child_roles = [ModelMember.Role.CHILD_MEMBER] * 4 if kind == KINDS.CHILD_CLUB else []
            counsellors = [ModelMember.Role.COUNSELLOR] * 2 if kind == KINDS.COUNSELLING_POINT else []
            _ensure_members(user=user, model=model, roles=[ModelMember.Role.CHAIR, *counsellors, *child_roles])
    if current_user is not None:
        # This year's register, in the current province (which took in the legacy one).
        today = timezone.localdate()
        first, last = max(dt.date(today.year, 1, 1), REFORM_DATE), today
        daycare_user, daycare_unit = current_user, current_user.unit
        established, decision = REFORM_DATE, ("12/QĐ-SYT", dt.date(2025, 6, 20))
    else:
        first, last = dt.date(ATTENDANCE_YEAR, 1, 1), dt.date(ATTENDANCE_YEAR, 12, 31)
        daycare_user, daycare_unit = user, province
        established, decision = dt.date(2023, 1, 1), ("45/QĐ-SLĐTBXH", dt.date(2022, 12, 15))
    daycare, new = _ensure_model(
        user=daycare_user,
        code=DAYCARE_CODE.format(province=daycare_unit.code),
        name="Chăm sóc bán trú trẻ em khuyết tật tại Trung tâm Công tác xã hội tỉnh",
        kind=KINDS.DAYCARE_DISABILITY,
        unit=daycare_unit,
        host="Trung tâm Công tác xã hội tỉnh",
        decision_no=decision[0],
        decision_date=decision[1],
        established_on=established,
    )
    created += new
    _ensure_members(
        user=daycare_user,
        model=daycare,
        roles=[ModelMember.Role.CHAIR, ModelMember.Role.CARER, ModelMember.Role.CARER, ModelMember.Role.COUNSELLOR],
    )
    enrolments = _ensure_enrolments(user=daycare_user, model=daycare, rng=child_rng, enrolled_on=first)
    days = _seed_attendance(
        user=daycare_user, model=daycare, enrolments=enrolments, rng=attendance_rng, first=first, last=last
    )
    stdout.write(
        f"  protection models: {created} new, {ProtectionModel.objects.filter(code__startswith='DEMO-').count()} "
        f"in all; day-care: {len(enrolments)} children, {days} days from {first:%d/%m/%Y} to {last:%d/%m/%Y}"
    )


def _ensure_enrolments(
    *, user: Any, model: ProtectionModel, rng: random.Random, enrolled_on: dt.date
) -> list[Enrolment]:
    """Enrol registry children in scope (children with disabilities first), then children by name."""
    from cases.models import Child

    existing = list(Enrolment.objects.filter(model=model).order_by("pk"))
    if len(existing) >= CHILDREN_ENROLLED:
        return existing
    taken = {e.child_id for e in existing if e.child_id}
    registry = Child.objects.visible_to(user).exclude(pk__in=taken).filter(birth_year__gte=2010).order_by("pk")
    disabled = list(registry.filter(categories__code="SC04")[:CHILDREN_ENROLLED])
    others = list(registry.exclude(pk__in=[c.pk for c in disabled])[:CHILDREN_ENROLLED])
    for child in (disabled + others)[: max(0, CHILDREN_ENROLLED - len(existing)) // 2]:
        existing.append(services.enrolment_create(user=user, model=model, child=child, enrolled_on=enrolled_on))
    number = 0
    while len(existing) < CHILDREN_ENROLLED:
        number += 1
        ref = f"BT-{number:03d}"
        if Enrolment.objects.filter(model=model, child_ref=ref).exists():
            continue
        existing.append(
            services.enrolment_create(
                user=user, model=model, child_name=_person(rng), child_ref=ref, enrolled_on=enrolled_on
            )
        )
    return existing


def _seed_attendance(
    *,
    user: Any,
    model: ProtectionModel,
    enrolments: list[Enrolment],
    rng: random.Random,
    first: dt.date,
    last: dt.date,
) -> int:
    """A register for every weekday from ``first`` to ``last``; a day already saved is saved again unchanged."""
    day = first
    days = 0
    while day <= last:
        if day.weekday() < 5:
            entries = []
            for enrolment in enrolments:
                present = rng.random() < 0.86
                given = "; ".join(sorted(rng.sample(SERVICES, 2))) if present else ""
                entries.append(services.RegisterEntry(enrolment.pk, present=present, services=given))
            services.attendance_register_save(user=user, model=model, date=day, entries=entries)
            days += 1
        day += dt.timedelta(days=1)
    return days


def demo_models() -> QuerySet[ProtectionModel]:
    """The models this demo created (archived ones too), by their ``DEMO-`` code."""
    return with_archived(ProtectionModel).filter(code__startswith="DEMO-")


def reset(*, province: Unit, users: dict[str, Any], stdout: Any) -> None:
    """Delete the demo models (members, enrolments, attendance and history go with them).

    The outreach demo's reset, which runs first, has unlinked the events that named them.
    """
    demo = demo_models()
    # Attendance and enrolments are protected from a model's deletion: demo data goes explicitly.
    enrolments = with_archived(Enrolment).filter(model__in=demo)
    deleted, _by_model = Attendance.objects.filter(enrolment__in=enrolments).delete()
    deleted += enrolments.delete()[0]
    deleted += demo.delete()[0]
    stdout.write(f"  deleted {deleted} demo rows of protection models")
