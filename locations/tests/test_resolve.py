import datetime as dt

import pytest
from django.utils import translation

from locations.models import Unit
from locations.resolve import UnitCodebook, UnitNotFound, normalise_code, resolve_unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_a_code_resolves_to_the_unit_valid_on_the_date(units):
    legacy = resolve_unit("23446", dt.date(2020, 1, 1))
    current = resolve_unit("23446", dt.date(2025, 7, 1))
    assert legacy.edition == "legacy" and legacy.name == "Xã Tê Xăng"
    assert current.edition == "current" and current.name == "Xã Măng Ri"
    assert resolve_unit("23446", dt.date(2025, 6, 30)).edition == "legacy"


def test_a_legacy_code_after_the_reform_names_its_successor(units):
    with pytest.raises(UnitNotFound) as err:
        resolve_unit("23281", dt.date(2025, 9, 1))
    message = str(err.value)
    assert "23281 Phường Quang Trung" in message and "01/07/2025" in message
    assert "23293 Phường Kon Tum" in message


def test_unknown_code_is_refused(units):
    with pytest.raises(UnitNotFound, match="99999"):
        resolve_unit("99999", dt.date(2020, 1, 1))


def test_a_unit_not_yet_founded_is_refused(units):
    Unit.objects.filter(edition="legacy", code="608").update(valid_from=dt.date(2015, 4, 1))
    with pytest.raises(UnitNotFound, match="01/04/2015"):
        resolve_unit("608", dt.date(2013, 1, 1))
    assert resolve_unit("608", dt.date(2016, 1, 1)).code == "608"


def test_codes_lose_leading_zeros_in_spreadsheets():
    assert normalise_code(1234) == "01234"
    assert normalise_code("62.0") == "62"
    assert normalise_code("1", "province") == "01"


def test_codebook_resolves_many_codes_with_one_query(units, django_assert_num_queries):
    with django_assert_num_queries(1):
        book = UnitCodebook(levels=["commune"], codes=["23281", "23341", "23557"])
    with django_assert_num_queries(0):
        assert book.resolve("23281", dt.date(2014, 1, 1)).name == "Phường Quang Trung"
        assert book.resolve("23557", dt.date(2014, 1, 1)).province_id == units.gialai.pk
