"""``SurveyRecord.any_category`` / ``any_risk`` always equal a recount of the record's links."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db.models import Exists, OuterRef

from cases.models import Category, RiskFactor, SurveyRecord
from cases.services import child_merge, survey_record_upsert
from cases.tests.factories import ChildFactory
from imports.pipeline import run_import
from imports.tests.factories import ensure_codes, write_csv

pytestmark = pytest.mark.django_db

HEADER = ["survey_year", "commune_code", "full_name", "date_of_birth", "sex", "child_ref", "circumstances", "risks"]


def assert_flags_match_links() -> None:
    recount = SurveyRecord.objects.annotate(
        links_c=Exists(SurveyRecord.categories.through.objects.filter(surveyrecord_id=OuterRef("pk"))),
        links_r=Exists(SurveyRecord.risks.through.objects.filter(surveyrecord_id=OuterRef("pk"))),
    )
    rows = list(recount.values_list("pk", "any_category", "links_c", "any_risk", "links_r"))
    assert rows, "the test needs survey records"
    assert [(pk, c, r) for pk, c, _lc, r, _lr in rows] == [(pk, lc, lr) for pk, _c, lc, _r, lr in rows]


@pytest.fixture
def codes(db):
    ensure_codes()
    return Category.objects.get(code="SC04"), RiskFactor.objects.get(code="R01")


def test_service_sets_and_clears_the_flags(cast, units, codes):
    sc, risk = codes
    child = ChildFactory(commune=units.quang_trung)
    kwargs = {"user": cast.commune, "child": child, "survey_year": 2024, "commune": units.quang_trung}
    record = survey_record_upsert(**kwargs, categories=[sc], risks=[risk])
    record.refresh_from_db()
    assert (record.any_category, record.any_risk) == (True, True)
    assert_flags_match_links()
    survey_record_upsert(**kwargs, categories=[], risks=[risk])
    record.refresh_from_db()
    assert (record.any_category, record.any_risk) == (False, True)
    assert_flags_match_links()


def test_direct_link_changes_follow(cast, units, codes):
    sc, risk = codes
    record = SurveyRecord.objects.create(child=ChildFactory(commune=units.quang_trung), survey_year=2024,
                                         commune=units.quang_trung)  # fmt: skip
    record.risks.add(risk)
    assert_flags_match_links()
    record.risks.remove(risk)
    record.categories.add(sc)
    assert_flags_match_links()
    record.categories.clear()
    assert_flags_match_links()


def test_import_and_reimport_keep_the_flags(tmp_path, cast, units, codes):
    rows = [
        [2024, "23281", "Trẻ Một", "01/01/2015", "F", "F1", "SC04", ""],
        [2024, "23281", "Trẻ Hai", "01/01/2015", "M", "F2", "", "R01"],
        [2024, "23281", "Trẻ Ba", "01/01/2015", "M", "F3", "", ""],
    ]
    result = run_import(path=write_csv(tmp_path / "a.csv", [HEADER, *rows]), kind="children", user=cast.commune,
                        commit=True)  # fmt: skip
    assert result.committed, result.errors[:3]
    assert SurveyRecord.objects.filter(any_category=True).count() == 1
    assert_flags_match_links()
    # The same children: F1 now only at risk, F2 nothing, F3 in special circumstances.
    changed = [[*rows[0][:6], "", "R01"], [*rows[1][:6], "", ""], [*rows[2][:6], "SC09", ""]]
    result = run_import(path=write_csv(tmp_path / "b.csv", [HEADER, *changed]), kind="children", user=cast.commune,
                        commit=True)  # fmt: skip
    assert result.committed, result.errors[:3]
    assert set(SurveyRecord.objects.filter(any_category=True).values_list("child__child_ref", flat=True)) == {"F3"}
    assert set(SurveyRecord.objects.filter(any_risk=True).values_list("child__child_ref", flat=True)) == {"F1"}
    assert_flags_match_links()


def test_merge_keeps_the_flags(cast, units, codes):
    sc, risk = codes
    keep, drop = ChildFactory(commune=units.quang_trung), ChildFactory(commune=units.quang_trung)
    for child, categories, risks in ((keep, [], []), (drop, [sc], [risk])):
        survey_record_upsert(user=cast.commune, child=child, survey_year=2024, commune=units.quang_trung,
                             categories=categories, risks=risks)  # fmt: skip
    child_merge(keep=keep, drop=drop, user=cast.commune)
    record = SurveyRecord.objects.get(child=keep)
    assert (record.any_category, record.any_risk) == (True, True)
    assert_flags_match_links()


def test_deleting_a_risk_factor_clears_the_flag(cast, units, codes):
    _sc, risk = codes
    survey_record_upsert(user=cast.commune, child=ChildFactory(commune=units.quang_trung), survey_year=2024,
                         commune=units.quang_trung, risks=[risk])  # fmt: skip
    risk.delete()
    assert not SurveyRecord.objects.get().any_risk
    assert_flags_match_links()


def test_refresh_command_repairs_the_flags(cast, units, codes):
    sc, _risk = codes
    record = survey_record_upsert(user=cast.commune, child=ChildFactory(commune=units.quang_trung),
                                  survey_year=2024, commune=units.quang_trung, categories=[sc])  # fmt: skip
    SurveyRecord.objects.filter(pk=record.pk).update(any_category=False)
    call_command("refresh_survey_flags", verbosity=0)
    assert_flags_match_links()
