"""The users list filters by unit with the drill-down of the other lists, not a sidebar of every unit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from locations.models import Unit

pytestmark = pytest.mark.django_db

USERS = "admin:accounts_user_changelist"


def unit_filter(response):
    return next(s for s in response.context["cl"].filter_specs if getattr(s, "parameter_name", "") == "unit")


def listed(response) -> set[str]:
    return {user.username for user in response.context["cl"].result_list}


def test_the_sidebar_names_the_top_units_not_every_unit_with_a_user(cast, client_for):
    response = client_for(cast.superuser).get(reverse(USERS))
    labels = [label for _value, label in unit_filter(response).lookup_choices]
    # The provinces of the test data, not the communes and districts the cast's users are in.
    assert labels and all(label.split()[0] in {"62", "64", "51"} for label in labels)


def test_choosing_a_district_lists_its_users_and_those_of_its_communes(cast, client_for, units):
    response = client_for(cast.superuser).get(reverse(USERS), {"unit": units.kontum_city.pk})
    assert listed(response) == {"district", "commune", "collaborator"}
    below = client_for(cast.superuser).get(reverse(USERS), {"unit": units.quang_trung.pk})
    assert listed(below) == {"commune", "collaborator"}
    labels = [label for _value, label in unit_filter(below).lookup_choices]
    assert labels[0].startswith("62 ") and labels[1].startswith("608 ") and labels[2].startswith("23281 ")


def test_a_manager_drills_down_within_the_province(cast, client_for, units):
    response = client_for(cast.manager).get(reverse(USERS), {"unit": units.dakglei.pk})
    assert listed(response) == set(
        User.objects.filter(unit__in=Unit.objects.at_or_below(units.dakglei)).values_list("username", flat=True)
    ) - {"manager"}
    assert client_for(cast.manager).get(reverse(USERS), {"unit": units.gialai.pk}).context["cl"].result_count == 0
    assert client_for(cast.manager).get(reverse(USERS), {"unit": "abc"}).status_code in (200, 302)
