"""``convert_units``: current codes added beside the legacy ones in every kind of import file."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from locations.loaders import load_official_units

pytestmark = pytest.mark.django_db

# kind -> (header, one row on legacy Phường Quang Trung or Thành phố Kon Tum, index of the unit column)
KINDS = {
    "children": (
        ["survey_year", "commune_code", "full_name", "date_of_birth", "sex"],
        ["2013", "23281", "Nguyễn Văn An", "05/03/2010", "M"],
        1,
    ),
    "commune_stats": (["survey_year", "commune_code", "children_total"], ["2013", "23281", "1200"], 1),
    "models": (
        ["code", "name", "kind", "unit_code", "established_on"],
        ["KT-01", "Câu lạc bộ quyền trẻ em", "child_club", "608", "15/03/2013"],
        3,
    ),
    "cases": (
        ["case_ref", "child_ref", "commune_code", "opened_on"],
        ["HS-01", "TE-01", "23281", "10/04/2013"],
        2,
    ),
    "events": (
        ["date", "unit_code", "kind", "venue", "topic", "participants_total"],
        ["20/05/2013", "23281", "talk", "school", "Phòng chống xâm hại trẻ em", "45"],
        1,
    ),
}
EXPECTED = {"children": "23293", "commune_stats": "23293", "models": "51", "cases": "23293", "events": "23293"}


def write_csv(path: Path, rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8-sig") -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def read_csv(path: Path, *, delimiter: str = ",", encoding: str = "utf-8-sig") -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode(encoding), newline=""), delimiter=delimiter))


def write_xlsx(path: Path, rows: list[list[object]]) -> None:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)


def read_xlsx(path: Path) -> list[list[object]]:
    return [list(r) for r in load_workbook(path).active.iter_rows(values_only=True)]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_convert_units_adds_current_codes_to_each_kind_of_csv(kind, units, tmp_path):
    header, row, index = KINDS[kind]
    source, output = tmp_path / f"{kind}.csv", tmp_path / f"{kind}-current.csv"
    write_csv(source, [header, row])
    call_command("convert_units", str(source), "--output", str(output))
    got = read_csv(output)
    key = header[index].removesuffix("_code")
    assert got[0] == [*header[: index + 1], f"current_{key}_code", f"current_{key}_note", *header[index + 1 :]]
    assert got[1][: index + 1] == row[: index + 1]
    assert got[1][index + 1] == EXPECTED[kind]
    assert got[1][index + 3 :] == row[index + 1 :]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_convert_units_adds_current_codes_to_each_kind_of_workbook(kind, units, tmp_path):
    header, row, index = KINDS[kind]
    typed = [int(v) if v.isdigit() and len(v) < 5 else v for v in row]  # Excel drops leading zeros anyway
    source, output = tmp_path / f"{kind}.xlsx", tmp_path / f"{kind}-current.xlsx"
    write_xlsx(source, [header, typed])
    call_command("convert_units", str(source), "--output", str(output))
    got = read_xlsx(output)
    assert got[0][index + 1].startswith("current_")
    assert got[1][index + 1] == EXPECTED[kind]
    assert got[1][: index + 1] == typed[: index + 1]
    assert got[1][index + 3 :] == typed[index + 1 :]


def test_attendance_file_has_no_unit_column_and_is_copied(units, tmp_path):
    rows = [["date", "model_code", "child_ref", "present"], ["02/05/2013", "KT-BT", "TE-01", "1"]]
    source, output = tmp_path / "attendance.csv", tmp_path / "out.csv"
    write_csv(source, rows)
    call_command("convert_units", str(source), "--output", str(output))
    assert read_csv(output) == rows


def test_workbook_date_cells_and_vietnamese_labels(units, tmp_path):
    source, output = tmp_path / "su-kien.xlsx", tmp_path / "out.xlsx"
    write_xlsx(source, [["Ngày", "Mã đơn vị", "Chủ đề"], [dt.datetime(2013, 5, 20), "23281", "Tọa đàm"]])
    call_command("convert_units", str(source), "--output", str(output))
    got = read_xlsx(output)
    assert got[0][1] == "Mã đơn vị"
    assert got[1][:3] == [dt.datetime(2013, 5, 20), "23281", "23293"]
    assert got[1][4] == "Tọa đàm"


def test_windows_1258_semicolon_file_keeps_its_encoding_and_delimiter(units, tmp_path):
    rows = [["survey_year", "commune_code", "full_name"], ["2013", "23281", "Y Blăk"], ["2026", "23293", "A Hùng"]]
    source, output = tmp_path / "cp1258.csv", tmp_path / "out.csv"
    write_csv(source, rows, delimiter=";", encoding="cp1258")
    call_command("convert_units", str(source), "--output", str(output))
    got = read_csv(output, delimiter=";", encoding="cp1258")
    assert [r[:3] for r in got[1:]] == [["2013", "23281", "23293"], ["2026", "23293", "23293"]]
    assert "Kon Tum" in got[1][3]
    assert [r[4] for r in got[1:]] == ["Y Blăk", "A Hùng"]


def test_split_commune_gets_the_first_successor_and_a_note_naming_the_others(units, tmp_path):
    load_official_units(edition="legacy", provinces=["48"])
    load_official_units(edition="current", provinces=["48"])
    source, output = tmp_path / "children.csv", tmp_path / "out.csv"
    write_csv(source, [["survey_year", "commune_code"], ["2020", "20296"], ["2020", "99999"]])
    out = io.StringIO()
    call_command("convert_units", str(source), "--output", str(output), stdout=out, stderr=io.StringIO())
    got = read_csv(output)
    assert got[1][2] == "20194"
    assert "20197" in got[1][3]
    assert got[2][2] == ""
    assert "99999" in got[2][3]


def test_unusable_input_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("convert_units", str(tmp_path / "missing.csv"), "--output", str(tmp_path / "o.csv"))
    source = tmp_path / "a.csv"
    write_csv(source, [["commune_code"], ["23281"]])
    with pytest.raises(CommandError):
        call_command("convert_units", str(source), "--output", str(tmp_path / "o.xlsx"))
