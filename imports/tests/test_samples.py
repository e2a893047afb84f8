"""Every sample file in samples/ previews without an invalid row for the demo commune officer."""

from __future__ import annotations

from pathlib import Path

import pytest

from imports.pipeline import run_import
from imports.tests.factories import ensure_codes

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
KINDS = {
    "children.csv": "children",
    "commune_stats.xlsx": "commune_stats",
    "models.csv": "models",
    "events.csv": "events",
    "cases.csv": "cases",
}
# A file whose rows name records of another sample file: that one is imported first.
NEEDS = {"cases.csv": ["children.csv"]}


def test_the_demo_commune_officer_is_the_officer_of_the_samples_commune(units):
    """seed_demo gives its commune officer the first commune of the province's first district."""
    from locations.models import Unit

    district = Unit.objects.filter(edition="legacy", level="district", parent=units.kontum).order_by("code").first()
    commune = Unit.objects.filter(edition="legacy", level="commune", parent=district).order_by("code").first()
    assert commune == units.quang_trung


def test_every_sample_file_has_a_kind():
    assert sorted(p.name for p in SAMPLES.iterdir() if p.suffix in {".csv", ".xlsx"}) == sorted(KINDS)


@pytest.mark.parametrize(("name", "kind"), sorted(KINDS.items()))
def test_each_sample_file_previews_without_invalid_rows(name, kind, cast):
    ensure_codes()
    for first in NEEDS.get(name, []):
        assert run_import(path=SAMPLES / first, kind=KINDS[first], user=cast.commune, commit=True).committed
    result = run_import(path=SAMPLES / name, kind=kind, user=cast.commune, commit=False)
    assert not result.unusable, result.unusable
    assert result.errors == []
    assert result.counts["invalid"] == 0 and result.counts["new"] > 0, result.counts
