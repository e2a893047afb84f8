"""The API and the CLI give the annual summary's numbers; bad input answers 400 / 404."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from .test_summary import EXPECTED_KONTUM_2024

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/annual/"


def test_api_returns_the_summary(world, cast, client_for):
    response = client_for(cast.manager).get(URL, {"unit": "62", "year": "2024"})
    assert response.status_code == 200
    data = response.json()
    assert {key: data[key] for key in EXPECTED_KONTUM_2024} == EXPECTED_KONTUM_2024
    assert data["unit"]["code"] == "62"


def test_api_viewer_gets_aggregates(world, cast, client_for):
    response = client_for(cast.viewer).get(URL, {"unit": "62", "year": "2024"})
    assert response.status_code == 200
    assert "Trẻ" not in response.content.decode()


def test_api_out_of_scope_is_404(world, cast, client_for):
    response = client_for(cast.other_province).get(URL, {"unit": "62", "year": "2024"})
    assert response.status_code == 404
    unknown = client_for(cast.other_province).get(URL, {"unit": "99", "year": "2024"})
    assert unknown.status_code == 404
    assert response.json() == {"detail": unknown.json()["detail"].replace("99", "62")}


@pytest.mark.parametrize("params", [{"unit": "62", "year": "abc"}, {"unit": "62"}, {"unit": "x1", "year": "2024"}])
def test_api_malformed_input_is_400_with_message(world, cast, client_for, params):
    response = client_for(cast.manager).get(URL, params)
    assert response.status_code == 400
    assert response.json()["detail"]


def test_api_refuses_roles_without_reports(world, cast, client_for):
    assert client_for(cast.collaborator).get(URL, {"year": "2024"}).status_code == 403


def test_api_token_authentication(world, cast, client):
    token = client.post("/api/v1/auth/token/", {"username": "manager", "password": "pw"}).json()["token"]
    response = client.get(URL, {"unit": "62", "year": "2024"}, HTTP_AUTHORIZATION=f"Token {token}")
    assert response.json()["children_managed"] == 6


def test_cli_json_matches_api(world, cast, client_for):
    out = io.StringIO()
    call_command("annual_report", "--unit", "62", "--year", "2024", "--user", "manager", stdout=out)
    api = client_for(cast.manager).get(URL, {"unit": "62", "year": "2024"}).json()
    assert json.loads(out.getvalue()) == api


def test_cli_respects_user_scope(world, cast):
    with pytest.raises(CommandError, match="62"):
        call_command("annual_report", "--unit", "62", "--year", "2024", "--user", "other_province")
    with pytest.raises(CommandError):
        call_command("annual_report", "--unit", "62", "--year", "20x4")


def test_cli_xlsx_has_real_numbers(world, cast, tmp_path):
    target = tmp_path / "summary.xlsx"
    call_command("annual_report", "--unit", "62", "--year", "2024", "--format", "xlsx", "--output", str(target))
    workbook = load_workbook(target)
    assert len(workbook.sheetnames) == 4
    sheet = workbook[workbook.sheetnames[0]]
    values = {row[0]: row[2] for row in sheet.iter_rows(values_only=True) if row and len(row) > 2}
    assert values["children_managed"] == 6
    assert values["success_rate"] == pytest.approx(0.3333)
    assert isinstance(values["outreach_participants"], int)


def test_cli_csv_and_text(world, cast):
    out = io.StringIO()
    call_command(
        "annual_report", "--unit", "608", "--year", "2024", "--format", "csv", "--table", "breakdown", stdout=out
    )
    # The same byte-order mark as the download, for Excel.
    assert out.getvalue().startswith("\ufeff")
    lines = out.getvalue().removeprefix("\ufeff").strip().splitlines()
    assert lines[0].startswith("code,name,communes_total")
    assert any(line.startswith("23281,") for line in lines)
    text = io.StringIO()
    call_command("annual_report", "--unit", "62", "--year", "2024", "--format", "text", stdout=text)
    assert "33,3%" in text.getvalue()


def test_cli_csv_file_matches_the_download(world, cast, client_for, tmp_path):
    target = tmp_path / "months.csv"
    options = "--unit 62 --year 2024 --format csv --table months --output".split()
    call_command("annual_report", *options, str(target))
    download = client_for(cast.manager).get(
        reverse("admin:reports_report_changelist"), {"unit": "62", "year": "2024", "format": "csv", "table": "months"}
    )
    assert target.read_bytes().startswith("\ufeff".encode())
    assert target.read_bytes() == download.content
