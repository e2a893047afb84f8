"""The admin's unit filter: a drill-down through the scope that stays small and refuses bad values."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.tests.factories import ChildFactory
from locations.models import Unit

pytestmark = pytest.mark.django_db

CHILDREN = "admin:cases_child_changelist"
CASES = "admin:cases_case_changelist"


def unit_choices(response) -> list[str]:
    """The labels of the unit filter's choices on a changelist page."""
    spec = next(s for s in response.context["cl"].filter_specs if getattr(s, "parameter_name", "") == "unit")
    return [label for _value, label in spec.lookup_choices]


def test_province_sidebar_lists_districts_not_every_commune(cast, client_for, units):
    labels = unit_choices(client_for(cast.province).get(reverse(CHILDREN)))
    districts = Unit.objects.filter(parent=units.kontum).count()
    assert any("608" in label for label in labels)
    assert not any(units.quang_trung.code in label for label in labels)
    # The province and its districts, not its hundred communes.
    assert len(labels) == 1 + districts


def test_choosing_a_district_lists_its_communes_and_the_way_back(cast, client_for, units):
    response = client_for(cast.province).get(reverse(CHILDREN), {"unit": units.kontum_city.pk})
    labels = unit_choices(response)
    communes = Unit.objects.filter(parent=units.kontum_city).count()
    assert labels[0].startswith("62 ") and labels[1].startswith("608 ")
    assert any(label.startswith(f"{units.quang_trung.code} ") for label in labels)
    assert len(labels) == 2 + communes


def test_national_sidebar_lists_provinces_only(cast, client_for):
    labels = unit_choices(client_for(cast.superuser).get(reverse(CHILDREN)))
    provinces = Unit.objects.filter(level="province").count()
    assert len(labels) == provinces


@pytest.mark.parametrize("value", ["abc", "1e5", "-1", "99999999999999999999", "1;2", " "])
@pytest.mark.parametrize("url", [CHILDREN, CASES])
def test_malformed_unit_shows_nothing_without_error(cast, client_for, units, url, value):
    ChildFactory(commune=units.quang_trung)
    response = client_for(cast.province).get(reverse(url), {"unit": value})
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert list(response.context["cl"].result_list) == []


def test_unit_of_another_province_is_neither_listed_nor_filtered(cast, client_for, units):
    ChildFactory(commune=units.pleiku_commune)
    response = client_for(cast.province).get(reverse(CHILDREN), {"unit": units.pleiku_commune.pk})
    assert list(response.context["cl"].result_list) == []
    assert not any(units.pleiku_commune.code in label for label in unit_choices(response))
