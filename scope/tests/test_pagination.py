"""Admin lists count no further than ADMIN_COUNT_CAP rows and say "more than N" past it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


def test_a_list_past_the_cap_says_more_than_the_cap(cast, units, client_for, settings):
    settings.ADMIN_COUNT_CAP = 3
    ChildFactory.create_batch(5, commune=units.quang_trung)
    response = client_for(cast.commune).get(reverse("admin:cases_child_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 3 and response.context["cl"].paginator.capped
    assert 'id="result-count-capped"' in response.content.decode()
    assert "Hơn 3" in response.content.decode()


def test_a_list_within_the_cap_shows_its_count(cast, units, client_for, settings):
    settings.ADMIN_COUNT_CAP = 3
    ChildFactory.create_batch(2, commune=units.quang_trung)
    response = client_for(cast.commune).get(reverse("admin:cases_child_changelist"))
    assert response.context["cl"].result_count == 2 and not response.context["cl"].paginator.capped
    assert 'id="result-count-capped"' not in response.content.decode()
