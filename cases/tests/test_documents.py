"""The Decree 56 forms of a case as DOCX and PDF: content, dotted blanks, scope, bad input."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document as read_docx
from pypdf import PdfReader
from rest_framework.test import APIClient

from cases.documents import CASE_DOCUMENTS
from cases.models import Case, CaseForm, SupportPlan
from documents.content import NATIONAL_MOTTO, NATIONAL_NAME

from .factories import CaseFactory

pytestmark = pytest.mark.django_db
FORMS = ["01", "02", "03", "plan", "06", "closure"]


def docx_text(content: bytes) -> str:
    """Every paragraph of the document, tables (nested ones too) included."""
    document = read_docx(io.BytesIO(content))
    parts: list[str] = []

    def walk(container) -> None:
        parts.extend(p.text for p in container.paragraphs)
        for table in container.tables:
            for row in table.rows:
                for cell in row.cells:
                    walk(cell)

    walk(document)
    return "\n".join(parts)


def pdf_text(content: bytes) -> str:
    """The text of every page, whitespace collapsed (a long name may wrap in the heading)."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


@pytest.fixture
def case(units, cast):
    case = CaseFactory(
        commune=units.quang_trung,
        case_ref="QLTH-2024-017",
        opened_on=dt.date(2024, 3, 25),
        child__full_name="Nguyễn Thị Hồng Nhung",
        child__date_of_birth=dt.date(2014, 1, 5),
        child__birth_year=2014,
        child__village="Thôn 3",
    )
    CaseForm.objects.create(
        case=case,
        form="03",
        filled_on=dt.date(2024, 4, 2),
        filled_by=cast.commune,
        sections={"family": "Sống với bà ngoại", "needs": "Hỗ trợ học tập"},
    )
    SupportPlan.objects.create(
        case=case, cycle=1, goals="Trẻ đi học đều", decision_no="12/QĐ-UBND", decision_on=dt.date(2024, 4, 9)
    )
    return case


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def url(case_id: int, form: str) -> str:
    return f"/api/v1/cases/{case_id}/documents/{form}/"


