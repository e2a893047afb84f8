"""Every kind costs the same number of queries per batch, whatever the number of rows in it."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from imports.pipeline import run_import
from imports.tests.factories import ChildFactory, ProtectionModelFactory, ensure_codes, write_csv

# Per kind: its header and a row ``i`` of a file, ``second`` giving other values for the same record.
KINDS = {
    "children": (
        ["survey_year", "commune_code", "full_name", "date_of_birth", "sex", "child_ref", "village"],
        lambda i, second: [2024, "23281", f"Trẻ Đếm {i}", "01/01/2015", "F", f"Q{i}", "Thôn 2" if second else ""],
    ),
    "commune_stats": (
        ["survey_year", "commune_code", "children_total"],
        lambda i, second: [1990 + i, "23281", 200 if second else 100],
    ),
    "models": (
        ["code", "name", "kind", "unit_code", "established_on"],
        lambda i, second: [f"M{i}", f"CLB {i}{' mới' if second else ''}", "child_club", "23281", "01/02/2020"],
    ),
    "cases": (
        ["case_ref", "child_ref", "commune_code", "opened_on", "status"],
        lambda i, second: [f"C{i}", f"K{i}", "23281", "10/04/2024", "verified" if second else "received"],
    ),
    "events": (
        ["date", "unit_code", "kind", "venue", "topic", "participants_total", "event_ref"],
        lambda i, second: ["20/05/2024", "23281", "talk", "school", f"Chủ đề {i}", 50 if second else 40, f"E{i}"],
    ),
    "attendance": (
        ["date", "model_code", "child_ref", "present"],
        lambda i, second: [(dt.date(2024, 5, 2)).strftime("%d/%m/%Y"), "BT-1", f"K{i}", "0" if second else "1"],
    ),
}


@pytest.fixture
def registry(db, units):
    ensure_codes()
    ProtectionModelFactory(code="BT-1", unit=units.quang_trung)
    for i in range(200):
        ChildFactory(child_ref=f"K{i}", commune=units.quang_trung)


def queries_to_commit(tmp_path, kind, user, numbers, *, second):
    header, row = KINDS[kind]
    path = write_csv(tmp_path / f"{kind}-{numbers[0]}-{second}.csv", [header, *(row(i, second) for i in numbers)])
    with CaptureQueriesContext(connection) as queries:
        result = run_import(path=path, kind=kind, user=user, commit=True)
    assert result.committed, result.errors[:3]
    assert result.counts["new" if not second else "updated"] == len(numbers), result.counts
    return len(queries)


@pytest.mark.parametrize("kind", list(KINDS))
def test_queries_per_batch_do_not_grow_with_its_rows(tmp_path, cast, registry, kind):
    # Commune statistics are one row per year and commune: a few dozen years of one commune.
    few, many = range(0, 3), range(3, 33)
    # New records, then the same records changed: both cost the same for 3 rows as for 30.
    for second in (False, True):
        assert queries_to_commit(tmp_path, kind, cast.commune, few, second=second) == queries_to_commit(
            tmp_path, kind, cast.commune, many, second=second
        ), f"{kind}: {'updates' if second else 'new records'}"
