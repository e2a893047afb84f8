"""Vietnamese first: translations complete, day-first dates, Vietnamese admin."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django import forms
from django.utils import translation

from .registry import PROJECT_APPS

ROOT = Path(__file__).resolve().parent.parent


def _po_entries(path: Path):
    """(msgid, msgstr, fuzzy) for every entry of a .po file."""
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if line.strip()]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        current, parts = None, {"msgctxt": [], "msgid": [], "msgstr": []}
        for line in lines:
            if line.startswith("msgctxt "):
                current = "msgctxt"
                parts[current].append(json.loads(line[8:]))
            elif line.startswith("msgid_plural"):
                current = None
            elif line.startswith("msgid "):
                current = "msgid"
                parts[current].append(json.loads(line[6:]))
            elif line.startswith("msgstr ") or line.startswith("msgstr[0] "):
                current = "msgstr"
                parts[current].append(json.loads(line.split(" ", 1)[1]))
            elif line.startswith('"') and current:
                parts[current].append(json.loads(line))
        msgid = "".join(parts["msgid"])
        if msgid:
            # A context makes a separate entry ("S" is Sunday or Saturday): keep it, as gettext does.
            context = "".join(parts["msgctxt"])
            yield (f"{context}\x04{msgid}" if context else msgid), "".join(parts["msgstr"]), fuzzy


def po_files() -> list[Path]:
    """Every Vietnamese catalogue of the project: Python and templates (django), JavaScript (djangojs)."""
    return sorted([*ROOT.glob("*/locale/vi/LC_MESSAGES/django.po"), *ROOT.glob("*/locale/vi/LC_MESSAGES/djangojs.po")])


JS_CATALOGUE = ROOT / "config/locale/vi/LC_MESSAGES/djangojs.po"


def test_every_app_with_strings_has_a_vietnamese_catalogue():
    for app in PROJECT_APPS:
        sources = [p for p in (ROOT / app).rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts]
        uses_gettext = any("gettext" in p.read_text(encoding="utf-8") for p in sources)
        if uses_gettext:
            assert (ROOT / app / "locale/vi/LC_MESSAGES/django.po").exists(), app
            assert (ROOT / app / "locale/vi/LC_MESSAGES/django.mo").exists(), app


@pytest.mark.parametrize("path", po_files(), ids=lambda p: f"{p.parts[-5]}-{p.stem}")
def test_every_string_is_translated_into_vietnamese(path):
    untranslated = [msgid for msgid, msgstr, fuzzy in _po_entries(path) if not msgstr or fuzzy]
    assert untranslated == []


def test_dates_are_typed_day_first_in_vietnamese():
    with translation.override("vi"):
        assert forms.DateField().clean("05/03/2020") == dt.date(2020, 3, 5)


def test_dates_are_shown_day_first():
    from django.utils.formats import date_format

    with translation.override("vi"):
        assert date_format(dt.date(2020, 3, 5), "SHORT_DATE_FORMAT") == "05/03/2020"
    with translation.override("en"):
        assert date_format(dt.date(2020, 3, 5), "SHORT_DATE_FORMAT") == "05/03/2020"


def test_the_admin_speaks_vietnamese_and_switches_to_english(cast, client_for):
    client = client_for(cast.province)
    assert "Đơn vị hành chính" in client.get("/admin/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    assert "Administrative units" in client.get("/admin/").content.decode()


def test_time_zone_is_vietnam(settings):
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh" and settings.LANGUAGE_CODE == "vi"


def test_an_english_browser_still_gets_vietnamese_until_the_user_switches(cast, client_for):
    client = client_for(cast.province)
    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Đơn vị hành chính" in page


def test_the_javascript_catalogue_translates_every_admin_widget_string():
    """Every string of the admin's JavaScript (Django's English djangojs template) has our Vietnamese."""
    import django.contrib.admin

    template = Path(django.contrib.admin.__file__).parent / "locale/en/LC_MESSAGES/djangojs.po"
    admin_msgids = {msgid for msgid, _msgstr, _fuzzy in _po_entries(template)}
    ours = {msgid: msgstr for msgid, msgstr, fuzzy in _po_entries(JS_CATALOGUE) if msgstr and not fuzzy}
    assert sorted(admin_msgids - set(ours)) == []
    assert JS_CATALOGUE.with_suffix(".mo").exists()


def _js_catalogue(client) -> dict:
    """The catalogue and formats that the admin's jsi18n view hands to its widgets."""
    response = client.get("/admin/jsi18n/")
    assert response.status_code == 200
    # The view renders ``const newcatalog = {...}`` and ``django.formats = {...}``: read both as JSON.
    text = response.content.decode()
    start = text.index("const newcatalog = ") + len("const newcatalog = ")
    catalog = json.JSONDecoder().raw_decode(text[start:])[0]
    start = text.index("django.formats = ") + len("django.formats = ")
    formats = json.JSONDecoder().raw_decode(text[start:])[0]
    return {"catalog": catalog, "formats": formats}


def test_the_admin_widgets_speak_vietnamese(cast, client_for):
    js = _js_catalogue(client_for(cast.province))
    catalog = js["catalog"]
    assert catalog["Choose all %s"] == "Chọn tất cả %s"
    assert catalog["Remove all %s"] == "Bỏ chọn tất cả %s"
    assert catalog['Choose %s by selecting them and then select the "Choose" arrow button.'].startswith("Chọn %s")
    assert catalog["Note: Enter times in the %(timezone)s timezone. (You are %(offset)s hour ahead.)"][0].startswith(
        "Lưu ý: nhập giờ theo múi giờ"
    )
    assert catalog["%(sel)s of %(cnt)s selected"] == ["Đã chọn %(sel)s trên %(cnt)s"]
    assert catalog["January"] == "Tháng 1"


def test_the_calendar_widget_writes_dates_day_first(cast, client_for):
    # DateTimeShortcuts writes the picked day with the first DATE_INPUT_FORMATS the jsi18n view gives.
    formats = _js_catalogue(client_for(cast.province))["formats"]
    assert formats["DATE_INPUT_FORMATS"][0] == "%d/%m/%Y"
    assert formats["FIRST_DAY_OF_WEEK"] == 1