@pytest.mark.parametrize("form", FORMS)
def test_docx_holds_heading_child_case_number_and_dates(case, cast, form):
    response = api(cast.commune).get(url(case.pk, form), {"format": "docx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert response["Content-Disposition"].startswith("attachment;")
    text = docx_text(response.content)
    assert NATIONAL_NAME in text and NATIONAL_MOTTO in text
    assert "Nguyễn Thị Hồng Nhung" in text
    assert "QLTH-2024-017" in text
    assert "ngày 25 tháng 3 năm 2024" in text  # the report received
    assert "ngày 05 tháng 01 năm 2014" in text  # the child's birth, with the leading zeros of official dates


@pytest.mark.parametrize("form", FORMS)
def test_pdf_holds_heading_child_case_number_and_dates(case, cast, form):
    response = api(cast.commune).get(url(case.pk, form), {"format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert NATIONAL_NAME in text and NATIONAL_MOTTO in text
    assert "Nguyễn Thị Hồng Nhung" in text
    assert "QLTH-2024-017" in text
    assert "ngày 25 tháng 3 năm 2024" in text
    assert "ngày 05 tháng 01 năm 2014" in text


def test_documents_name_the_agency_and_signatory_from_settings(case, cast, settings):
    settings.AGENCY_NAME = "Sở Y tế tỉnh Thử Nghiệm"
    settings.AGENCY_SIGNATORY = "Trần Văn Ký"
    settings.AGENCY_PLACE = "Thành Phố Thử"
    for fmt, read in (("docx", docx_text), ("pdf", pdf_text)):
        text = read(api(cast.commune).get(url(case.pk, "03"), {"format": fmt}).content)
        assert "SỞ Y TẾ TỈNH THỬ NGHIỆM" in text
        assert "Trần Văn Ký" in text
        # Form 03 is dated the day it was filled in.
        assert "Thành Phố Thử, ngày 02 tháng 4 năm 2024" in text


def test_recorded_sections_are_printed_and_empty_ones_are_dotted(case, cast):
    docx = read_docx(io.BytesIO(api(cast.commune).get(url(case.pk, "03"), {"format": "docx"}).content))
    paragraphs = [p for p in docx.paragraphs if p.text]
    texts = [p.text for p in paragraphs]
    assert any("Sống với bà ngoại" in t for t in texts)
    # The empty "health" section: its label, then a tab to a dotted leader up to the margin.
    education = next(p for p in paragraphs if p.text.startswith(str(_label("03", "education"))))
    assert education.text.endswith("\t")
    assert 'w:leader="dot"' in education._p.xml
    pdf = pdf_text(api(cast.commune).get(url(case.pk, "03"), {"format": "pdf"}).content)
    assert "Hỗ trợ học tập" in pdf
    assert "." * 40 in pdf


def _label(form: str, key: str):
    from django.utils import translation

    from cases.case_forms import FORM_SECTIONS

    with translation.override("vi"):
        return str(dict(FORM_SECTIONS[form])[key])


def test_plan_document_carries_the_approval_decision(case, cast):
    text = docx_text(api(cast.commune).get(url(case.pk, "plan"), {"format": "docx"}).content)
    assert "12/QĐ-UBND" in text
    assert "ngày 09 tháng 4 năm 2024" in text
    assert "Trẻ đi học đều" in text


def test_out_of_scope_case_is_404_like_a_missing_one(case, cast):
    response = api(cast.peer_commune).get(url(case.pk, "01"), {"format": "docx"})
    missing = api(cast.peer_commune).get(url(10**9, "01"), {"format": "docx"})
    assert response.status_code == missing.status_code == 404
    assert response.json() == missing.json()


def test_unknown_form_is_404_and_bad_format_400(case, cast):
    assert api(cast.commune).get(url(case.pk, "05"), {"format": "docx"}).status_code == 404
    response = api(cast.commune).get(url(case.pk, "01"), {"format": "odt"})
    assert response.status_code == 400
    assert "docx" in response.json()["format"][0]


def test_viewers_get_no_case_documents(case, cast):
    assert api(cast.viewer).get(url(case.pk, "01"), {"format": "docx"}).status_code == 403
    client = APIClient()
    assert client.get(url(case.pk, "01"), {"format": "docx"}).status_code in (401, 403)


def test_case_page_offers_every_form_in_both_formats(case, cast, client_for):
    page = client_for(cast.commune).get(reverse("admin:cases_case_change", args=[case.pk]))
    content = page.content.decode()
    for form in CASE_DOCUMENTS:
        for fmt in ("docx", "pdf"):
            assert f'id="document-{form}-{fmt}"' in content


def test_admin_button_downloads_the_document(case, cast, client_for):
    address = reverse("admin:cases_case_document", args=[case.pk, "03"])
    response = client_for(cast.commune).get(address, {"format": "pdf"})
    assert response.status_code == 200
    assert "Nguyễn Thị Hồng Nhung" in pdf_text(response.content)
    assert client_for(cast.commune).get(address, {"format": "rtf"}).status_code == 400
    unknown = reverse("admin:cases_case_document", args=[case.pk, "99"])
    assert client_for(cast.commune).get(unknown, {"format": "pdf"}).status_code == 404


def test_admin_document_out_of_scope_reads_like_a_missing_case(case, cast, client_for):
    client = client_for(cast.peer_commune)
    outside = client.get(reverse("admin:cases_case_document", args=[case.pk, "01"]), {"format": "docx"})
    missing = client.get(reverse("admin:cases_case_document", args=[10**9, "01"]), {"format": "docx"})
    assert outside.status_code == missing.status_code == 302
    assert outside["Location"] == missing["Location"]
    assert client_for(cast.viewer).get(reverse("admin:cases_case_document", args=[case.pk, "01"])).status_code in (
        302,
        403,
    )


def test_a_rendered_document_is_a_print_in_the_access_log(case, cast, client_for):
    from audit.models import AccessEvent

    address = reverse("admin:cases_case_document", args=[case.pk, "01"])
    response = client_for(cast.commune).get(address, {"format": "docx"})
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    printed = AccessEvent.objects.filter(action="print", case_id=case.pk, user=cast.commune)
    assert printed.count() == 1
    api = client_for(cast.commune).get(f"/api/v1/cases/{case.pk}/documents/02/", {"format": "docx"})
    assert api.status_code == 200
    assert AccessEvent.objects.filter(action="print", case_id=case.pk).count() == 2


@pytest.mark.parametrize(("fmt", "read"), [("docx", docx_text), ("pdf", pdf_text)])
def test_form_01_gives_the_intake_channel_and_the_hour_of_the_report(case, cast, fmt, read):
    case.channel = Case.Channel.HOTLINE_111
    case.reported_at = timezone.make_aware(dt.datetime(2024, 3, 25, 7, 45))
    case.save()
    text = read(api(cast.commune).get(url(case.pk, "01"), {"format": fmt}).content)
    assert "Kênh tiếp nhận" in text and "Tổng đài" in text
    assert "07 giờ 45 phút, ngày 25 tháng 3 năm 2024" in text
    # The other forms do not repeat the intake.
    assert "Kênh tiếp nhận" not in read(api(cast.commune).get(url(case.pk, "02"), {"format": fmt}).content)


def test_form_01_leaves_an_unknown_channel_and_hour_to_fill_in(case, cast):
    text = docx_text(api(cast.commune).get(url(case.pk, "01"), {"format": "docx"}).content)
    lines = text.split("\n")
    assert any(line.startswith("Kênh tiếp nhận") for line in lines)
    assert any(line.startswith("Thời điểm tiếp nhận thông tin") for line in lines)
    assert not any("giờ" in line and "phút" in line for line in lines)
