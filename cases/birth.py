"""How a child record holds its birth: a date of birth, or only the year (surveys often know no more).

The model, the services and the children import store and read the three fields (``date_of_birth``,
``birth_year``, ``birth_year_only``) through these functions. Nothing here reads the database, so
the model itself may use them.
"""

from __future__ import annotations

import datetime as dt
from typing import overload


@overload
def birth_year_of(*, date_of_birth: dt.date | None, birth_year: int, birth_year_only: bool) -> int: ...


@overload
def birth_year_of(*, date_of_birth: dt.date | None, birth_year: int | None, birth_year_only: bool) -> int | None: ...


def birth_year_of(*, date_of_birth: dt.date | None, birth_year: int | None, birth_year_only: bool) -> int | None:
    """The year of birth a child record stores: that of its date of birth, unless only the year is known."""
    if date_of_birth is not None and not birth_year_only:
        return date_of_birth.year
    return birth_year


def known_date_of_birth(*, date_of_birth: dt.date | None, birth_year_only: bool) -> dt.date | None:
    """The date of birth the checks read: none when only the year is known, whatever the field holds."""
    return None if birth_year_only else date_of_birth


def age_on(*, date_of_birth: dt.date | None, birth_year: int | None, on: dt.date) -> int | None:
    """Completed years on ``on``; with only a year of birth, the age reached during that year."""
    if date_of_birth is not None:
        had_birthday = (on.month, on.day) >= (date_of_birth.month, date_of_birth.day)
        return on.year - date_of_birth.year - (0 if had_birthday else 1)
    if birth_year:
        return on.year - birth_year
    return None


def birth_fields(*, date_of_birth: dt.date | None, birth_year: int | None) -> dict[str, dt.date | int | bool | None]:
    """The three fields of a record that knows ``date_of_birth``, or else only ``birth_year``."""
    year_only = date_of_birth is None
    return {
        "date_of_birth": date_of_birth,
        "birth_year": birth_year_of(date_of_birth=date_of_birth, birth_year=birth_year, birth_year_only=year_only),
        "birth_year_only": year_only,
    }
