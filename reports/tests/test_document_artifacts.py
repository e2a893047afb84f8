"""Writes form 01 and the annual report as PDF, and page 1 of each as PNG.

The pictures under artifacts/documents/ are kept in the repository so that a reviewer sees what
officers print. A test run writes to a temporary folder, so that the tracked files do not change
on every run; ``WRITE_ARTIFACTS=1`` writes them in place, to refresh the pictures after a change
to the documents. The PNG step needs ``pdftoppm`` (Debian package poppler-utils) and is skipped
without it.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from cases.documents import case_document_file
from cases.models import AbuseForm, AbuseSetting, CaseForm, Incident
from reports.area import resolve_area
from reports.documents import annual_report_file
from reports.summary import annual_summary

from .factories import CaseFactory

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "documents"


def _page_one(pdf: Path) -> Path:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is missing: apt-get install poppler-utils to draw the pages as PNG")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(pdf.with_suffix(""))],
        check=True,
    )
    return pdf.with_suffix(".png")


def test_form_01_and_annual_report_as_pictures(world, cast, units, settings, tmp_path):
    settings.AGENCY_SIGNATORY = "Nguyễn Văn An"
    folder = ARTIFACTS if os.environ.get("WRITE_ARTIFACTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    case = CaseFactory(
        commune=units.quang_trung,
        case_ref="QLTH-2024-017",
        opened_on=dt.date(2024, 3, 25),
        emergency=True,
        child__full_name="Nguyễn Thị Hồng Nhung",
        child__date_of_birth=dt.date(2014, 1, 5),
        child__birth_year=2014,
        child__sex="F",
        child__village="Thôn 3",
        child__caregiver_name="Trần Thị Lan",
        child__caregiver_relation="Bà ngoại",
    )
    CaseForm.objects.create(
        case=case,
        form="01",
        filled_on=dt.date(2024, 3, 25),
        filled_by=cast.commune,
        sections={
            "reporter": "Giáo viên chủ nhiệm, gọi đường dây 111",
            "situation": "Trẻ có vết bầm tím ở tay, nói bị đánh ở nhà.",
        },
    )
    incident = Incident.objects.create(
        case=case, date=dt.date(2024, 3, 24), setting=AbuseSetting.objects.get(key="family")
    )
    incident.forms.set(AbuseForm.objects.filter(key="violence"))

    form = folder / "form-01.pdf"
    form.write_bytes(case_document_file(case=case, form="01", fmt="pdf", user=cast.commune).content)
    summary = annual_summary(user=cast.manager, area=resolve_area(user=cast.manager, unit_code="62", year=2024))
    report = folder / "annual-report.pdf"
    report.write_bytes(annual_report_file(summary=summary, fmt="pdf", user=cast.manager).content)
    for pdf in (form, report):
        assert _page_one(pdf).stat().st_size > 10_000
