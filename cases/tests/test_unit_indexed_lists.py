"""The lists' units written out for PostgreSQL change no list: same rows for every user and filter."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from accounts.services import user_upsert
from cases.models import Case, Category, Child, ChildCategory
from cases.name_search import child_search
from locations.models import Unit
from scope.unit_indexed import listed_ids, units_q

from .factories import CaseFactory, ChildFactory

pytestmark = pytest.mark.django_db

CHILDREN = "admin:cases_child_changelist"
CASES = "admin:cases_case_changelist"
USERS = ["province", "district", "commune", "collaborator", "peer_commune", "other_province", "current_province",
         "no_unit", "superuser"]  # fmt: skip


@pytest.fixture
def spread(cast, units):
    """Children and cases in four communes of two provinces (Kon Tum's convert into Quảng Ngãi)."""
    children = [
        ChildFactory(full_name="Nguyễn Văn An", commune=units.quang_trung, child_ref="QT-1", reported_by=cast.commune),
        ChildFactory(full_name="Nguyen Van Binh", commune=units.quang_trung),
        ChildFactory(full_name="Trần Thị Chi", commune=units.duy_tan),
        ChildFactory(full_name="Nguyễn Văn Dũng", commune=units.dakglei_town),
        ChildFactory(full_name="Nguyễn Văn Em", commune=units.pleiku_commune),
    ]
    cases = [CaseFactory(child=child, commune=child.commune) for child in children]
    return children, cases


@pytest.fixture
def ward_officer(units):
    """An officer of a current ward formed from legacy Quang Trung and its neighbours."""
    return user_upsert(username="ward", role="commune_officer", unit=units.kontum_ward)[0]


def admin_rows(model, user) -> set[int]:
    request = RequestFactory().get("/")
    request.user = user
    return set(admin.site._registry[model].get_queryset(request).values_list("pk", flat=True))


def listed(response) -> set[int]:
    return {row.pk for row in response.context["cl"].result_list}


@pytest.mark.parametrize("model", [Child, Case])
@pytest.mark.parametrize("who", USERS)
def test_the_admin_lists_show_the_scope_exactly(cast, spread, model, who):
    user = getattr(cast, who)
    assert admin_rows(model, user) == set(model.objects.visible_to(user).values_list("pk", flat=True))


@pytest.mark.parametrize("model", [Child, Case])
def test_a_current_ward_lists_the_legacy_records_converted_into_it(spread, ward_officer, model):
    rows = admin_rows(model, ward_officer)
    assert rows == set(model.objects.visible_to(ward_officer).values_list("pk", flat=True))
    assert rows and all(
        row.current_unit_id == ward_officer.unit_id for row in model.objects.filter(pk__in=rows)
    )  # fmt: skip


def test_the_units_are_written_out_for_a_small_scope(cast, units):
    request = RequestFactory().get("/")
    request.user = cast.commune
    sql = str(admin.site._registry[Child].get_queryset(request).query)
    assert f"IN ({units.quang_trung.pk})" in sql
    request = RequestFactory().get("/")
    request.user = cast.superuser
    assert f"IN ({units.quang_trung.pk})" not in str(admin.site._registry[Child].get_queryset(request).query)


def test_past_the_limit_the_units_are_not_written_out(cast, units, spread, monkeypatch):
    monkeypatch.setattr("scope.unit_indexed.MAX_LISTED_UNITS", 3)
    assert listed_ids(Unit.objects.filter(pk=units.kontum.pk)) == [units.kontum.pk]
    assert listed_ids(Unit.objects.at_or_below(units.kontum)) is None
    request = RequestFactory().get("/")
    request.user = cast.province
    assert f"IN ({units.quang_trung.pk}" not in str(admin.site._registry[Child].get_queryset(request).query)
    assert admin_rows(Child, cast.province) == set(Child.objects.visible_to(cast.province).values_list("pk", flat=True))


def test_the_written_out_units_follow_the_model_scope(units):
    q = units_q(ChildCategory, [units.quang_trung.pk])
    assert {child for child, _value in q.children} == {"child__commune__in", "child__current_unit__in"}


@pytest.mark.parametrize("who", ["commune", "province", "ward"])
@pytest.mark.parametrize("term", ["nguyen van", "NGUYỄN", "qt-1", "QT-1", "  chi "])
def test_a_name_search_lists_what_the_search_finds_in_the_scope(cast, client_for, spread, ward_officer, who, term):
    user = ward_officer if who == "ward" else getattr(cast, who)
    response = client_for(user).get(reverse(CHILDREN), {"q": term})
    assert response.status_code == 200
    expected = set(Child.objects.visible_to(user).search(term).values_list("pk", flat=True))
    assert listed(response) == expected


def test_a_commune_compares_names_on_its_own_rows(cast, units, spread):
    children, _cases = spread
    scope = Child.objects.visible_to(cast.commune)
    by_scan = child_search(scope, "nguyen van", one_unit=True)
    assert "|| ''" in str(by_scan.query)
    assert set(by_scan) == {children[0], children[1]}
    assert "|| ''" not in str(child_search(scope, "nguyen van", one_unit=False).query)
    # Digits are personal IDs or references: looked up, never compared with names.
    assert "|| ''" not in str(child_search(scope, "062315000123", one_unit=True).query)


def test_a_commune_search_in_the_admin_compares_names(cast, client_for, spread):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as commune:
        client_for(cast.commune).get(reverse(CHILDREN), {"q": "nguyen van"})
    with CaptureQueriesContext(connection) as province:
        client_for(cast.province).get(reverse(CHILDREN), {"q": "nguyen van"})
    assert any("|| ''" in q["sql"] and "cases_child" in q["sql"] for q in commune.captured_queries)
    assert not any("|| ''" in q["sql"] for q in province.captured_queries)


@pytest.mark.parametrize("changelist", [CHILDREN, CASES])
@pytest.mark.parametrize("unit", ["quang_trung", "kontum_city", "dakglei", "kontum"])
def test_the_unit_filter_lists_the_unit_in_scope(cast, client_for, units, spread, changelist, unit):
    chosen = getattr(units, unit)
    model = Child if changelist == CHILDREN else Case
    response = client_for(cast.province).get(reverse(changelist), {"unit": chosen.pk})
    expected = set(model.objects.visible_to(cast.province).in_unit(chosen).values_list("pk", flat=True))
    assert listed(response) == expected and expected


def test_the_unit_filter_of_a_current_province_reaches_legacy_records(cast, client_for, units, spread):
    children, _cases = spread
    response = client_for(cast.current_province).get(reverse(CHILDREN), {"unit": units.kontum_ward.pk})
    assert listed(response) == set(Child.objects.in_unit(units.kontum_ward).values_list("pk", flat=True))
    assert children[0].pk in listed(response)


def give_categories(children: list[Child]) -> tuple[Category, Category]:
    """SC01 and SC04 to the first child, SC04 to the second and fourth; returns (SC01, SC04)."""
    sc01, sc04 = Category.objects.get(code="SC01"), Category.objects.get(code="SC04")
    for child, categories in [(children[0], [sc01, sc04]), (children[1], [sc04]), (children[3], [sc04])]:
        for category in categories:
            ChildCategory.objects.create(child=child, category=category, recorded_on=dt.date(2024, 1, 1))
    return sc01, sc04


def test_the_api_category_filter_lists_each_child_once(cast, client_for, units, spread):
    children, _cases = spread
    give_categories(children)
    body = client_for(cast.commune).get("/api/v1/children/", {"category": "SC04"}).json()
    assert sorted(row["id"] for row in body["results"]) == sorted([children[0].pk, children[1].pk])
    assert body["count"] == 2
    body = client_for(cast.province).get("/api/v1/children/", {"category": "SC01"}).json()
    assert [row["id"] for row in body["results"]] == [children[0].pk]
    assert client_for(cast.province).get("/api/v1/children/", {"category": "SC99"}).json()["count"] == 0


def test_the_admin_category_filters_list_each_child_and_case_once(cast, client_for, units, spread):
    children, cases = spread
    sc01, sc04 = give_categories(children)
    cases[0].circumstances.set([sc01, sc04])
    cases[2].circumstances.set([sc04])
    response = client_for(cast.commune).get(reverse(CHILDREN), {"category": "SC04"})
    assert [row.pk for row in response.context["cl"].result_list] == [children[0].pk, children[1].pk]
    assert response.context["cl"].result_count == 2
    province = client_for(cast.province)
    assert listed(province.get(reverse(CHILDREN), {"category": "SC01"})) == {children[0].pk}
    sc04_children = {children[0].pk, children[1].pk, children[3].pk}
    assert listed(province.get(reverse(CHILDREN), {"category": "SC04"})) == sc04_children
    assert listed(province.get(reverse(CASES), {"category": "SC04"})) == {cases[0].pk, cases[2].pk}
    assert province.get(reverse(CASES), {"category": "SC04"}).context["cl"].result_count == 2


def test_the_api_circumstance_and_status_filters_list_each_case_once(cast, client_for, units, spread):
    _children, cases = spread
    sc01, sc04 = Category.objects.get(code="SC01"), Category.objects.get(code="SC04")
    cases[0].circumstances.set([sc01, sc04])
    cases[2].circumstances.set([sc04])
    Case.objects.filter(pk=cases[2].pk).update(status=Case.Status.CLOSED)
    api = client_for(cast.province)
    body = api.get("/api/v1/cases/", {"category": "SC04"}).json()
    assert sorted(row["id"] for row in body["results"]) == sorted([cases[0].pk, cases[2].pk])
    body = api.get("/api/v1/cases/", {"status": ["closed", "received"]}).json()
    expected = Case.objects.visible_to(cast.province).filter(status__in=["closed", "received"])
    assert sorted(row["id"] for row in body["results"]) == sorted(expected.values_list("pk", flat=True))
    assert body["count"] == expected.count() == len(body["results"])


@pytest.mark.parametrize("who", ["commune", "province", "peer_commune"])
def test_the_api_lists_show_the_scope_exactly(cast, client_for, spread, who):
    user = getattr(cast, who)
    api = client_for(user)
    for url, model in [("/api/v1/children/", Child), ("/api/v1/cases/", Case)]:
        rows = {row["id"] for row in api.get(url).json()["results"]}
        assert rows == set(model.objects.visible_to(user).values_list("pk", flat=True))
    by_name = {row["id"] for row in api.get("/api/v1/children/", {"q": "nguyen van"}).json()["results"]}
    assert by_name == set(Child.objects.visible_to(user).search("nguyen van").values_list("pk", flat=True))
    by_unit = {row["id"] for row in api.get("/api/v1/children/", {"unit": "23281"}).json()["results"]}
    assert by_unit == set(
        Child.objects.visible_to(user).filter(commune__code="23281").values_list("pk", flat=True)
    )  # fmt: skip


def test_a_scope_through_a_to_many_relation_keeps_its_subqueries(cast, units):
    from imports.models import ImportJob
    from scope.unit_indexed import in_unit_listed

    listed_jobs = in_unit_listed(ImportJob.objects.all(), units.quang_trung)
    assert str(listed_jobs.query) == str(ImportJob.objects.in_unit(units.quang_trung).query)
    children = in_unit_listed(Child.objects.all(), units.quang_trung)
    assert f"IN ({units.quang_trung.pk})" in str(children.query)
