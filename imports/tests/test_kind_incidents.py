"""``incidents`` files: incidents of abuse of cases by case number, forms and setting by key or name."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Incident
from imports.pipeline import run_import
from imports.tests.factories import write_csv
from reports.tests.factories import CaseFactory

HEADER = ["case_ref", "date", "forms", "setting", "perpetrator_relation", "reported_to_police", "handling"]


@pytest.fixture
def case(db, units):
    return CaseFactory(
        case_ref="QLTH-1", commune=units.quang_trung, child__date_of_birth=dt.date(2015, 3, 5), child__birth_year=2015
    )


def run(tmp_path, rows, user, *, commit=True, name="incidents.csv"):
    return run_import(path=write_csv(tmp_path / name, [HEADER, *rows]), kind="incidents", user=user, commit=commit)


def test_rows_become_incidents_in_the_case_commune_and_a_second_run_changes_nothing(tmp_path, cast, case):
    rows = [
        ["QLTH-1", "02/04/2024", "violence; Xâm hại tình dục", "family", "Hàng xóm", "có", "criminal"],
        ["QLTH-1", "03/05/2024", "abandonment_neglect", "Trường học", "", "", ""],
    ]
    result = run(tmp_path, rows, cast.commune)
    assert result.committed, result.errors
    first = Incident.objects.get(date=dt.date(2024, 4, 2))
    assert first.commune == case.commune and first.reported_to_police and first.handling == "criminal"
    assert set(first.forms.values_list("key", flat=True)) == {"violence", "sexual_abuse"}
    assert Incident.objects.get(date=dt.date(2024, 5, 3)).setting.key == "school"
    again = run(tmp_path, rows, cast.commune)
    assert again.counts["unchanged"] == 2 and again.counts["new"] == 0
    rows[0][2] = "violence"
    changed = run(tmp_path, rows, cast.commune)
    assert changed.counts["updated"] == 1
    assert list(first.forms.values_list("key", flat=True)) == ["violence"]


@pytest.mark.parametrize(
    ("row", "column"),
    [
        (["QLTH-1", "02/04/2024", "beating", "family", "", "", ""], "forms"),
        (["QLTH-1", "02/04/2024", "violence", "street", "", "", ""], "setting"),
        (["QLTH-1", "01/01/2015", "violence", "family", "", "", ""], "date"),
        (["QLTH-9", "02/04/2024", "violence", "family", "", "", ""], "case_ref"),
        (["QLTH-1", "", "violence", "family", "", "", ""], "date"),
    ],
)
def test_bad_rows_are_located_errors_and_nothing_is_written(tmp_path, cast, case, row, column):
    good = ["QLTH-1", "03/05/2024", "violence", "family", "", "", ""]
    result = run(tmp_path, [good, row], cast.commune)
    assert not result.committed
    assert [(e["row"], e["column"]) for e in result.errors] == [(3, column)]
    assert Incident.objects.count() == 0


def test_future_date_and_case_out_of_scope_are_refused(tmp_path, cast, case):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    result = run(tmp_path, [["QLTH-1", tomorrow, "violence", "family", "", "", ""]], cast.commune)
    assert [e["column"] for e in result.errors] == ["date"]
    outside = run(tmp_path, [["QLTH-1", "02/04/2024", "violence", "family", "", "", ""]], cast.peer_commune)
    missing = run(tmp_path, [["QLTH-9", "02/04/2024", "violence", "family", "", "", ""]], cast.peer_commune)
    assert outside.errors[0]["reason"] == missing.errors[0]["reason"].replace("QLTH-9", "QLTH-1")
    assert Incident.objects.count() == 0
