import datetime as dt

import pytest

from cases.models import Child, SurveyRecord
from imports.pipeline import run_import
from imports.tests.factories import CHILD_HEADER, ensure_codes, write_csv


@pytest.fixture
def codes(db):
    ensure_codes()


def test_children_file_previews_then_commits(tmp_path, cast, codes):
    path = write_csv(
        tmp_path / "c.csv",
        [
            CHILD_HEADER,
            [2013, "23281", "Nguyễn Văn An", "05/03/2010", "Nam", "", "A1"],
            [2013, "23281", "Trần Thị Bé", "2011", "Nữ", "", ""],
        ],
    )
    preview = run_import(path=path, kind="children", user=cast.commune, commit=False)
    assert preview.valid, preview.errors
    assert preview.counts["new"] == 2
    assert Child.objects.count() == 0
    done = run_import(path=path, kind="children", user=cast.commune, commit=True)
    assert done.committed
    assert Child.objects.count() == 2
    assert SurveyRecord.objects.filter(survey_year=2013).count() == 2
    again = run_import(path=path, kind="children", user=cast.commune, commit=True)
    assert again.counts["unchanged"] == 2
    assert Child.objects.count() == 2


def test_next_year_survey_adds_records_to_the_same_children(tmp_path, cast, codes):
    header = [*CHILD_HEADER, "circumstances"]
    first = [
        header,
        [2013, "23281", "Nguyễn Văn An", "05/03/2010", "Nam", "062210001234", "", "SC01"],
        [2013, "23281", "Trần Thị Bé", "2011", "Nữ", "", "KT-2", ""],
        [2013, "23281", "Lê Văn Cường", "01/01/2009", "M", "", "", ""],
    ]
    assert run_import(
        path=write_csv(tmp_path / "a.csv", first), kind="children", user=cast.commune, commit=True
    ).committed
    second = [
        header,
        # By personal ID (the name spelling changed), by reference, by name + date of birth + sex + commune.
        [2014, "23281", "Nguyễn Văn Ân", "05/03/2010", "Nam", "062210001234", "", "SC01;SC04"],
        [2014, "23281", "Trần Thị Bé", "2011", "Nữ", "", "KT-2", ""],
        [2014, "23281", "LÊ VĂN CƯỜNG", "1/1/2009", "M", "", "", ""],
    ]
    result = run_import(path=write_csv(tmp_path / "b.csv", second), kind="children", user=cast.commune, commit=True)
    assert result.committed, result.errors
    assert result.counts["new"] == 0
    assert Child.objects.count() == 3
    assert SurveyRecord.objects.count() == 6
    an = Child.objects.get(personal_id="062210001234")
    assert sorted(an.survey_records.values_list("survey_year", flat=True)) == [2013, 2014]
    assert set(an.survey_records.get(survey_year=2014).categories.values_list("code", flat=True)) == {"SC01", "SC04"}
    assert set(an.categories.values_list("code", flat=True)) == {"SC01", "SC04"}


def test_probable_duplicates_are_listed_not_merged(tmp_path, cast, codes):
    rows = [CHILD_HEADER, [2013, "23281", "Phạm Văn Dũng", "05/03/2010", "Nam", "", ""]]
    run_import(path=write_csv(tmp_path / "a.csv", rows), kind="children", user=cast.commune, commit=True)
    rows = [CHILD_HEADER, [2014, "23281", "Phạm Văn Dũng", "07/08/2010", "Nam", "", ""]]
    result = run_import(path=write_csv(tmp_path / "b.csv", rows), kind="children", user=cast.commune, commit=False)
    assert result.valid
    assert result.counts["new"] == 1
    assert [d["row"] for d in result.duplicates] == [2]
    assert result.duplicates[0]["child_id"] == Child.objects.get().pk


def test_keys_of_a_child_outside_the_scope_are_held_and_the_preview_says_nothing(tmp_path, cast, codes):
    rows = [CHILD_HEADER, [2013, "23341", "Ở Đắk Glei", "05/03/2010", "Nam", "062210001234", "DG-1"]]
    assert run_import(
        path=write_csv(tmp_path / "a.csv", rows), kind="children", user=cast.peer_commune, commit=True
    ).committed
    taken = [CHILD_HEADER, [2013, "23281", "Ở Quang Trung", "05/03/2010", "Nam", "062210001234", "DG-1"]]
    free = [CHILD_HEADER, [2013, "23281", "Ở Quang Trung", "05/03/2010", "Nam", "062210009999", "QT-1"]]
    previews = [
        run_import(path=write_csv(tmp_path / f"{n}.csv", r), kind="children", user=cast.commune, commit=False)
        for n, r in (("taken", taken), ("free", free))
    ]
    # The preview of a value held out of scope is the preview of a free value.
    assert [(p.valid, p.errors, p.counts, p.duplicates) for p in previews] == [(True, [], previews[1].counts, [])] * 2
    result = run_import(path=write_csv(tmp_path / "b.csv", taken), kind="children", user=cast.commune, commit=True)
    assert result.committed, result.errors
    held = Child.objects.get(full_name="Ở Quang Trung")
    assert (held.personal_id, held.pending_personal_id, held.child_ref, held.pending_child_ref) == (
        "",
        "062210001234",
        "",
        "DG-1",
    )
    assert Child.objects.get(full_name="Ở Đắk Glei").personal_id == "062210001234"


