"""Two imports of the same file at once never create duplicates (SPEC §6)."""

import threading

import pytest
from django.db import connection, connections

from cases.models import Child, SurveyRecord
from imports.pipeline import run_import
from imports.tests.factories import ensure_codes, write_csv

ROWS = 300

pytestmark = [
    # Two connections writing at once: PostgreSQL's locks (the in-memory SQLite test database is one connection's).
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two concurrent database connections"),
    pytest.mark.django_db(transaction=True),
]


def test_the_same_file_imported_twice_at_once_adds_each_child_once(tmp_path, cast):
    ensure_codes()
    # No personal ID or child reference: only the folded name, birth and commune tell that a row is
    # the same child, so no unique index would stop a second copy; the import's lock must.
    rows = [["survey_year", "commune_code", "full_name", "date_of_birth", "sex"]]
    rows += [[2024, "23281", f"Trẻ Song Song {n}", "01/01/2015", "F"] for n in range(ROWS)]
    path = write_csv(tmp_path / "same.csv", rows)
    start = threading.Barrier(2)
    results = []

    def import_once():
        try:
            start.wait()
            results.append(run_import(path=path, kind="children", user=cast.commune, commit=True))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=import_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == 2 and all(r.committed for r in results), [r.errors[:2] for r in results]
    assert Child.objects.count() == ROWS
    assert SurveyRecord.objects.count() == ROWS
    assert sorted((r.counts["new"], r.counts["unchanged"]) for r in results) == [(0, ROWS), (ROWS, 0)]
