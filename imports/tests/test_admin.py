"""Admin: upload → preview → errors CSV → commit; buttons of the mixin; scope."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cases.models import Child
from imports.models import ImportJob
from imports.pipeline import run_import
from imports.tests.factories import ensure_codes

GOOD = (
    "survey_year,commune_code,full_name,date_of_birth,sex,notes\r\n"
    '2013,23281,Nguyễn Văn An,05/03/2010,Nam,=HYPERLINK("x")\r\n'
)
BAD = GOOD + "2013,23281,Trần Bé,31/02/2013,Nữ,\r\n"


@pytest.fixture
def codes(db):
    ensure_codes()


def upload(client, text, kind="children"):
    file = io.BytesIO(text.encode())
    file.name = "khao_sat.csv"
    return client.post(reverse("admin:imports_importjob_add"), {"kind": kind, "file": file})


def test_upload_preview_commit_in_the_admin(client_for, cast, codes):
    client = client_for(cast.commune)
    response = upload(client, GOOD)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{job.pk}/change/")
    page = client.get(response["Location"]).content.decode()
    assert 'id="import-commit"' in page
    assert Child.objects.count() == 0
    response = client.post(reverse("admin:imports_importjob_commit", args=[job.pk]))
    assert response.status_code == 302
    assert Child.objects.count() == 1
    job.refresh_from_db()
    assert job.status == "committed"


def test_preview_with_an_error_shows_it_and_offers_the_csv(client_for, cast, codes):
    client = client_for(cast.commune)
    response = upload(client, BAD)
    page = client.get(response["Location"]).content.decode()
    assert "31/02/2013" in page and 'id="import-commit"' not in page
    job = ImportJob.objects.get()
    csv_text = client.get(reverse("admin:imports_importjob_errors", args=[job.pk])).content.decode("utf-8-sig")
    assert "3,date_of_birth,31/02/2013" in csv_text
    # Committing an invalid job is refused and changes nothing.
    client.post(reverse("admin:imports_importjob_commit", args=[job.pk]))
    assert Child.objects.count() == 0


def test_status_endpoint_reports_progress(client_for, cast, codes):
    client = client_for(cast.commune)
    upload(client, GOOD)
    job = ImportJob.objects.get()
    data = client.get(reverse("admin:imports_importjob_status", args=[job.pk])).json()
    assert (data["rows_read"], data["rows_valid"], data["rows_invalid"], data["finished"]) == (1, 1, 0, True)


def test_jobs_out_of_scope_look_missing(client_for, cast, codes):
    upload(client_for(cast.commune), GOOD)
    job = ImportJob.objects.get()
    client = client_for(cast.peer_commune)
    response = client.get(reverse("admin:imports_importjob_change", args=[job.pk]), follow=True)
    assert "không tồn tại" in response.content.decode() or "doesn" in response.content.decode()
    assert client.get(reverse("admin:imports_importjob_status", args=[job.pk])).status_code == 404
    assert client.post(reverse("admin:imports_importjob_commit", args=[job.pk])).status_code == 302
    assert Child.objects.count() == 0
    changelist = client.get(reverse("admin:imports_importjob_changelist")).content.decode()
    assert "khao_sat.csv" not in changelist


def test_viewer_cannot_upload(client_for, cast, codes):
    response = client_for(cast.viewer).get(reverse("admin:imports_importjob_add"))
    assert response.status_code == 403


@pytest.mark.urls("imports.tests.urls")
def test_template_downloads_with_vietnamese_headers_and_codes(client_for, cast, codes):
    client = client_for(cast.commune)
    page = client.get("/buttons/cases/child/").content.decode()
    assert "import-template" in page and "?kind=children" in page
    csv_text = client.get("/buttons/cases/child/template/csv/").content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("Năm điều tra,Mã xã,Họ và tên")
    book = load_workbook(io.BytesIO(client.get("/buttons/cases/child/template/xlsx/").content), read_only=True)
    assert book.sheetnames[0] in {"Dữ liệu", "Data"}
    codes_sheet = [tuple(r) for r in book.worksheets[1].iter_rows(values_only=True)]
    assert any(r[1] == "SC01" for r in codes_sheet)
    assert any(r[1] == "23281" for r in codes_sheet)
    assert not any(r[1] == "23341" for r in codes_sheet)


@pytest.mark.urls("imports.tests.urls")
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_reimports_unchanged_and_escapes_formulas(client_for, cast, codes, tmp_path, fmt):
    path = tmp_path / "in.csv"
    path.write_text(GOOD, encoding="utf-8")
    assert run_import(path=path, kind="children", user=cast.commune, commit=True).committed
    run_import(path=path, kind="children", user=cast.peer_commune, commit=True)
    response = client_for(cast.commune).get(f"/buttons/cases/child/export/{fmt}/")
    out = tmp_path / f"out.{fmt}"
    out.write_bytes(response.content)
    if fmt == "csv":
        assert "'=HYPERLINK" in response.content.decode("utf-8-sig")
    else:
        sheet = load_workbook(out).worksheets[0]
        cell = next(c for c in sheet[2] if isinstance(c.value, str) and "HYPERLINK" in c.value)
        assert cell.data_type == "s"
    result = run_import(path=out, kind="children", user=cast.commune, commit=True, name=out.name)
    assert result.valid, result.errors
    assert (result.counts["read"], result.counts["unchanged"]) == (1, 1)
    assert Child.objects.get(commune__code="23281").notes == '=HYPERLINK("x")'


@pytest.mark.urls("imports.tests.urls")
def test_export_needs_the_export_permission_and_is_scoped(client_for, cast, codes, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text(GOOD.replace("23281", "23341"), encoding="utf-8")
    assert run_import(path=path, kind="children", user=cast.peer_commune, commit=True).committed
    content = client_for(cast.commune).get("/buttons/cases/child/export/csv/").content.decode("utf-8-sig")
    assert "Nguyễn Văn An" not in content
    assert client_for(cast.collaborator).get("/buttons/cases/child/export/csv/").status_code == 403


def test_changelist_does_not_read_errors_or_duplicates(client_for, cast, codes):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(cast.commune)
    upload(client, BAD)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("admin:imports_importjob_changelist")).content.decode()
    assert "khao_sat.csv" in page
    jobs = [q["sql"] for q in queries.captured_queries if 'FROM "imports_importjob"' in q["sql"]]
    assert jobs and not any('"imports_importjob"."errors"' in sql for sql in jobs)


def test_a_viewer_cannot_open_an_import_job_nor_its_errors_nor_its_status(client_for, cast, codes):
    officer = client_for(cast.province)
    rows = GOOD + "2013,23281,Trần Bé,05/03/2013,Nữ,999BADPID999\r\n"
    upload(officer, rows.replace("notes", "personal_id"))
    job = ImportJob.objects.get()
    assert job.errors  # the bad personal ID is listed with its value
    viewer = client_for(cast.viewer)
    for name in ["change", "errors", "status", "commit"]:
        response = viewer.get(reverse(f"admin:imports_importjob_{name}", args=[job.pk]))
        assert response.status_code == 403, name
        assert b"999BADPID999" not in response.content
        # The same answer for an id that does not exist: the viewer learns nothing.
        assert viewer.get(reverse(f"admin:imports_importjob_{name}", args=[job.pk + 1000])).status_code == 403


@pytest.mark.urls("imports.tests.urls")
def test_the_children_export_includes_a_child_without_a_survey_record(client_for, cast, codes, units, tmp_path):
    from cases.tests.factories import ChildFactory

    path = tmp_path / "in.csv"
    path.write_text(GOOD, encoding="utf-8")
    assert run_import(path=path, kind="children", user=cast.commune, commit=True).committed
    ChildFactory(full_name="Lê Chưa Khảo Sát", commune=units.quang_trung)
    content = client_for(cast.commune).get("/buttons/cases/child/export/csv/").content.decode("utf-8-sig")
    assert "Nguyễn Văn An" in content
    row = next(line for line in content.splitlines() if "Lê Chưa Khảo Sát" in line)
    assert row.startswith(",23281,")  # no survey year, the child's commune
