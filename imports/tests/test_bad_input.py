"""Every kind of bad input gets a clear error and changes nothing."""

import codecs
import datetime as dt

import pytest
from django.test import override_settings

from cases.models import Child
from imports.pipeline import run_import
from imports.tests.factories import CHILD_HEADER, ensure_codes, write_csv, write_xlsx

GOOD = [2013, "23281", "Nguyễn Văn An", "05/03/2010", "Nam", "", ""]


@pytest.fixture
def codes(db):
    ensure_codes()


def preview(path, user, kind="children"):
    return run_import(path=path, kind=kind, user=user, commit=True)


def reasons(result):
    return " | ".join(f"{e['row']}:{e['column']}:{e['reason']}" for e in result.errors)


def test_empty_file_is_an_error(tmp_path, cast, codes):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    result = preview(path, cast.commune)
    assert not result.valid
    assert "empty" in reasons(result).lower() or "trống" in reasons(result).lower()


def test_header_only_is_an_error(tmp_path, cast, codes):
    result = preview(write_csv(tmp_path / "h.csv", [CHILD_HEADER]), cast.commune)
    assert not result.valid
    assert result.errors[0]["row"] == 2


def test_unknown_and_missing_columns_are_errors(tmp_path, cast, codes):
    header = ["survey_year", "commune_code", "full_name", "shoe_size"]
    result = preview(write_csv(tmp_path / "x.csv", [header, [2013, "23281", "A", "40"]]), cast.commune)
    columns = {e["column"] for e in result.errors}
    assert "shoe_size" in columns
    assert {"date_of_birth", "sex"} <= columns
    assert Child.objects.count() == 0


def test_vietnamese_labels_any_case_and_accents_map_to_keys(tmp_path, cast, codes):
    header = ["NĂM ĐIỀU TRA", "ma xa", "Họ và tên", "ngày sinh", "Giới Tính"]
    result = preview(write_csv(tmp_path / "l.csv", [header, GOOD[:5]]), cast.commune)
    assert result.valid, reasons(result)
    assert Child.objects.get().full_name == "Nguyễn Văn An"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "cp1258", "utf-16-le"])
def test_encodings_are_detected(tmp_path, cast, codes, encoding):
    rows = [CHILD_HEADER, [2013, "23281", "Đỗ Thị Hằng", "05/03/2010", "Nữ", "", ""]]
    path = write_csv(tmp_path / f"{encoding}.csv", rows, encoding=encoding)
    if encoding == "utf-16-le":
        assert not path.read_bytes().startswith(codecs.BOM_UTF16_LE)
    result = preview(path, cast.commune)
    assert result.valid, reasons(result)
    # Windows-1258 spells tones with combining marks: stored NFC all the same.
    assert Child.objects.get().full_name == "Đỗ Thị Hằng"


def test_semicolon_and_tab_delimiters(tmp_path, cast, codes):
    result = preview(write_csv(tmp_path / "s.csv", [CHILD_HEADER, GOOD], delimiter=";"), cast.commune)
    assert result.valid, reasons(result)
    GOOD2 = [2013, "23281", "Lê Văn Tư", "06/03/2010", "Nam", "", ""]
    result = preview(write_csv(tmp_path / "t.csv", [CHILD_HEADER, GOOD2], delimiter="\t"), cast.commune)
    assert result.valid, reasons(result)
    assert Child.objects.count() == 2


def test_xlsx_with_date_cells_and_numeric_codes(tmp_path, cast, codes):
    rows = [CHILD_HEADER, [2013, 23281, "Nguyễn Văn An", dt.datetime(2010, 3, 5), "M", "", ""]]
    result = preview(write_xlsx(tmp_path / "c.xlsx", rows), cast.commune)
    assert result.valid, reasons(result)
    assert Child.objects.get().date_of_birth == dt.date(2010, 3, 5)


def test_impossible_date_is_an_error(tmp_path, cast, codes):
    result = preview(
        write_csv(tmp_path / "d.csv", [CHILD_HEADER, [2013, "23281", "A", "31/02/2013", "M", "", ""]]), cast.commune
    )
    assert [(e["row"], e["column"], e["value"]) for e in result.errors] == [(2, "date_of_birth", "31/02/2013")]
    assert Child.objects.count() == 0


def test_year_alone_as_date_of_birth(tmp_path, cast, codes):
    result = preview(
        write_csv(tmp_path / "y.csv", [CHILD_HEADER, [2013, "23281", "A", "2009", "F", "", ""]]), cast.commune
    )
    assert result.valid, reasons(result)
    child = Child.objects.get()
    assert (child.birth_year, child.birth_year_only, child.date_of_birth) == (2009, True, None)


def test_unknown_commune_code_is_an_error(tmp_path, cast, codes):
    result = preview(
        write_csv(tmp_path / "u.csv", [CHILD_HEADER, [2013, "99999", "A", "2009", "F", "", ""]]), cast.commune
    )
    assert result.errors[0]["column"] == "commune_code"
    assert "99999" in result.errors[0]["reason"]


