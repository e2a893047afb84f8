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
        current, parts = None, {"msgid": [], "msgstr": []}
        for line in lines:
            if line.startswith("msgid_plural"):
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
            yield msgid, "".join(parts["msgstr"]), fuzzy


def po_files() -> list[Path]:
    return sorted([*ROOT.glob("*/locale/vi/LC_MESSAGES/django.po")])


def test_every_app_with_strings_has_a_vietnamese_catalogue():
    for app in PROJECT_APPS:
        sources = [p for p in (ROOT / app).rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts]
        uses_gettext = any("gettext" in p.read_text(encoding="utf-8") for p in sources)
        if uses_gettext:
            assert (ROOT / app / "locale/vi/LC_MESSAGES/django.po").exists(), app
            assert (ROOT / app / "locale/vi/LC_MESSAGES/django.mo").exists(), app


@pytest.mark.parametrize("path", po_files(), ids=lambda p: p.parts[-5])
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
