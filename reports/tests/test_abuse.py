"""The abuse report on boundary dates and ages, through the selectors, the API, the page and the CLI.

Kon Tum (legacy 62), 2024, counted by hand:

* A (F, born 10/03/2019, Quang Trung): incidents 10/03/2024 (violence + sexual abuse, family; age 5 on
  her birthday) and 31/12/2024 (violence, family): one child, two incidents, two forms;
* B (M, born 01/01/2018, Đắk Glei town): 01/01/2024 (violence, school), aged 6 that day; plan approved;
* C (M, born 02/01/2018, Duy Tân): 01/01/2024 (exploitation, community), still 5 that day;
* D (F, born in 2013, year only, Quang Trung): 30/06/2024 (trafficking, family): 10, as if born on
  1 July 2013; the case closed after a plan was approved;
* E (Quang Trung): 31/12/2023 only; F (Gia Lai): 2024, other province.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from cases.models import AbuseForm, AbuseSetting, Case, CaseTransition, Incident
from reports.abuse import abuse_report, age_at, age_groups
from reports.area import resolve_area

from .factories import CaseFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/abuse/"
D = dt.date

EXPECTED = {
    "children_abused": 4,
    "incidents": 5,
    "children_abused_supported": 2,
    "by_sex": {"M": 2, "F": 2},
    "by_age_group": {"0-5": 2, "6-10": 2, "11-15": 0},
    "by_form": {
        "violence": 2,
        "sexual_abuse": 1,
        "exploitation": 1,
        "trafficking": 1,
        "abandonment_neglect": 0,
        "other": 0,
    },
    "by_setting": {"family": 2, "school": 1, "community": 1, "online": 0, "other": 0},
}


def incident(case: Case, on: dt.date, forms: list[str], setting: str) -> Incident:
    row = Incident.objects.create(case=case, date=on, setting=AbuseSetting.objects.get(key=setting))
    row.forms.set(AbuseForm.objects.filter(key__in=forms))
    return row


def child_case(commune, *, sex: str, born: dt.date | None, year: int | None = None, **case) -> Case:
    return CaseFactory(
        commune=commune,
        child__sex=sex,
        child__date_of_birth=born,
        child__birth_year=year or born.year,
        child__birth_year_only=born is None,
        **case,
    )


@pytest.fixture
def abuse_world(units):
    qt, dg, duy_tan = units.quang_trung, units.dakglei_town, units.duy_tan
    a = child_case(qt, sex="F", born=D(2019, 3, 10), status=Case.Status.VERIFIED)
    incident(a, D(2024, 3, 10), ["violence", "sexual_abuse"], "family")
    incident(a, D(2024, 12, 31), ["violence"], "family")
    b = child_case(dg, sex="M", born=D(2018, 1, 1), status=Case.Status.PLAN_APPROVED)
    incident(b, D(2024, 1, 1), ["violence"], "school")
    c = child_case(duy_tan, sex="M", born=D(2018, 1, 2), status=Case.Status.DETAILED_ASSESSMENT)
    incident(c, D(2024, 1, 1), ["exploitation"], "community")
    d = child_case(
        qt,
        sex="F",
        born=None,
        year=2013,
        status=Case.Status.CLOSED,
        closed_on=D(2024, 11, 1),
        outcome=Case.Outcome.GOAL_ACHIEVED,
    )
    CaseTransition.objects.create(
        case=d, from_status="detailed_assessment", to_status="plan_approved", on=D(2024, 7, 5)
    )
    incident(d, D(2024, 6, 30), ["trafficking"], "family")
    e = child_case(qt, sex="M", born=D(2012, 5, 5))
    incident(e, D(2023, 12, 31), ["violence"], "online")
    f = child_case(units.pleiku_commune, sex="M", born=D(2012, 5, 5))
    incident(f, D(2024, 6, 1), ["violence"], "online")
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f}


def report_for(user, unit: str, year: int):
    return abuse_report(user=user, area=resolve_area(user=user, unit_code=unit, year=year))


def test_figures_on_the_boundaries(abuse_world, cast):
    data = report_for(cast.manager, "62", 2024).as_json()
    assert {key: data[key] for key in EXPECTED} == EXPECTED


def test_by_unit_follows_the_breakdown_level(abuse_world, cast):
    rows = report_for(cast.manager, "62", 2024).as_json()["by_unit"]
    by_code = {row["code"]: row["children_abused"] for row in rows}
    assert by_code["608"] == 3  # A, C, D in Kon Tum city
    assert by_code["610"] == 1  # B in Đắk Glei
    assert sum(by_code.values()) == 4
    assert all(set(row) == {"code", "name", "children_abused"} for row in rows)
    commune_rows = report_for(cast.manager, "608", 2024).as_json()["by_unit"]
    assert {r["code"]: r["children_abused"] for r in commune_rows if r["children_abused"]} == {"23281": 2, "23284": 1}
    assert report_for(cast.manager, "23281", 2024).as_json()["by_unit"] == []


def test_the_year_before_counts_only_its_own_incidents(abuse_world, cast):
    data = report_for(cast.manager, "62", 2023).as_json()
    assert (data["children_abused"], data["incidents"]) == (1, 1)
    assert data["by_setting"]["online"] == 1


def test_scope_limits_the_figures(abuse_world, cast):
    assert report_for(cast.commune, "", 2024).as_json()["children_abused"] == 2  # A and D
    assert report_for(cast.other_province, "", 2024).as_json()["children_abused"] == 1


def test_each_breakdown_family_is_one_query(abuse_world, cast, django_assert_num_queries):
    # Six families, the two reference lists and the breakdown's units, for ten districts as for one,
    # after the area's unit ids, read once per report (reports.area).
    area = resolve_area(user=cast.manager, unit_code="62", year=2024)
    with django_assert_num_queries(1 + 9):
        abuse_report(user=cast.manager, area=area)


def test_age_at_the_incident():
    assert age_at(D(2024, 3, 10), date_of_birth=D(2019, 3, 10), birth_year=2019, birth_year_only=False) == 5
    assert age_at(D(2024, 3, 9), date_of_birth=D(2019, 3, 10), birth_year=2019, birth_year_only=False) == 4
    # A year alone is 1 July of that year.
    assert age_at(D(2024, 6, 30), date_of_birth=None, birth_year=2013, birth_year_only=True) == 10
    assert age_at(D(2024, 7, 1), date_of_birth=None, birth_year=2013, birth_year_only=True) == 11


def test_age_groups_come_from_the_setting(settings):
    settings.ABUSE_AGE_GROUPS = "0-2, 3-15"
    assert [g.label for g in age_groups()] == ["0-2", "3-15"]
    from django.core.exceptions import ImproperlyConfigured

    for bad in ("0-5,6", "a-b", "5-1", ""):
        with pytest.raises(ImproperlyConfigured):
            age_groups(bad)


def test_api_returns_the_report(abuse_world, cast, client_for):
    response = client_for(cast.manager).get(URL, {"unit": "62", "year": "2024"})
    assert response.status_code == 200
    data = response.json()
    assert {key: data[key] for key in EXPECTED} == EXPECTED
    assert data["unit"]["code"] == "62" and data["year"] == 2024
    assert "Nguyễn" not in response.content.decode()


@pytest.mark.parametrize("year", ["1989", "2101", "abc", ""])
def test_api_bad_year_is_400(abuse_world, cast, client_for, year):
    assert client_for(cast.manager).get(URL, {"unit": "62", "year": year}).status_code == 400


def test_api_out_of_scope_is_404_like_unknown(abuse_world, cast, client_for):
    outside = client_for(cast.other_province).get(URL, {"unit": "62", "year": "2024"})
    unknown = client_for(cast.other_province).get(URL, {"unit": "99", "year": "2024"})
    assert outside.status_code == unknown.status_code == 404


def test_cli_json_matches_the_api(abuse_world, cast, client_for):
    out = io.StringIO()
    call_command("abuse_report", "--unit", "62", "--year", "2024", "--user", "manager", stdout=out)
    assert json.loads(out.getvalue()) == client_for(cast.manager).get(URL, {"unit": "62", "year": "2024"}).json()
    with pytest.raises(CommandError):
        call_command("abuse_report", "--unit", "62", "--year", "2024", "--user", "other_province")
    with pytest.raises(CommandError):
        call_command("abuse_report", "--unit", "62", "--year", "1900")


def test_cli_csv_and_xlsx(abuse_world, cast, tmp_path):
    out = io.StringIO()
    call_command("abuse_report", "--unit", "62", "--year", "2024", "--format", "csv", "--table", "by_sex", stdout=out)
    lines = out.getvalue().removeprefix("\ufeff").strip().splitlines()
    assert lines[0] == "key,label,children_abused"
    assert {line.split(",")[0]: line.split(",")[-1] for line in lines[1:]} == {"M": "2", "F": "2"}
    target = tmp_path / "abuse.xlsx"
    call_command("abuse_report", "--unit", "62", "--year", "2024", "--format", "xlsx", "--output", str(target))
    sheet = load_workbook(target).worksheets[0]
    values = {row[0]: row[2] for row in sheet.iter_rows(values_only=True) if row and len(row) > 2}
    assert values["children_abused"] == 4 and values["incidents"] == 5


def test_page_shows_tables_and_charts(abuse_world, cast, client_for):
    address = reverse("admin:reports_report_abuse")
    response = client_for(cast.manager).get(address, {"unit": "legacy-62", "year": "2024"})
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('class="report-chart"') == 3
    assert 'id="table-by_age_group"' in content and 'id="table-by_unit"' in content
    assert client_for(cast.viewer).get(address, {"unit": "62", "year": "1800"}).status_code == 400
    assert client_for(cast.other_province).get(address, {"unit": "62", "year": "2024"}).status_code == 404
    query = {"unit": "62", "year": "2024", "format": "csv", "table": "by_form"}
    download = client_for(cast.manager).get(address, query)
    assert download.status_code == 200
    assert "violence" in download.content.decode("utf-8-sig")


def test_an_archived_case_drops_out_of_the_figures_and_comes_back_on_restore(abuse_world, cast):
    from scope.archive import record_archive, record_restore

    record_archive(record=abuse_world["c"], user=cast.province)
    data = report_for(cast.manager, "62", 2024).as_json()
    assert (data["children_abused"], data["incidents"]) == (3, 4)
    assert data["by_form"]["exploitation"] == 0 and data["by_setting"]["community"] == 0
    record_restore(record=abuse_world["c"], user=cast.manager)
    assert report_for(cast.manager, "62", 2024).as_json()["children_abused"] == 4


def test_a_viewer_sees_every_small_count_hidden_in_the_api_the_page_and_the_downloads(abuse_world, cast, client_for):
    """4 children in Kon Tum, every breakdown below 5: a viewer sees none of the counts, nor a chart."""
    data = report_for(cast.viewer, "62", 2024).as_json()
    assert data["suppressed_below"] == 5
    assert data["children_abused"] == "<5" and data["incidents"] == 5
    assert data["by_sex"] == {"M": "<5", "F": "<5"}
    assert data["by_age_group"] == {"0-5": "<5", "6-10": "<5", "11-15": 0}
    assert data["by_form"]["violence"] == "<5" and data["by_form"]["other"] == 0
    assert all(row["children_abused"] in ("<5", 0) for row in data["by_unit"])
    client = client_for(cast.viewer)
    assert client.get(URL, {"unit": "62", "year": 2024}).json()["by_sex"] == {"M": "<5", "F": "<5"}
    page = client.get(reverse("admin:reports_report_abuse"), {"unit": "62", "year": 2024})
    assert page.status_code == 200 and b'id="report-suppressed"' in page.content
    assert page.context["charts"] == []
    xlsx = client.get(reverse("admin:reports_report_abuse"), {"unit": "62", "year": 2024, "format": "xlsx"})
    sheets = load_workbook(io.BytesIO(xlsx.content))
    values = [cell for sheet in sheets for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "<5" in values and 4 not in values


def test_officers_see_the_abuse_counts_unhidden(abuse_world, cast, settings):
    settings.REPORT_MIN_CELL = 5
    data = report_for(cast.manager, "62", 2024).as_json()
    assert data["suppressed_below"] == 0 and data["children_abused"] == 4