def test_commune_valid_only_after_the_row_date_is_an_error(tmp_path, cast, codes, units):
    units.quang_trung.valid_from = dt.date(2020, 1, 1)
    units.quang_trung.save()
    result = preview(
        write_csv(tmp_path / "v.csv", [CHILD_HEADER, [2013, "23281", "A", "2009", "F", "", ""]]), cast.province
    )
    assert result.errors[0]["column"] == "commune_code"
    assert Child.objects.count() == 0


def test_legacy_code_after_the_reform_names_the_successor(tmp_path, cast, codes):
    result = preview(
        write_csv(tmp_path / "r.csv", [CHILD_HEADER, [2026, "23281", "A", "2019", "F", "", ""]]), cast.superuser
    )
    assert result.errors[0]["column"] == "commune_code"
    assert "23281" in result.errors[0]["reason"]


def test_unit_outside_scope_is_an_invalid_row(tmp_path, cast, codes):
    rows = [CHILD_HEADER, GOOD, [2013, "23341", "B", "2009", "F", "", ""]]
    result = preview(write_csv(tmp_path / "o.csv", rows), cast.commune)
    assert [(e["row"], e["column"]) for e in result.errors] == [(3, "commune_code")]
    assert result.counts["invalid"] == 1
    assert Child.objects.count() == 0


def test_user_without_unit_cannot_import_anything(tmp_path, cast, codes):
    result = preview(write_csv(tmp_path / "n.csv", [CHILD_HEADER, GOOD]), cast.no_unit)
    assert not result.valid
    assert Child.objects.count() == 0


def test_same_child_twice_in_one_file(tmp_path, cast, codes):
    result = preview(write_csv(tmp_path / "t.csv", [CHILD_HEADER, GOOD, GOOD]), cast.commune)
    assert [(e["row"], e["column"]) for e in result.errors] == [(3, "full_name")]
    assert "2" in result.errors[0]["reason"]
    assert Child.objects.count() == 0


def test_personal_id_disagreeing_with_sex_or_year(tmp_path, cast, codes):
    # 062 Kon Tum, digit 4 = 3 (girl, 2000s), 10 = born 2010.
    girl_2010 = "062310001234"
    rows = [
        CHILD_HEADER,
        [2013, "23281", "A", "05/03/2010", "Nam", girl_2010, ""],
        [2013, "23281", "B", "05/03/2011", "Nữ", "062310001235", ""],
        [2013, "23281", "C", "05/03/2010", "Nữ", "062310001236", ""],
    ]
    result = preview(write_csv(tmp_path / "p.csv", rows), cast.commune)
    assert [(e["row"], e["column"]) for e in result.errors] == [(2, "personal_id"), (3, "personal_id")]
    assert Child.objects.count() == 0


def test_formula_cells_are_stored_as_text(tmp_path, cast, codes):
    formula = '=HYPERLINK("http://evil.example","click")'
    rows = [
        ["survey_year", "commune_code", "full_name", "date_of_birth", "sex", "notes"],
        [2013, "23281", "A", "2009", "F", formula],
    ]
    assert preview(write_xlsx(tmp_path / "f.xlsx", rows), cast.commune).valid
    assert Child.objects.get().notes == formula
    rows[1][2] = "B"
    rows[1][5] = "=1+1"
    assert preview(write_csv(tmp_path / "f.csv", rows), cast.commune).valid
    assert Child.objects.get(full_name="B").notes == "=1+1"


def test_binary_file_named_csv_is_unusable(tmp_path, cast, codes):
    path = tmp_path / "photo.csv"
    path.write_bytes(bytes(range(256)) * 50)
    result = preview(path, cast.commune)
    assert result.unusable
    assert Child.objects.count() == 0


def test_file_named_xlsx_that_is_not_a_workbook_is_unusable(tmp_path, cast, codes):
    path = write_csv(tmp_path / "fake.xlsx", [CHILD_HEADER, GOOD])
    assert preview(path, cast.commune).unusable


@override_settings(IMPORTS_MAX_FILE_SIZE=1024)
def test_file_above_the_size_limit_is_refused(tmp_path, cast, codes):
    from django.core.exceptions import ValidationError

    from imports.services import import_job_create

    path = write_csv(tmp_path / "big.csv", [CHILD_HEADER] + [GOOD] * 100)
    with path.open("rb") as handle, pytest.raises(ValidationError, match="MB"):
        import_job_create(user=cast.commune, kind="children", file=handle, file_name="big.csv")
    assert Child.objects.count() == 0


def test_one_bad_row_among_many_changes_nothing(tmp_path, cast, codes, monkeypatch):
    monkeypatch.setattr("imports.pipeline.BATCH_SIZE", 3)
    rows = [CHILD_HEADER] + [[2013, "23281", f"Trẻ {i}", "2009", "F", "", ""] for i in range(10)]
    rows.append([2013, "23281", "Bad", "32/01/2009", "F", "", ""])
    result = preview(write_csv(tmp_path / "m.csv", rows), cast.commune)
    assert result.counts["invalid"] == 1 and result.counts["valid"] == 10
    assert not result.committed
    assert Child.objects.count() == 0
