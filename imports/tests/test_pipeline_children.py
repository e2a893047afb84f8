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