def test_keys_of_a_child_in_scope_match_it(tmp_path, cast, codes):
    rows = [CHILD_HEADER, [2013, "23341", "Ở Đắk Glei", "05/03/2010", "Nam", "062210001234", ""]]
    assert run_import(
        path=write_csv(tmp_path / "a.csv", rows), kind="children", user=cast.peer_commune, commit=True
    ).committed
    rows = [CHILD_HEADER, [2014, "23341", "Ở Đắk Glei", "05/03/2010", "Nam", "062210001234", ""]]
    result = run_import(path=write_csv(tmp_path / "b.csv", rows), kind="children", user=cast.province, commit=True)
    assert result.committed and result.counts["new"] == 0
    assert Child.objects.count() == 1 and SurveyRecord.objects.count() == 2


def test_one_new_child_on_two_years_in_one_file(tmp_path, cast, codes):
    rows = [
        CHILD_HEADER,
        [2013, "23281", "Võ Thị Em", "2010", "F", "", "E1"],
        [2014, "23281", "Võ Thị Em", "2010", "F", "", "E1"],
    ]
    result = run_import(path=write_csv(tmp_path / "a.csv", rows), kind="children", user=cast.commune, commit=True)
    assert result.committed, result.errors
    assert Child.objects.count() == 1
    assert SurveyRecord.objects.count() == 2


def test_query_count_does_not_grow_with_the_batch(tmp_path, cast, codes, monkeypatch, django_assert_max_num_queries):
    def rows(n, year):
        return [CHILD_HEADER] + [[year, "23281", f"Trẻ {i}", "2010", "F", "", f"Q{i}"] for i in range(n)]

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n in (10, 200):
        Child.objects.all().delete()
        path = write_csv(tmp_path / f"{n}.csv", rows(n, 2013))
        with CaptureQueriesContext(connection) as ctx:
            assert run_import(path=path, kind="children", user=cast.commune, commit=True).committed
        counts.append(len(ctx))
    assert counts[0] == counts[1]


def test_repeated_cells_are_checked_on_every_row(tmp_path, cast, codes, monkeypatch):
    # Cell outcomes are memoised per column; past the limit a column is parsed row by row.
    monkeypatch.setattr("imports.kind.MEMO_LIMIT", 3)
    rows = [CHILD_HEADER] + [[2013, "23281", f"Trẻ {i}", "31/02/2010", "F", "", f"M{i}"] for i in range(6)]
    rows.append([2013, "23281", "Trẻ Đúng", "01/02/2010", "F", "", "M-ok"])
    result = run_import(path=write_csv(tmp_path / "m.csv", rows), kind="children", user=cast.commune, commit=False)
    assert [e["row"] for e in result.errors] == [2, 3, 4, 5, 6, 7]
    assert {e["column"] for e in result.errors} == {"date_of_birth"}
    assert result.counts["valid"] == 1


def test_rows_do_not_share_a_memoised_list(tmp_path, cast, codes):
    from imports.kind import Row
    from imports.registry import get_spec

    spec = get_spec("children")
    memo: dict = {}
    first, second = Row(2, {"circumstances": "SC01;SC04"}), Row(3, {"circumstances": "SC01;SC04"})
    spec.parse(first, memo)
    spec.parse(second, memo)
    assert first.values["circumstances"] == second.values["circumstances"] == ["SC01", "SC04"]
    assert first.values["circumstances"] is not second.values["circumstances"]


def test_a_merged_child_is_no_match(tmp_path, cast, codes, units):
    from cases.services import child_merge
    from imports.tests.factories import ChildFactory

    keep = ChildFactory(full_name="Nguyễn Văn Khang", date_of_birth=dt.date(2010, 3, 5), commune=units.quang_trung)
    drop = ChildFactory(full_name="Nguyễn Văn An", date_of_birth=dt.date(2010, 3, 5), commune=units.quang_trung)
    child_merge(keep=keep, drop=drop, user=cast.commune)
    # The dropped child's name, date of birth, sex and commune: a child the registry no longer holds.
    path = write_csv(tmp_path / "m.csv", [CHILD_HEADER, [2013, "23281", "Nguyễn Văn An", "05/03/2010", "Nam", "", ""]])
    result = run_import(path=path, kind="children", user=cast.commune, commit=True)
    assert result.committed, result.errors
    assert result.counts["new"] == 1
    assert not SurveyRecord.objects.filter(child=drop).exists()
    assert not SurveyRecord.objects.filter(child=keep).exists()


def test_a_merged_child_keeps_no_key_match(tmp_path, cast, codes, units):
    from imports.tests.factories import ChildFactory

    keep = ChildFactory(commune=units.quang_trung)
    # Merged before references moved to the kept child: its reference still stored.
    ChildFactory(child_ref="K-OLD", commune=units.quang_trung, merged_into=keep)
    path = write_csv(
        tmp_path / "c.csv",
        [["case_ref", "child_ref", "commune_code", "opened_on"], ["C-1", "K-OLD", "23281", "10/04/2024"]],
    )
    result = run_import(path=path, kind="cases", user=cast.commune, commit=True)
    assert [e["column"] for e in result.errors] == ["child_ref"]
