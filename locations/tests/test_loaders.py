import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from locations.loaders import UnitLoadError, load_official_units, load_units_csv
from locations.models import Unit, UnitConversion

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    # The assertions below match the English wording of the messages.
    with translation.override("en"):
        yield


def test_kon_tum_legacy_has_10_districts_and_102_communes(units):
    kontum = Unit.objects.get(edition="legacy", level="province", code="62")
    assert Unit.objects.filter(province=kontum, level="district").count() == 10
    assert Unit.objects.filter(province=kontum, level="commune").count() == 102
    assert kontum.valid_to == dt.date(2025, 6, 30) and kontum.valid_from is None


def test_quang_ngai_current_has_communes_directly_under_the_province(units):
    quangngai = Unit.objects.get(edition="current", level="province", code="51")
    communes = Unit.objects.filter(parent=quangngai, level="commune")
    assert communes.count() == 96
    assert not Unit.objects.filter(province=quangngai, level="district").exists()
    assert communes.first().valid_from == dt.date(2025, 7, 1)


def test_loading_twice_changes_nothing(units):
    before = list(Unit.objects.order_by("pk").values_list("pk", "name", "parent_id", "province_id", "district_id"))
    result = load_official_units(edition="legacy", provinces=["62"])
    assert (result.created, result.updated) == (0, 0)
    assert result.unchanged == 1 + 10 + 102
    result = load_official_units(edition="current", provinces=["51"])
    assert (result.created, result.updated, result.conversions_created) == (0, 0, 0)
    after = list(Unit.objects.order_by("pk").values_list("pk", "name", "parent_id", "province_id", "district_id"))
    assert before == after


def test_conversion_table_links_kon_tum_communes_to_quang_ngai(units):
    te_xang = Unit.objects.get(edition="legacy", code="23446")
    link = UnitConversion.objects.get(legacy=te_xang)
    assert link.current.code == "23446" and link.current.edition == "current"
    assert link.current.name == "Xã Măng Ri"
    # Both directions are queryable.
    assert te_xang in [c.legacy for c in link.current.predecessor_links.all()]


def test_stored_ancestors_make_at_or_below_one_filter(units):
    below = Unit.objects.at_or_below(units.kontum_city)
    assert units.quang_trung in below and units.dakglei_town not in below
    assert below.filter(level="commune").count() == Unit.objects.filter(parent=units.kontum_city).count()


def test_unknown_province_code_is_refused_and_changes_nothing(units):
    count = Unit.objects.count()
    with pytest.raises(CommandError, match="Unknown province"):
        call_command("load_units", "--edition", "legacy", "--province", "99")
    with pytest.raises(CommandError, match="digits"):
        call_command("load_units", "--edition", "legacy", "--province", "KT")
    assert Unit.objects.count() == count


def _csv(*rows: str) -> str:
    return "level,code,name,parent_code,valid_from,valid_to\n" + "\n".join(rows) + "\n"


def test_csv_patch_sets_a_district_founding_date(units):
    result = load_units_csv(_csv("district,608,Thành phố Kon Tum,62,2015-04-01,2025-06-30"))
    assert result.updated == 1
    district = Unit.objects.get(edition="legacy", level="district", code="608")
    assert district.valid_from == dt.date(2015, 4, 1)
    # The official refresh keeps the correction.
    load_official_units(edition="legacy", provinces=["62"])
    district.refresh_from_db()
    assert district.valid_from == dt.date(2015, 4, 1)


def test_csv_creates_a_new_commune_under_a_district(units):
    load_units_csv(_csv("commune,99001,Xã Thử Nghiệm,608,2020-01-01,2025-06-30"))
    commune = Unit.objects.get(code="99001")
    assert commune.parent == units.kontum_city and commune.province == units.kontum
    assert commune.district == units.kontum_city and commune.edition == "legacy"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("level,code,name\ncommune,99001,X\n", "Missing column"),
        (_csv("commune,99001,Xã A,608,2020-13-01,"), "not a date"),
        (_csv("commune,99001,Xã A,699,2020-01-01,"), "unknown parent"),
        (_csv("district,697,Huyện A,698,,", "district,698,Huyện B,697,,"), "cycle"),
        (_csv("commune,99001,Xã A,608,2025-08-01,"), "legacy parent"),
        (_csv("province,62,Tỉnh Kon Tum,,2020-01-01,2019-01-01"), "before"),
    ],
)
def test_malformed_csv_is_refused_and_changes_nothing(units, text, message):
    before = Unit.objects.count()
    with pytest.raises(UnitLoadError, match=message):
        load_units_csv(text)
    assert Unit.objects.count() == before


def test_load_units_command_reports_a_missing_csv_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("load_units", "--from-csv", str(tmp_path / "missing.csv"))


def test_load_units_command_reads_a_csv_file(units, tmp_path):
    path = tmp_path / "patch.csv"
    path.write_text(_csv("commune,99002,Xã Mới,610,2018-01-01,2025-06-30"), encoding="utf-8")
    out = io.StringIO()
    call_command("load_units", "--from-csv", str(path), stdout=out)
    assert "1 created" in out.getvalue()
    assert Unit.objects.get(code="99002").district == units.dakglei
