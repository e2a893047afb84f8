import datetime as dt

from django.utils import translation

from cases.validators import age_on, check_birth, check_opening, check_personal_id


def test_personal_id_valid_matches_record():
    assert check_personal_id("062315000123", sex="F", birth_year=2015) == ([], [])


def test_personal_id_empty_is_allowed():
    assert check_personal_id("", sex="M", birth_year=2015) == ([], [])


def test_personal_id_wrong_length_is_an_error():
    errors, warnings = check_personal_id("06221500012", sex="M", birth_year=2015)
    assert len(errors) == 1 and warnings == []


def test_personal_id_letters_are_an_error():
    errors, _w = check_personal_id("06221500012A", sex="M", birth_year=2015)
    assert errors


def test_personal_id_unknown_province_prefix_is_an_error():
    errors, _w = check_personal_id("099215000123", sex="F", birth_year=2015)
    assert errors and "099" in errors[0]


def test_personal_id_sex_mismatch_is_a_warning():
    errors, warnings = check_personal_id("062315000123", sex="M", birth_year=2015)
    assert errors == [] and len(warnings) == 1


def test_personal_id_year_mismatch_is_a_warning():
    errors, warnings = check_personal_id("062315000123", sex="F", birth_year=2014)
    assert errors == [] and len(warnings) == 1 and "2015" in warnings[0]


def test_personal_id_century_digit_counts_in_year():
    # Digit 4 = 0: a boy born in the 1900s; 15 then means 1915, not 2015.
    _e, warnings = check_personal_id("062015000123", sex="M", birth_year=2015)
    assert warnings and "1915" in warnings[0]


def test_age_on_counts_completed_years():
    assert age_on(date_of_birth=dt.date(2010, 6, 15), birth_year=None, on=dt.date(2026, 6, 14)) == 15
    assert age_on(date_of_birth=dt.date(2010, 6, 15), birth_year=None, on=dt.date(2026, 6, 15)) == 16
    assert age_on(date_of_birth=None, birth_year=2010, on=dt.date(2026, 1, 1)) == 16


def test_a_sixteen_year_old_cannot_be_newly_registered():
    errors, _w = check_birth(date_of_birth=dt.date(2010, 6, 15), birth_year=None, on=dt.date(2026, 6, 15))
    assert errors


def test_a_fifteen_year_old_can_be_registered():
    assert check_birth(date_of_birth=dt.date(2010, 6, 15), birth_year=None, on=dt.date(2026, 6, 14)) == ([], [])


def test_an_existing_child_may_age_past_sixteen():
    assert check_birth(date_of_birth=dt.date(2000, 1, 1), birth_year=None, on=dt.date(2026, 1, 1), new=False)[0] == []


def test_date_of_birth_in_the_future_is_an_error():
    errors, _w = check_birth(date_of_birth=dt.date(2027, 1, 1), birth_year=None, on=dt.date(2026, 1, 1))
    assert errors


def test_birth_year_alone_in_the_future_is_an_error():
    errors, _w = check_birth(date_of_birth=None, birth_year=2027, on=dt.date(2026, 1, 1))
    assert errors


def test_no_birth_information_is_an_error():
    errors, _w = check_birth(date_of_birth=None, birth_year=None, on=dt.date(2026, 1, 1))
    assert errors


def test_a_case_opened_in_the_future_is_an_error():
    today = dt.date(2024, 6, 3)
    assert check_opening(opened_on=today, today=today) == []
    with translation.override("en"):
        assert check_opening(opened_on=dt.date(2024, 6, 4), today=today) == ["A case cannot be opened in the future."]
