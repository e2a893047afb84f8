"""Demo outreach events for ``manage.py seed_demo``: two years of talks, trainings and campaigns up to today.

Events before the 2025 reform lie in the legacy communes, later ones in the current commune each
became (written by the current province's officer), so this year's reports have their events.
Idempotent: every demo event has a stable ``event_ref`` (``DEMO-EV-0001`` …) and is created
only when missing.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from accounts.roles import Role
from locations.models import REFORM_DATE, Unit
from locations.succession import unit_on
from programs import demo as programs_demo
from programs.models import ProtectionModel

from . import services
from .models import OutreachEvent

# Events fall in the DAYS days up to the day of seeding.
DAYS = 730
EVENTS = 180
TOPICS = [
    "Phòng chống xâm hại tình dục trẻ em",
    "Phòng chống bạo lực học đường",
    "Kỹ năng tự bảo vệ cho trẻ em",
    "Phòng chống đuối nước trẻ em",
    "Phòng chống tảo hôn và hôn nhân cận huyết thống",
    "Luật Trẻ em năm 2016",
    "Tổng đài điện thoại quốc gia bảo vệ trẻ em 111",
    "An toàn cho trẻ em trên môi trường mạng",
    "Phòng chống lao động trẻ em",
    "Tháng hành động vì trẻ em",
]
ORGANISERS = ["UBND xã", "Đoàn Thanh niên", "Hội Liên hiệp Phụ nữ", "Trường Tiểu học", "Phòng LĐ-TB&XH huyện"]
KIND_WEIGHTS = [("talk", 6), ("training", 2), ("campaign", 1), ("media", 1), ("other", 1)]


def seed(
    *,
    province: Unit,
    users: dict[str, Any],
    rng: random.Random,
    stdout: Any,
    current_users: dict[str, Any] | None = None,
) -> None:
    """Create two years of demo events across the province's communes (idempotent)."""
    legacy_user = users[Role.PROVINCE_OFFICER]
    current_user = (current_users or {}).get(Role.PROVINCE_OFFICER)
    first_day = timezone.localdate() - dt.timedelta(days=DAYS - 1)
    communes = list(
        Unit.objects.filter(edition=Unit.Edition.LEGACY, level=Unit.Level.COMMUNE, province=province).order_by("code")
    )
    if not communes:
        return
    cbcp_by_commune = {
        m.unit_id: m for m in ProtectionModel.objects.filter(kind=ProtectionModel.Kind.CBCP_SYSTEM, unit__in=communes)
    }
    existing = set(OutreachEvent.objects.filter(event_ref__startswith="DEMO-EV-").values_list("event_ref", flat=True))
    kinds = [kind for kind, weight in KIND_WEIGHTS for _ in range(weight)]
    created = 0
    for number in range(1, EVENTS + 1):
        # Draw every value even for an existing event, so that later events stay the same.
        commune = rng.choice(communes)
        date = first_day + dt.timedelta(days=rng.randrange(DAYS))
        kind = rng.choice(kinds)
        venue = rng.choice(["community", "community", "school", "other"])
        total = rng.randint(20, 250)
        children = rng.randint(0, total) if venue != "school" else rng.randint(total // 2, total)
        female = rng.randint(total // 4, total * 3 // 4)
        topic = rng.choice(TOPICS)
        organiser = rng.choice(ORGANISERS)
        linked = rng.random() < 0.4
        ref = f"DEMO-EV-{number:04d}"
        if ref in existing:
            continue
        model = cbcp_by_commune.get(commune.pk) if linked else None
        if model is not None and not model.is_active_on(date):
            model = None
        user = legacy_user
        if date >= REFORM_DATE and current_user is not None:
            # After the reform the event names the current commune; a legacy commune's model stays behind.
            commune, user, model = unit_on(commune, date), current_user, None
        services.event_create(
            user=user,
            event_ref=ref,
            date=date,
            unit=commune,
            kind=kind,
            venue=venue,
            topic=topic,
            participants_total=total,
            participants_children=children,
            participants_female=female,
            organiser=organiser,
            model=model,
        )
        created += 1
    stdout.write(f"  outreach events: {created} new, {len(existing) + created} demo events since {first_day:%d/%m/%Y}")


def reset(*, province: Unit, users: dict[str, Any], stdout: Any) -> None:
    """Delete the demo events; other events that name a demo model stop naming it.

    The programs demo's reset, which runs next, deletes those models.
    """
    deleted, _by_model = OutreachEvent.objects.filter(event_ref__startswith="DEMO-EV-").delete()
    OutreachEvent.objects.filter(model__in=programs_demo.demo_models()).update(model=None)
    stdout.write(f"  deleted {deleted} demo rows of outreach events")
