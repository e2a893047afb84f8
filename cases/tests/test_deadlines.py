import datetime as dt

from cases.deadlines import add_working_days, intervention_due, plan_due


def test_plan_due_five_working_days_within_a_week():
    # Monday 2 March 2026 -> Monday 9 March.
    assert plan_due(dt.date(2026, 3, 2)) == dt.date(2026, 3, 9)


def test_plan_due_skips_the_weekend():
    # Thursday 5 March 2026 -> Fri 6, Mon 9, Tue 10, Wed 11, Thu 12.
    assert plan_due(dt.date(2026, 3, 5)) == dt.date(2026, 3, 12)


def test_plan_due_from_a_saturday():
    assert plan_due(dt.date(2026, 3, 7)) == dt.date(2026, 3, 13)


def test_plan_due_skips_fixed_public_holidays():
    # Tue 28 April 2026: Wed 29, (Thu 30/4 and Fri 1/5 holidays), Mon 4, Tue 5, Wed 6, Thu 7.
    assert plan_due(dt.date(2026, 4, 28)) == dt.date(2026, 5, 7)


def test_plan_due_skips_given_holidays():
    assert add_working_days(dt.date(2026, 3, 2), 5, holidays=[dt.date(2026, 3, 3)]) == dt.date(2026, 3, 10)


def test_emergency_intervention_due_twelve_hours_after_report():
    reported = dt.datetime(2026, 3, 2, 20, 30, tzinfo=dt.UTC)
    assert intervention_due(reported) == dt.datetime(2026, 3, 3, 8, 30, tzinfo=dt.UTC)
