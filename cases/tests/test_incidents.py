"""Incidents of abuse: the service's checks, the API (write, filters, scope), the admin inline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases.incident_services import incident_save
from cases.models import AbuseForm, AbuseSetting, Incident

from .factories import CaseFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/incidents/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def case(units):
    return CaseFactory(commune=units.quang_trung, child__date_of_birth=dt.date(2015, 3, 5), child__birth_year=2015)


def forms(*keys: str) -> list[AbuseForm]:
    return list(AbuseForm.objects.filter(key__in=keys))


def family() -> AbuseSetting:
    return AbuseSetting.objects.get(key="family")


def test_reference_lists_are_seeded_with_the_stable_keys():
    assert set(AbuseForm.objects.values_list("key", flat=True)) == {
        "violence",
        "sexual_abuse",
        "exploitation",
        "trafficking",
        "abandonment_neglect",
        "other",
    }
    assert set(AbuseSetting.objects.values_list("key", flat=True)) == {
        "family",
        "school",
        "community",
        "online",
        "other",
    }


def test_incident_takes_the_commune_of_its_case(case, cast):
    incident = incident_save(
        incident=Incident(case=case, date=dt.date(2024, 5, 1), setting=family()),
        user=cast.commune,
        forms=forms("violence", "sexual_abuse"),
    )
    assert incident.commune == case.commune
    assert set(incident.forms.values_list("key", flat=True)) == {"violence", "sexual_abuse"}
    assert incident.recorded_by == cast.commune


@pytest.mark.parametrize(
    ("on", "message"),
    [
        (timezone.localdate() + dt.timedelta(days=1), "future"),
        (dt.date(2015, 3, 4), "birth"),
    ],
)
def test_incident_in_the_future_or_before_birth_is_refused(case, cast, on, message):
    with pytest.raises(ValidationError) as error:
        incident_save(incident=Incident(case=case, date=on, setting=family()), user=cast.commune, forms=forms("other"))
    assert "date" in error.value.message_dict
    assert Incident.objects.count() == 0


def test_year_of_birth_alone_refuses_an_incident_before_that_year(units, cast):
    case = CaseFactory(
        commune=units.quang_trung, child__date_of_birth=None, child__birth_year=2016, child__birth_year_only=True
    )
    with pytest.raises(ValidationError):
        incident_save(
            incident=Incident(case=case, date=dt.date(2015, 12, 31), setting=family()),
            user=cast.commune,
            forms=forms("other"),
        )
    incident_save(
        incident=Incident(case=case, date=dt.date(2016, 1, 1), setting=family()),
        user=cast.commune,
        forms=forms("other"),
    )


def test_an_incident_needs_a_form_of_abuse(case, cast):
    with pytest.raises(ValidationError) as error:
        incident_save(incident=Incident(case=case, date=dt.date(2024, 5, 1), setting=family()), user=cast.commune)
    assert "forms" in error.value.message_dict
    assert Incident.objects.count() == 0


def test_api_records_an_incident_by_keys(case, cast):
    response = api(cast.commune).post(
        URL,
        {
            "case": case.pk,
            "date": "2024-05-01",
            "forms": ["violence", "sexual_abuse"],
            "setting": "school",
            "perpetrator_relation": "Hàng xóm",
            "reported_to_police": True,
            "handling": "criminal",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["commune"] == case.commune.code
    assert sorted(data["forms"]) == ["sexual_abuse", "violence"]
    assert data["setting"] == "school"
    assert Incident.objects.get().handling == "criminal"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"forms": ["beating"]}, "forms"),
        ({"setting": "street"}, "setting"),
        ({"forms": []}, "forms"),
        ({"date": "2099-01-01"}, "date"),
        ({"date": "2010-01-01"}, "date"),
    ],
)
def test_api_bad_input_is_a_located_400_and_writes_nothing(case, cast, change, field):
    body = {"case": case.pk, "date": "2024-05-01", "forms": ["violence"], "setting": "family", **change}
    response = api(cast.commune).post(URL, body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Incident.objects.count() == 0


def test_api_refuses_a_case_out_of_scope_like_a_missing_one(case, cast):
    body = {"case": case.pk, "date": "2024-05-01", "forms": ["violence"], "setting": "family"}
    outside = api(cast.peer_commune).post(URL, body, format="json")
    missing = api(cast.peer_commune).post(URL, {**body, "case": 10**9}, format="json")
    assert outside.status_code == missing.status_code == 400
    assert outside.json()["case"][0] == missing.json()["case"][0].replace(str(10**9), str(case.pk))
    assert Incident.objects.count() == 0


def test_api_filters_by_year_unit_form_and_setting(units, cast):
    a = CaseFactory(commune=units.quang_trung)
    b = CaseFactory(commune=units.dakglei_town)
    first = incident_save(
        incident=Incident(case=a, date=dt.date(2024, 1, 1), setting=family()),
        user=cast.province,
        forms=forms("violence"),
    )
    second = incident_save(
        incident=Incident(case=b, date=dt.date(2023, 12, 31), setting=AbuseSetting.objects.get(key="online")),
        user=cast.province,
        forms=forms("sexual_abuse", "violence"),
    )
    client = api(cast.province)

    def ids(**params) -> set[int]:
        response = client.get(URL, params)
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids() == {first.pk, second.pk}
    assert ids(year=2024) == {first.pk}
    assert ids(unit="23341") == {second.pk}
    assert ids(form="sexual_abuse") == {second.pk}
    assert ids(form="violence") == {first.pk, second.pk}
    assert ids(setting="family") == {first.pk}
    assert client.get(URL, {"year": "1989"}).status_code == 400
    assert client.get(URL, {"year": "abc"}).status_code == 400
    assert {row["id"] for row in api(cast.commune).get(URL).json()["results"]} == {first.pk}
    assert api(cast.viewer).get(URL).status_code == 403


def test_admin_inline_records_an_incident_with_its_forms(case, cast, client_for):
    client = client_for(cast.commune)
    page = client.get(reverse("admin:cases_case_change", args=[case.pk]))
    assert page.status_code == 200
    data = _change_form_data(page)
    prefix = "incidents"
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-date": "01/05/2024",
            f"{prefix}-0-setting": str(family().pk),
            f"{prefix}-0-forms": [str(f.pk) for f in forms("violence", "exploitation")],
            f"{prefix}-0-handling": "none_yet",
        }
    )
    response = client.post(reverse("admin:cases_case_change", args=[case.pk]), data)
    assert response.status_code == 302, _errors(response)
    incident = Incident.objects.get()
    assert incident.commune == case.commune and incident.date == dt.date(2024, 5, 1)
    assert set(incident.forms.values_list("key", flat=True)) == {"violence", "exploitation"}


def test_admin_inline_refuses_an_incident_before_birth(case, cast, client_for):
    client = client_for(cast.commune)
    data = _change_form_data(client.get(reverse("admin:cases_case_change", args=[case.pk])))
    data.update(
        {
            "incidents-TOTAL_FORMS": "1",
            "incidents-0-date": "01/01/2014",
            "incidents-0-setting": str(family().pk),
            "incidents-0-forms": [str(forms("violence")[0].pk)],
            "incidents-0-handling": "none_yet",
        }
    )
    response = client.post(reverse("admin:cases_case_change", args=[case.pk]), data)
    assert response.status_code == 200
    assert Incident.objects.count() == 0


def _change_form_data(page) -> dict:
    """The values the change form would post back as it is."""
    form = page.context["adminform"].form
    data: dict = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or value is False:
            continue
        if hasattr(value, "pk"):
            value = value.pk
        if isinstance(value, list | tuple) or hasattr(value, "all"):
            value = [getattr(v, "pk", v) for v in (value.all() if hasattr(value, "all") else value)]
        elif isinstance(value, dt.date):
            value = value.strftime("%d/%m/%Y")
        data[name] = value
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{formset.formset.prefix}-{name}"] = management[name].value()
    return data


def _errors(response) -> object:
    context = getattr(response, "context", None)
    if not context:
        return response.status_code
    return [context["adminform"].form.errors, [f.errors for f in context["inline_admin_formsets"]]]
