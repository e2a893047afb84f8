"""The optional ``consent_*`` columns of the children import (``cases/import_kinds/child_consents.py``)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.consent import Consent
from cases.models import ChangeRecord, Child
from cases.tests.factories import ChildFactory, ConsentFactory
from imports.pipeline import run_import
from imports.tests.factories import CHILD_HEADER, ensure_codes, write_csv

HEADER = [*CHILD_HEADER, "consent_party", "consent_purpose", "consent_given_on", "consent_withdrawn_on"]


@pytest.fixture
def codes(db):
    ensure_codes()


def child_row(name, *consent, birth="05/03/2010", year=2024):
    return [year, "23281", name, birth, "Nam", "", "", *consent, *[""] * (4 - len(consent))]


def run(tmp_path, user, *rows, commit=True, name="c.csv"):
    return run_import(path=write_csv(tmp_path / name, [HEADER, *rows]), kind="children", user=user, commit=commit)


def test_a_row_records_one_consent_of_the_child(tmp_path, cast, codes):
    result = run(
        tmp_path,
        cast.commune,
        child_row("Nguyễn Văn An", "representative", "data_sharing", "01/05/2024"),
        # Vietnamese labels are accepted as well as keys.
        child_row("Trần Văn Bình", "Trẻ em", "Hình ảnh", "02/05/2024", "03/06/2024"),
        child_row("Lê Văn Cường"),
    )
    assert result.committed, result.errors
    an = Consent.objects.get(child__full_name="Nguyễn Văn An")
    assert (an.party, an.purpose, an.given_on, an.withdrawn_on, an.recorded_by) == (
        "representative",
        "data_sharing",
        dt.date(2024, 5, 1),
        None,
        cast.commune,
    )
    binh = Consent.objects.get(child__full_name="Trần Văn Bình")
    assert (binh.party, binh.purpose, binh.withdrawn_on) == ("child", "photos", dt.date(2024, 6, 3))
    assert Consent.objects.count() == 2
    assert ChangeRecord.objects.filter(child=an.child, summary__contains=str(an)).exists()


def test_importing_the_same_file_twice_records_each_consent_once(tmp_path, cast, codes):
    row = child_row("Nguyễn Văn An", "representative", "data_sharing", "01/05/2024")
    assert run(tmp_path, cast.commune, row).committed
    again = run(tmp_path, cast.commune, row)
    assert again.committed, again.errors
    assert again.counts["unchanged"] == 1
    assert Consent.objects.count() == 1


def test_a_consent_for_an_existing_child_is_added(tmp_path, cast, codes, units):
    assert run(tmp_path, cast.commune, child_row("Nguyễn Văn An")).committed
    result = run(tmp_path, cast.commune, child_row("Nguyễn Văn An", "representative", "photos", "01/05/2024"))
    assert result.committed, result.errors
    assert result.counts["updated"] == 1
    assert Consent.objects.get().child == Child.objects.get()


def errors_of(result):
    return {(e["row"], e["column"]) for e in result.errors}


@pytest.mark.parametrize(
    ("consent", "column"),
    [
        (["uncle", "data_sharing", "01/05/2024"], "consent_party"),
        (["representative", "gossip", "01/05/2024"], "consent_purpose"),
        (["representative", "data_sharing", "31/02/2024"], "consent_given_on"),
        (["representative", "", "01/05/2024"], "consent_purpose"),
        (["", "", "", "01/05/2024"], "consent_party"),
        (["representative", "data_sharing", "01/05/2024", "30/04/2024"], "consent_withdrawn_on"),
        # The child was born in 2020: under 7, the child's own consent is refused.
        (["child", "data_sharing", "01/05/2024"], "consent_party"),
    ],
)
def test_a_bad_consent_is_a_located_row_error_and_nothing_is_written(tmp_path, cast, codes, consent, column):
    result = run(tmp_path, cast.commune, child_row("Nguyễn Văn An"), child_row("Bé Út", *consent, birth="2020"))
    assert not result.committed
    assert (3, column) in errors_of(result)
    assert not Child.objects.exists() and not Consent.objects.exists()


def test_a_future_date_is_refused(tmp_path, cast, codes):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    result = run(tmp_path, cast.commune, child_row("Nguyễn Văn An", "representative", "data_sharing", tomorrow))
    assert (2, "consent_given_on") in errors_of(result)


def test_a_second_open_consent_is_refused_in_the_file_and_against_the_database(tmp_path, cast, codes, units):
    result = run(
        tmp_path,
        cast.commune,
        # One child, two survey years: the second row's consent repeats the first one's, open.
        child_row("Nguyễn Văn An", "representative", "data_sharing", "01/05/2024", year=2023),
        child_row("Nguyễn Văn An", "representative", "data_sharing", "02/05/2024"),
    )
    assert errors_of(result) == {(3, "consent_purpose")}
    child = ChildFactory(full_name="Trần Văn Bình", commune=units.quang_trung, date_of_birth=dt.date(2010, 3, 5))
    ConsentFactory(child=child, given_on=dt.date(2024, 1, 1))
    result = run(tmp_path, cast.commune, child_row("Trần Văn Bình", "representative", "data_sharing", "01/05/2024"))
    assert errors_of(result) == {(2, "consent_purpose")}
    assert Consent.objects.count() == 1


def test_consents_cost_a_fixed_number_of_queries(tmp_path, cast, codes):
    def queries(count, name):
        rows = [child_row(f"Trẻ {name} {i}", "representative", "data_sharing", "01/05/2024") for i in range(count)]
        with CaptureQueriesContext(connection) as ctx:
            assert run(tmp_path, cast.commune, *rows, name=f"{name}.csv").committed
        return len(ctx.captured_queries)

    assert queries(3, "a") == queries(30, "b")
    assert Consent.objects.count() == 33
