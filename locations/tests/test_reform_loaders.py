"""Bad input across the reform: patches mixing the structures, conversion entries naming unknown units."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from cases.models import Child
from locations.loaders import UnitLoadError, load_conversions_csv, load_units_csv
from locations.models import Unit, UnitConversion

pytestmark = pytest.mark.django_db

HEADER = "level,code,name,parent_code,valid_from,valid_to\n"
# A commune of current Quảng Ngãi whose legacy namesake (in legacy Quảng Ngãi) is not loaded in the tests.
CURRENT_ONLY = "21548"


def current_only_commune() -> Unit:
    assert not Unit.objects.filter(code=CURRENT_ONLY, edition="legacy").exists()
    return Unit.objects.get(code=CURRENT_ONLY, edition="current", level="commune")


def test_undated_patch_giving_a_current_commune_a_legacy_parent_is_refused(units):
    commune = current_only_commune()
    with pytest.raises(UnitLoadError, match="608"):
        load_units_csv(HEADER + f"commune,{CURRENT_ONLY},{commune.name},608,,\n")
    commune.refresh_from_db()
    assert commune.parent == units.quangngai
    assert not Unit.objects.filter(code=CURRENT_ONLY, edition="legacy").exists()


def test_dated_patch_giving_a_current_commune_a_legacy_parent_is_refused(units):
    with pytest.raises(UnitLoadError, match="608"):
        load_units_csv(HEADER + "commune,23293,Phường Kon Tum,608,2025-07-01,\n")
    assert Unit.objects.get(code="23293", edition="current").parent == units.quangngai


def test_patch_giving_a_legacy_commune_a_current_parent_is_refused(units):
    before = Unit.objects.count()
    with pytest.raises(UnitLoadError, match="51"):
        load_units_csv(HEADER + "commune,99003,Xã Thử,51,2020-01-01,2025-06-30\n")
    assert Unit.objects.count() == before


def test_undated_patch_of_a_current_province_stays_current(units):
    load_units_csv(HEADER + "province,51,Tỉnh Quảng Ngãi,,,\n")
    assert not Unit.objects.filter(code="51", edition="legacy").exists()


def test_conversion_entry_naming_an_unknown_unit_is_refused_and_nothing_saved(units):
    before = UnitConversion.objects.count()
    text = "legacy_code,current_code\n23284,23293\n99999,23293\n"
    with pytest.raises(UnitLoadError, match="99999"):
        load_conversions_csv(text)
    assert UnitConversion.objects.count() == before


def test_conversion_entry_with_ends_in_the_wrong_structure_is_refused(units):
    with pytest.raises(UnitLoadError, match="current_code"):
        load_conversions_csv("legacy_code,current_code\n23281,23281\n")


def test_conversion_csv_adds_an_entry_and_records_follow(units, tmp_path):
    kid = Child.objects.create(full_name="Y Nhi", birth_year=2016, sex="F", commune=units.quang_trung)
    other = current_only_commune()
    path = tmp_path / "conversions.csv"
    path.write_text(f"legacy_code,current_code,is_partial\n23281,{other.code},1\n", encoding="utf-8")
    out = io.StringIO()
    call_command("load_units", "--conversions-csv", str(path), stdout=out)
    assert "1 conversion" in out.getvalue() or "1" in out.getvalue()
    link = UnitConversion.objects.get(legacy=units.quang_trung, current=other)
    assert link.rank == 1 and link.is_partial
    # Quang Trung now has two successors: its record keeps the first one.
    kid.refresh_from_db()
    assert kid.current_unit == units.kontum_ward
    assert kid.current_unit_to_review is True
    call_command("load_units", "--conversions-csv", str(path), stdout=io.StringIO())
    assert UnitConversion.objects.filter(legacy=units.quang_trung).count() == 2
    kid.refresh_from_db()
    assert (kid.current_unit, kid.current_unit_to_review) == (units.kontum_ward, True)


def test_conversion_csv_flags_only_the_records_of_the_commune_that_was_split(units):
    split = Child.objects.create(full_name="Y Nhi", birth_year=2016, sex="F", commune=units.quang_trung)
    whole = Child.objects.create(full_name="A Lực", birth_year=2016, sex="M", commune=units.duy_tan)
    whole_before = (whole.current_unit, whole.current_unit_to_review)
    load_conversions_csv(f"legacy_code,current_code\n23281,{current_only_commune().code}\n")
    split.refresh_from_db()
    whole.refresh_from_db()
    assert (split.current_unit, split.current_unit_to_review) == (units.kontum_ward, True)
    assert (whole.current_unit, whole.current_unit_to_review) == whole_before
    assert whole_before[1] is False


def test_load_units_gives_records_without_a_current_unit_one(units, tmp_path):
    kid = Child.objects.create(full_name="A Lực", birth_year=2016, sex="M", commune=units.duy_tan)
    Child.objects.filter(pk=kid.pk).update(current_unit=None)
    path = tmp_path / "patch.csv"
    path.write_text(HEADER + "district,608,Thành phố Kon Tum,62,,2025-06-30\n", encoding="utf-8")
    out = io.StringIO()
    call_command("load_units", "--from-csv", str(path), stdout=out)
    kid.refresh_from_db()
    assert kid.current_unit is not None
    assert "1 records" in out.getvalue()


def test_load_units_reports_a_missing_conversions_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("load_units", "--conversions-csv", str(tmp_path / "missing.csv"))
