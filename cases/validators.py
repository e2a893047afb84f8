"""Pure checks of a child's and a case's data, shared by the services, the admin, the API and imports.

Each check of a child returns ``(errors, warnings)``: lists of messages in the active language.
An error refuses the record; a warning asks the user to confirm (``accept_warnings``).
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from .birth import age_on
from .models import CHILD_AGE_LIMIT

PERSONAL_ID_LENGTH = 12

# Birth-registration province codes of a personal ID: "0" + the statistics code of one of the
# 63 provinces that existed when the numbering began (the 2025 reform kept them as they were).
PROVINCE_PREFIXES = frozenset(
    f"0{code:02d}"
    for code in (
        1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33,
        34, 35, 36, 37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64,
        66, 67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
    )
)  # fmt: skip


def decode_century_sex(digit: int) -> tuple[int, str]:
    """The 4th digit: even is male, odd is female; 0–1 the 1900s, 2–3 the 2000s, and so on."""
    return 1900 + (digit // 2) * 100, "M" if digit % 2 == 0 else "F"


def check_personal_id(pid: str | None, *, sex: str | None, birth_year: int | None) -> tuple[list[str], list[str]]:
    """Check a personal identification number (số định danh cá nhân) against the record.

    Errors: not 12 digits, or digits 1–3 not a birth-registration province code. Warnings:
    the century/sex digit or the year digits disagree with ``sex`` / ``birth_year``.
    An empty value is allowed (many children have none yet).
    """
    errors: list[str] = []
    warnings: list[str] = []
    pid = (pid or "").strip()
    if not pid:
        return errors, warnings
    if len(pid) != PERSONAL_ID_LENGTH or not pid.isdigit():
        errors.append(_("A personal identification number has exactly 12 digits."))
        return errors, warnings
    if pid[:3] not in PROVINCE_PREFIXES:
        errors.append(_("Digits 1–3 (%(prefix)s) are not a province code of birth registration.") % {"prefix": pid[:3]})
        return errors, warnings
    century, pid_sex = decode_century_sex(int(pid[3]))
    if sex and sex != pid_sex:
        warnings.append(
            _("Digit 4 (%(digit)s) means a %(pid_sex)s, but the child is recorded as %(sex)s.")
            % {"digit": pid[3], "pid_sex": _sex_word(pid_sex), "sex": _sex_word(sex)}
        )
    if birth_year:
        pid_year = century + int(pid[4:6])
        if pid_year != birth_year:
            warnings.append(
                _("Digits 4–6 mean born in %(pid_year)s, but the year of birth is %(year)s.")
                % {"pid_year": pid_year, "year": birth_year}
            )
    return errors, warnings


def _sex_word(sex: str) -> str:
    return _("boy") if sex == "M" else _("girl")


def check_birth(
    *, date_of_birth: dt.date | None, birth_year: int | None, on: dt.date, new: bool = True
) -> tuple[list[str], list[str]]:
    """Date of birth not in the future; a person of 16 or more cannot be newly registered.

    ``on`` is the registration date (a survey's date, a case's opening, today). Existing
    children who have since turned 16 stay on the registry (``new=False``).
    """
    errors: list[str] = []
    if date_of_birth is None and not birth_year:
        errors.append(_("Give the date of birth or at least the year of birth."))
        return errors, []
    if date_of_birth is not None and date_of_birth > on:
        errors.append(_("The date of birth is in the future."))
        return errors, []
    if date_of_birth is None and birth_year is not None and birth_year > on.year:
        errors.append(_("The year of birth is in the future."))
        return errors, []
    age = age_on(date_of_birth=date_of_birth, birth_year=birth_year, on=on)
    if new and age is not None and age >= CHILD_AGE_LIMIT:
        errors.append(
            _("A person of %(limit)s or more is not a child (Law on Children 2016, Art. 1); this one is %(age)s.")
            % {"limit": CHILD_AGE_LIMIT, "age": age}
        )
    return errors, []


def check_opening(*, opened_on: dt.date, today: dt.date) -> list[str]:
    """A case is not opened in the future (errors only: there is nothing to confirm)."""
    if opened_on > today:
        return [_("A case cannot be opened in the future.")]
    return []
