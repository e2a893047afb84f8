"""``import_data`` exit statuses and output (docs/contract/imports.md)."""

import json

import pytest
from django.core.management import call_command

from cases.models import Child
from imports.models import ImportJob
from imports.tests.factories import CHILD_HEADER, ensure_codes, write_csv

GOOD = [2013, "23281", "Nguyễn Văn An", "05/03/2010", "Nam", "", ""]


@pytest.fixture
def codes(db):
    ensure_codes()


def run(*args):
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_data", *args)
    return exit_info.value.code


def test_preview_exits_0_and_changes_nothing(tmp_path, cast, codes, capsys):
    path = write_csv(tmp_path / "c.csv", [CHILD_HEADER, GOOD])
    assert run("children", str(path), "--user", "commune", "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["counts"]["new"] == 1 and out["valid"] and not out["committed"]
    assert Child.objects.count() == 0
    assert ImportJob.objects.get().status == ImportJob.Status.VALID


def test_commit_exits_0_and_applies(tmp_path, cast, codes):
    path = write_csv(tmp_path / "c.csv", [CHILD_HEADER, GOOD])
    assert run("children", str(path), "--user", "commune", "--commit") == 0
    assert Child.objects.count() == 1
    job = ImportJob.objects.get()
    assert (job.status, job.rows_new, job.created_by, job.file_name) == ("committed", 1, cast.commune, "c.csv")
    assert len(job.file_hash) == 64


def test_invalid_rows_exit_1_with_row_column_value_reason(tmp_path, cast, codes, capsys):
    path = write_csv(tmp_path / "c.csv", [CHILD_HEADER, GOOD, [2013, "23281", "B", "31/02/2013", "F", "", ""]])
    assert run("children", str(path), "--user", "commune", "--commit") == 1
    out = capsys.readouterr().out
    assert "row 3, date_of_birth = '31/02/2013'" in out
    assert Child.objects.count() == 0
    assert ImportJob.objects.get().status == ImportJob.Status.INVALID


@pytest.mark.parametrize(
    "args",
    [
        ("children", "/no/such/file.csv", "--user", "commune"),
        ("pets", "FILE", "--user", "commune"),
        ("children", "FILE", "--user", "nobody"),
        ("children", "BINARY", "--user", "commune"),
    ],
)
def test_unusable_input_exits_2(tmp_path, cast, codes, args):
    good = write_csv(tmp_path / "c.csv", [CHILD_HEADER, GOOD])
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\x00\x01\x02\xff" * 1000)
    args = [{"FILE": str(good), "BINARY": str(binary)}.get(a, a) for a in args]
    assert run(*args) == 2
    assert Child.objects.count() == 0


def test_user_without_import_permission_exits_2(tmp_path, cast, codes):
    path = write_csv(tmp_path / "c.csv", [CHILD_HEADER, GOOD])
    assert run("children", str(path), "--user", "viewer", "--commit") == 2
    assert Child.objects.count() == 0
