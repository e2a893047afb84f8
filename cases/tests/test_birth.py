import datetime as dt

import pytest

from cases.birth import birth_fields, birth_year_of, known_date_of_birth
from cases.models import Child
from cases.services import child_save

from .factories import ChildFactory

BORN = dt.date(2015, 3, 5)


@pytest.mark.parametrize(
    ("date_of_birth", "birth_year", "year_only", "year"),
    [
        (BORN, 2015, False, 2015),
        # A date typed after the year: the date wins.
        (BORN, 2014, False, 2015),
        # Only the year is known: the date field is a placeholder, the year stays.
        (BORN, 2014, True, 2014),
        (None, 2014, False, 2014),
        (None, None, False, None),
    ],
)
def test_the_year_of_birth_is_the_dates_unless_only_the_year_is_known(date_of_birth, birth_year, year_only, year):
    assert birth_year_of(date_of_birth=date_of_birth, birth_year=birth_year, birth_year_only=year_only) == year


def test_checks_read_no_date_of_birth_when_only_the_year_is_known():
    assert known_date_of_birth(date_of_birth=BORN, birth_year_only=False) == BORN
    assert known_date_of_birth(date_of_birth=BORN, birth_year_only=True) is None


def test_the_stored_fields_of_a_date_or_a_year_alone():
    assert birth_fields(date_of_birth=BORN, birth_year=2015) == {
        "date_of_birth": BORN,
        "birth_year": 2015,
        "birth_year_only": False,
    }
    assert birth_fields(date_of_birth=None, birth_year=2014) == {
        "date_of_birth": None,
        "birth_year": 2014,
        "birth_year_only": True,
    }


def test_the_service_checks_and_stores_the_year_of_the_date(cast, units):
    # Digits 4–6 of the personal ID say a boy born in 2015: the typed year 2014 gives way to the date.
    child = ChildFactory.build(
        commune=units.quang_trung, date_of_birth=BORN, birth_year=2014, personal_id="062215001234"
    )
    child_save(child=child, user=cast.commune, on=dt.date(2024, 6, 1))
    assert Child.objects.get(pk=child.pk).birth_year == 2015
