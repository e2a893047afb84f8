"""The malformed requests once answered 500, each a clear 4xx (or the list's own error flag) now."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from cases.tests.factories import ChildFactory


@pytest.fixture
def officer(cast) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(cast.province)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/cases/?open_during=0",
        "/api/v1/events/?year=99999",
        "/api/v1/events/totals/?year=99999",
        "/api/v1/models/?year=0",
        "/api/v1/models/?established_year=0",
        "/api/v1/attendance/?year=0",
        "/api/v1/attendance/figures/?year=99999",
        "/api/v1/attendance/?date=01/01/0001",
        "/api/v1/children/?birth_year_min=99999999999999999999",
    ],
)
def test_out_of_range_years_and_dates_in_api_filters_are_a_400(officer, url):
    response = officer.get(url)
    assert response.status_code == 400
    assert "1990" in response.content.decode() or "2100" in response.content.decode() or "date" in str(response.json())


@pytest.mark.parametrize("model", ["child", "case", "surveyrecord", "communestats"])
def test_a_malformed_unit_in_the_admin_unit_filter_is_the_lists_error_flag(officer, model):
    response = officer.get(reverse(f"admin:cases_{model}_changelist") + "?unit=abc")
    assert response.status_code == 302 and response["Location"].endswith("?e=1")


@pytest.mark.parametrize("model", ["cases_child", "cases_case", "programs_protectionmodel", "outreach_outreachevent"])
def test_an_export_with_an_unknown_parameter_goes_back_to_the_list(officer, model):
    response = officer.get(reverse(f"admin:{model}_export", args=["csv"]) + "?zzz=1")
    assert response.status_code == 302 and response["Location"].endswith("?e=1")


def test_the_daycare_register_with_a_date_out_of_range_shows_the_form_error(officer, units):
    from programs.models import ProtectionModel

    model = ProtectionModel.objects.create(
        code="BT1", name="Bán trú", kind="daycare_disability", unit=units.kontum, established_on=dt.date(2020, 1, 1)
    )
    response = officer.get(reverse("admin:programs_protectionmodel_register", args=[model.pk]) + "?date=01/01/0001")
    assert response.status_code == 200
    assert response.context["day_form"].errors


def test_autocomplete_with_a_nul_byte_is_a_400(officer):
    url = reverse("admin:autocomplete") + "?app_label=cases&model_name=case&field_name=child&term=%00"
    assert officer.get(url).status_code == 400


def test_merging_a_malformed_duplicate_id_is_not_found(officer, units):
    child = ChildFactory(commune=units.quang_trung)
    response = officer.post(reverse("admin:cases_child_duplicates", args=[child.pk]), {"merge": "abc"})
    assert response.status_code == 404
