"""Uploads are accepted by their content: PDF, Office files and common images only."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from scope.uploads import OLE_SIGNATURE, validate_document

HTML = b"<!doctype html><html><body><script>fetch('/admin/')</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"><script>alert(1)</script></svg>'
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
GIF = b"GIF89a" + b"\x00" * 40
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 40
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def ooxml(main_part: str) -> bytes:
    """A minimal Office Open XML package (DOCX, XLSX or PPTX by its main part)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        archive.writestr(main_part, '<?xml version="1.0"?><root/>')
    return out.getvalue()


def xlsx() -> bytes:
    from openpyxl import Workbook

    out = io.BytesIO()
    book = Workbook()
    book.active.append(["Danh sách", 1])
    book.save(out)
    return out.getvalue()


def ole() -> bytes:
    # A legacy Office (compound file) header followed by empty sectors.
    return OLE_SIGNATURE + b"\x00" * 1024


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("index.html", HTML)
    return out.getvalue()


def check(name: str, content: bytes) -> None:
    from cases.models import CaseAttachment

    field = CaseAttachment._meta.get_field("file")
    attachment = CaseAttachment(file=SimpleUploadedFile(name, content))
    field.run_validators(attachment.file)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bien-ban.pdf", PDF),
        ("anh.png", PNG),
        ("anh.jpg", JPEG),
        ("anh.JPEG", JPEG),
        ("anh.gif", GIF),
        ("anh.webp", WEBP),
        ("ke-hoach.docx", ooxml("word/document.xml")),
        ("danh-sach.xlsx", xlsx()),
        ("trinh-bay.pptx", ooxml("ppt/presentation.xml")),
        ("cu.doc", ole()),
        ("cu.xls", ole()),
    ],
)
def test_documents_and_images_are_accepted(name, content):
    check(name, content)


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("evil.html", HTML, "file_type"),
        ("plan.svg", SVG, "file_type"),
        ("photo.jpg", HTML, "file_content"),
        ("plan.pdf", SVG, "file_content"),
        ("bien-ban.docx", PDF, "file_content"),
        ("bang.xlsx", ooxml("word/document.xml"), "file_content"),
        ("trang.docx", plain_zip(), "file_content"),
        ("cu.doc", PNG, "file_content"),
        ("script.js", b"alert(1)", "file_type"),
        ("khong-duoi", PDF, "file_type"),
    ],
)
def test_anything_else_is_refused_by_content_or_name(name, content, code):
    with pytest.raises(ValidationError) as exc:
        check(name, content)
    assert exc.value.error_list[0].code == code


def test_the_refusal_is_in_vietnamese():
    with translation.override("vi"), pytest.raises(ValidationError) as exc:
        check("photo.jpg", HTML)
    assert exc.value.messages == [
        "Nội dung của tệp “photo.jpg” không phải là tệp .jpg, dù tên tệp nói vậy. "
        "Chỉ nhận PDF, Word, Excel, PowerPoint và ảnh (JPG, PNG, GIF, WEBP, HEIC)."
    ]
    with translation.override("vi"), pytest.raises(ValidationError) as exc:
        check("evil.html", HTML)
    assert exc.value.messages[0].startswith("Không nhận tệp loại “.html”.")


def test_a_stored_file_is_not_read_again():
    from cases.models import CaseAttachment

    # Saved earlier (the file may even be gone): changing the title must not re-read it.
    validate_document(CaseAttachment(file="cases/attachments/2024/a.pdf").file)


def test_every_user_upload_field_checks_the_content():
    from scope.downloads import project_file_fields

    unchecked = [
        f"{model._meta.label}.{field.name}"
        for model, field in project_file_fields()
        if validate_document not in field.validators
    ]
    # Import files are read and checked by the import pipeline (CSV/XLSX, row by row).
    assert unchecked == ["imports.ImportJob.file"]


def test_case_attachment_with_a_script_is_a_form_error_in_the_admin(cast, client_for, units, settings, tmp_path):
    from cases.models import CaseAttachment
    from tests.scope_world import build_case

    settings.MEDIA_ROOT = tmp_path
    case = build_case(units.quang_trung)
    client = client_for(cast.commune)
    url = reverse("admin:cases_case_change", args=[case.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif isinstance(value, dt.date):
            data[name] = value.strftime("%d/%m/%Y")
        else:
            data[name] = getattr(value, "pk", value)
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management.initial.get(name, 0)
    prefix = next(f.formset.prefix for f in page.context["inline_admin_formsets"] if f.formset.model is CaseAttachment)
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": 1,
            f"{prefix}-0-title": "Biên bản",
            f"{prefix}-0-file": SimpleUploadedFile("photo.jpg", HTML),
            f"{prefix}-0-case": case.pk,
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200, response.get("Location")
    errors = [formset.formset.errors for formset in response.context["inline_admin_formsets"]]
    assert any("file" in e for errors_ in errors for e in errors_), errors
    assert "Nội dung của tệp “photo.jpg”" in response.content.decode()
    assert not CaseAttachment.objects.exists()


def test_plan_document_with_a_script_is_refused_by_the_service(cast, units, settings, tmp_path):
    from cases.models import Case, SupportPlan
    from cases.services import case_transition
    from tests.scope_world import build_case

    settings.MEDIA_ROOT = tmp_path
    case = build_case(units.quang_trung)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.DETAILED_ASSESSMENT)
    with pytest.raises(ValidationError) as exc:
        case_transition(
            case=case,
            user=cast.commune,
            to_status=Case.Status.PLAN_APPROVED,
            decision_no="12/QĐ-UBND",
            decision_on=case.opened_on,
            on=case.opened_on,
            document=SimpleUploadedFile("plan.svg", SVG),
        )
    assert "document" in exc.value.message_dict
    assert not SupportPlan.objects.exists()
    assert not list(tmp_path.rglob("*.svg"))


def test_outreach_photo_holding_html_is_refused(cast, units, settings, tmp_path):
    from outreach import services
    from outreach.models import EventAttachment
    from tests.scope_world import build_event

    settings.MEDIA_ROOT = tmp_path
    event = build_event(units.quang_trung)
    with pytest.raises(ValidationError) as exc:
        services.event_attachment_save(
            user=cast.commune, attachment=EventAttachment(event=event, file=SimpleUploadedFile("photo.jpg", HTML))
        )
    assert "file" in exc.value.message_dict
    assert not EventAttachment.objects.exists()
