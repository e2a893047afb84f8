"""The protection model admin: list columns, filters and the change page's cost."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from programs.models import ModelChange

from .factories import ModelMemberFactory, ProtectionModelFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:programs_protectionmodel_changelist"


def change_page_queries(client, model):
    url = reverse("admin:programs_protectionmodel_change", args=[model.pk])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return queries


def test_change_page_queries_do_not_grow_with_history(cast, client_for, units):
    model = ProtectionModelFactory(unit=units.quang_trung)
    authors = [cast.commune, cast.district, cast.province, cast.manager, cast.superuser]
    client = client_for(cast.superuser)
    ModelChange.objects.create(model=model, action="created", changed_by=authors[0])
    change_page_queries(client, model)  # fills the per-process caches (content types, permissions)
    few = change_page_queries(client, model)
    for author in authors[1:]:
        ModelChange.objects.create(model=model, action="changed", changed_by=author)
    many = change_page_queries(client, model)
    assert model.changes.count() == 5
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_change_page_does_not_count_members(cast, client_for, units):
    model = ProtectionModelFactory(unit=units.quang_trung)
    ModelMemberFactory(model=model)
    queries = change_page_queries(client_for(cast.commune), model)
    assert not [q["sql"] for q in queries.captured_queries if "members_now" in q["sql"]]


def test_members_column_counts_current_members_and_sorts_by_them(cast, client_for, units):
    two = ProtectionModelFactory(code="TWO", unit=units.quang_trung)
    ModelMemberFactory.create_batch(2, model=two)
    ModelMemberFactory(model=two, left_on=dt.date(2024, 6, 1))
    ProtectionModelFactory(code="NONE", unit=units.quang_trung)
    one = ProtectionModelFactory(code="ONE", unit=units.quang_trung)
    ModelMemberFactory(model=one)
    client = client_for(cast.commune)
    # The sort parameter counts the columns shown, the action checkbox included.
    column = client.get(reverse(CHANGELIST)).context["cl"].list_display.index("members_display")
    ascending = client.get(reverse(CHANGELIST), {"o": str(column)}).context["cl"].result_list
    assert [(m.code, m.members_now) for m in ascending] == [("NONE", 0), ("ONE", 1), ("TWO", 2)]
    descending = client.get(reverse(CHANGELIST), {"o": f"-{column}"}).context["cl"].result_list
    assert [m.code for m in descending] == ["TWO", "ONE", "NONE"]


def test_year_filter_offers_the_years_since_the_first_model(cast, client_for, units):
    ProtectionModelFactory(unit=units.quang_trung, established_on=dt.date(2021, 5, 1))
    ProtectionModelFactory(unit=units.quang_trung, established_on=dt.date(2023, 5, 1))
    ProtectionModelFactory(unit=units.dakglei_town, established_on=dt.date(2015, 5, 1))
    response = client_for(cast.commune).get(reverse(CHANGELIST))
    year_filter = next(f for f in response.context["cl"].filter_specs if getattr(f, "parameter_name", None) == "year")
    this_year = timezone.localdate().year
    assert [value for value, _label in year_filter.lookup_choices] == [str(y) for y in range(this_year, 2020, -1)]


def test_unit_filter_on_a_district_includes_its_communes(cast, client_for, units):
    ProtectionModelFactory(code="QT", unit=units.quang_trung)
    ProtectionModelFactory(code="DT", unit=units.duy_tan)
    ProtectionModelFactory(code="CITY", unit=units.kontum_city)
    ProtectionModelFactory(code="DG", unit=units.dakglei_town)

    def codes(user, unit):
        response = client_for(user).get(reverse(CHANGELIST), {"unit": unit.pk})
        return {m.code for m in response.context["cl"].result_list}

    assert codes(cast.province, units.kontum_city) == {"QT", "DT", "CITY"}
    assert codes(cast.province, units.quang_trung) == {"QT"}
    # A unit outside the user's scope shows nothing rather than its records.
    assert codes(cast.district, units.dakglei) == set()
