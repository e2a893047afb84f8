"""Reads of protection models and day-care attendance that depend on the user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .models import Attendance, Enrolment, ProtectionModel

if TYPE_CHECKING:
    from accounts.types import AnyUser


def daycare_model_get(*, user: AnyUser, pk: Any) -> ProtectionModel | None:
    """A day-care model visible to ``user``, or ``None`` (out of scope looks like missing)."""
    return (
        ProtectionModel.objects.visible_to(user)
        .filter(kind=ProtectionModel.Kind.DAYCARE_DISABILITY, pk=pk)
        .select_related("unit")
        .first()
    )


@dataclass
class RegisterLine:
    """One child on the daily register, with what is already recorded for the day (if anything)."""

    enrolment: Enrolment
    attendance: Attendance | None

    @property
    def present(self) -> bool:
        # A blank register starts with everyone present: officers mark the absent ones.
        return True if self.attendance is None else self.attendance.present

    @property
    def services(self) -> str:
        return "" if self.attendance is None else self.attendance.services


def attendance_register(*, user: AnyUser, model: ProtectionModel, on: dt.date) -> list[RegisterLine]:
    """The daily register of a day-care model: every child enrolled on ``on``, in two queries."""
    enrolments = list(
        Enrolment.objects.visible_to(user)
        .filter(model=model)
        .enrolled_on(on)
        .select_related("child")
        .order_by("child_name", "pk")
    )
    recorded = {
        a.enrolment_id: a
        for a in Attendance.objects.visible_to(user)
        .filter(enrolment__model=model, date=on)
        .only("pk", "enrolment_id", "date", "present", "services")
    }
    return [RegisterLine(enrolment=e, attendance=recorded.get(e.pk)) for e in enrolments]


@dataclass
class PeriodFigures:
    """Attendance over a period: days with any record, child-days present, the daily average."""

    label: str
    days: int = 0
    present: int = 0
    recorded: int = 0

    @property
    def average(self) -> float | None:
        """Average children present per day, over days with any attendance recorded."""
        return round(self.present / self.days, 2) if self.days else None

    @property
    def rate(self) -> float | None:
        """Share of recorded child-days that were present."""
        return round(self.present / self.recorded, 4) if self.recorded else None


@dataclass
class AttendanceFigures:
    """Daily counts, monthly and yearly figures of one year's day-care attendance."""

    year: int
    total: PeriodFigures
    daily: list[dict[str, Any]] = field(default_factory=list)
    months: list[PeriodFigures] = field(default_factory=list)


def attendance_figures(*, user: AnyUser, year: int, model: ProtectionModel | None = None) -> AttendanceFigures:
    """Daily, monthly and yearly attendance of the day-care models ``user`` sees (or one model).

    One aggregate query; the averages follow docs/contract/reports.md: over days with any attendance recorded,
    the number of children present.
    """
    queryset = Attendance.objects.visible_to(user).filter(
        date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31)
    )
    if model is not None:
        queryset = queryset.filter(enrolment__model=model)
    daily = list(queryset.daily_present())
    months = [PeriodFigures(label=f"{month:02d}/{year}") for month in range(1, 13)]
    total = PeriodFigures(label=str(year))
    for row in daily:
        for figures in (months[row["date"].month - 1], total):
            figures.days += 1
            figures.present += row["present"]
            figures.recorded += row["recorded"]
    return AttendanceFigures(year=year, daily=daily, months=months, total=total)
