"""The case management figures (``reports.selectors.case_figures``): which children count in which year."""

import datetime as dt

import pytest

from cases.models import Case, CaseTransition
from cases.tests.factories import CaseFactory, ChildFactory
from reports.area import ReportArea
from reports.selectors import case_figures, success_rate

D = dt.date


def case(units, opened, closed=None, outcome="", child=None, commune=None):
    commune = commune or units.quang_trung
    child = child or ChildFactory(commune=commune)
    status = Case.Status.CLOSED if closed else Case.Status.IN_PROGRESS
    return CaseFactory(child=child, commune=commune, opened_on=opened, closed_on=closed, outcome=outcome, status=status)


def figures(user, unit, year):
    return case_figures(user=user, area=ReportArea(unit=unit, year=year)).total


def managed(cast, units, year, unit=None):
    return figures(cast.province, unit or units.kontum, year)["children_managed"]


def closed_success(cast, units, year):
    return figures(cast.province, units.kontum, year)["cases_closed_success"]


def rate(cast, units, year):
    total = figures(cast.province, units.kontum, year)
    return success_rate(total["cases_closed_success"], total["children_managed"])


def test_opened_on_dec_31_counts_for_that_year_only_from_then(cast, units):
    case(units, D(2023, 12, 31))
    assert managed(cast, units, 2022) == 0
    assert managed(cast, units, 2023) == 1
    assert managed(cast, units, 2024) == 1


def test_closed_on_jan_1_counts_for_that_year_not_the_next(cast, units):
    case(units, D(2023, 5, 1), closed=D(2024, 1, 1), outcome="goal_achieved")
    assert managed(cast, units, 2024) == 1
    assert managed(cast, units, 2025) == 0
    assert closed_success(cast, units, 2024) == 1
    assert closed_success(cast, units, 2023) == 0


def test_closed_on_dec_31_does_not_count_next_year(cast, units):
    case(units, D(2023, 5, 1), closed=D(2023, 12, 31), outcome="not_achieved")
    assert managed(cast, units, 2023) == 1
    assert managed(cast, units, 2024) == 0


def test_two_cases_of_one_child_count_once(cast, units):
    child = ChildFactory(commune=units.quang_trung)
    case(units, D(2024, 2, 1), closed=D(2024, 3, 1), outcome="goal_achieved", child=child)
    case(units, D(2024, 6, 1), closed=D(2024, 9, 1), outcome="goal_achieved", child=child)
    case(units, D(2024, 6, 1))
    assert managed(cast, units, 2024) == 2
    assert closed_success(cast, units, 2024) == 1
    assert rate(cast, units, 2024) == 0.5


def test_reopened_case_is_not_managed_in_the_years_it_was_closed(cast, units):
    reopened = case(units, D(2021, 3, 1))
    CaseTransition.objects.create(case=reopened, from_status="closed", to_status="initial_assessment",
                                  on=D(2024, 2, 1), previous_closed_on=D(2022, 6, 1))  # fmt: skip
    assert managed(cast, units, 2021) == 1
    assert managed(cast, units, 2022) == 1  # closed during 2022: open part of the year
    assert managed(cast, units, 2023) == 0  # closed all year
    assert managed(cast, units, 2024) == 1


def test_success_kept_when_the_case_is_reopened_later(cast, units):
    reopened = case(units, D(2023, 3, 1))
    CaseTransition.objects.create(case=reopened, from_status="review", to_status="closed", on=D(2023, 9, 1),
                                  outcome="goal_achieved")  # fmt: skip
    CaseTransition.objects.create(case=reopened, from_status="closed", to_status="initial_assessment",
                                  on=D(2024, 2, 1), previous_closed_on=D(2023, 9, 1))  # fmt: skip
    assert closed_success(cast, units, 2023) == 1
    assert closed_success(cast, units, 2024) == 0


def test_success_rate_is_none_when_nothing_was_managed(cast, units):
    assert rate(cast, units, 2024) is None


def test_figures_stay_inside_the_users_scope(cast, units):
    case(units, D(2024, 1, 5), commune=units.dakglei_town)
    case(units, D(2024, 1, 5))
    assert figures(cast.commune, units.kontum, 2024)["children_managed"] == 1
    assert figures(cast.other_province, units.kontum, 2024)["children_managed"] == 0
    assert figures(cast.no_unit, units.kontum, 2024)["children_managed"] == 0
    assert figures(cast.province, units.dakglei, 2024)["children_managed"] == 1


def test_current_province_counts_legacy_cases(cast, units):
    case(units, D(2024, 1, 5))
    assert figures(cast.current_province, units.quangngai, 2024)["children_managed"] == 1


@pytest.mark.parametrize("year", [2023, 2024])
def test_cases_of_other_units_do_not_count(cast, units, year):
    case(units, D(2023, 1, 5), commune=units.dakglei_town)
    assert managed(cast, units, year, unit=units.kontum_city) == 0
