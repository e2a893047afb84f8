"""The annual summary as an official report: DOCX and PDF from the page and the command line."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from cases.tests.test_documents import docx_text, pdf_text
from documents.content import NATIONAL_MOTTO, NATIONAL_NAME

pytestmark = pytest.mark.django_db


def test_page_downloads_the_report_as_docx_with_tables_and_charts(world, cast, client_for, settings):
    from docx import Document as read_docx

    settings.AGENCY_NAME = "Sở Y tế tỉnh Kon Tum"
    response = client_for(cast.manager).get(
        reverse("admin:reports_report_changelist"), {"unit": "62", "year": "2024", "format": "docx"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="annual-summary-62-2024.docx"'
    text = docx_text(response.content)
    assert NATIONAL_NAME in text and NATIONAL_MOTTO in text
    assert "SỞ Y TẾ TỈNH KON TUM" in text
    assert "2024" in text and "Tỉnh Kon Tum" in text
    # The narrative, in Vietnamese, and the breakdown table with a district of the province.
    assert "lượt người" in text
    assert "Thành phố Kon Tum" in text
    document = read_docx(io.BytesIO(response.content))
    assert len(document.inline_shapes) == 3  # the three charts
    assert len(document.tables) >= 4  # heading, indicators, breakdown, months (and signatures)


def test_cli_writes_the_report_as_pdf(world, cast, tmp_path):
    target = tmp_path / "report.pdf"
    call_command(
        "annual_report",
        "--unit",
        "62",
        "--year",
        "2024",
        "--user",
        "manager",
        "--format",
        "pdf",
        "--output",
        str(target),
    )
    text = pdf_text(target.read_bytes())
    assert NATIONAL_NAME in text and NATIONAL_MOTTO in text
    assert "Tỉnh Kon Tum" in text and "lượt người" in text
    assert "ngày" in text and "tháng" in text and "năm" in text


def test_cli_writes_the_report_as_docx(world, cast, tmp_path):
    target = tmp_path / "report.docx"
    call_command("annual_report", "--unit", "608", "--year", "2024", "--format", "docx", "--output", str(target))
    assert "Thành phố Kon Tum" in docx_text(target.read_bytes())


def test_viewer_may_download_the_report_and_bad_year_is_400(world, cast, client_for):
    address = reverse("admin:reports_report_changelist")
    assert client_for(cast.viewer).get(address, {"unit": "62", "year": "2024", "format": "pdf"}).status_code == 200
    assert client_for(cast.viewer).get(address, {"unit": "62", "year": "3000", "format": "pdf"}).status_code == 400
