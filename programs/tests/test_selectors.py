import datetime as dt

import pytest

from programs.selectors import attendance_figures

from .factories import AttendanceFactory, DaycareModelFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(units):
    """Three children; 4 March: 3 present, 5 March: 1 present 2 absent, 2 April: 2 present."""
    model = DaycareModelFactory(established_on=dt.date(2024, 1, 1))
    a, b, c = (EnrolmentFactory(model=model) for _ in range(3))
    for enrolment in (a, b, c):
        AttendanceFactory(enrolment=enrolment, date=dt.date(2024, 3, 4), present=True)
    AttendanceFactory(enrolment=a, date=dt.date(2024, 3, 5), present=True)
    AttendanceFactory(enrolment=b, date=dt.date(2024, 3, 5), present=False)
    AttendanceFactory(enrolment=c, date=dt.date(2024, 3, 5), present=False)
    AttendanceFactory(enrolment=a, date=dt.date(2024, 4, 2), present=True)
    AttendanceFactory(enrolment=b, date=dt.date(2024, 4, 2), present=True)
    AttendanceFactory(enrolment=c, date=dt.date(2025, 1, 2), present=True)
    return model


def test_daily_figures_count_children_present_per_recorded_day(cast, recorded):
    figures = attendance_figures(user=cast.province, year=2024)
    assert [(row["date"].isoformat(), row["present"], row["recorded"]) for row in figures.daily] == [
        ("2024-03-04", 3, 3),
        ("2024-03-05", 1, 3),
        ("2024-04-02", 2, 2),
    ]


def test_monthly_and_yearly_averages_are_over_days_with_records(cast, recorded):
    figures = attendance_figures(user=cast.province, year=2024, model=recorded)
    march, april = figures.months[2], figures.months[3]
    assert (march.days, march.present, march.average) == (2, 4, 2.0)
    assert (april.days, april.present, april.average) == (1, 2, 2.0)
    assert figures.months[0].average is None
    assert (figures.total.days, figures.total.present, figures.total.average) == (3, 6, 2.0)
    assert figures.total.rate == round(6 / 8, 4)


def test_figures_of_a_year_without_records_have_no_average(cast, recorded):
    assert attendance_figures(user=cast.province, year=2023).total.average is None


def test_figures_are_limited_to_the_users_scope(cast, recorded):
    assert attendance_figures(user=cast.district, year=2024).total.days == 0
    assert attendance_figures(user=cast.no_unit, year=2024).total.days == 0
    assert attendance_figures(user=cast.current_province, year=2024).total.present == 6
