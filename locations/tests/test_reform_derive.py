"""Set-based derivation of current units, split communes flagged for review, and moves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case, Child, CommuneStats, SurveyRecord
from conftest import make_user
from locations.loaders import load_conversions_csv, load_official_units, sync_conversions
from locations.models import Unit, UnitConversion
from locations.reform import derive_current_units, derive_in_migration, reform_tracked_tables
from locations.succession import SuccessionMap, successors_of
from outreach.models import OutreachEvent
from programs.models import ProtectionModel
from scope.reform_moves import NotASuccessor, record_move, records_move

pytestmark = pytest.mark.django_db

# Legacy Xã Hòa Liên (Đà Nẵng) was split between Phường Hải Vân and Phường Liên Chiểu.
SPLIT = "20296"
FIRST, SECOND = "20194", "20197"


@pytest.fixture
def danang(units):
    load_official_units(edition="legacy", provinces=["48"])
    load_official_units(edition="current", provinces=["48"])
    get = lambda code, edition: Unit.objects.get(code=code, edition=edition, level="commune")  # noqa: E731
    return {
        "split": get(SPLIT, "legacy"),
        "first": get(FIRST, "current"),
        "second": get(SECOND, "current"),
        "province": Unit.objects.get(code="48", edition="current", level="province"),
        "legacy_province": Unit.objects.get(code="48", edition="legacy", level="province"),
    }


def child(commune: Unit, name: str = "Phạm Thị Hoa") -> Child:
    return Child.objects.create(full_name=name, birth_year=2014, sex="F", commune=commune)


def test_every_reform_tracked_model_is_derived():
    labels = {t.label for t in reform_tracked_tables()}
    assert {
        "cases.Child",
        "cases.SurveyRecord",
        "cases.CommuneStats",
        "cases.Case",
        "programs.ProtectionModel",
        "outreach.OutreachEvent",
    } <= labels


def test_split_commune_record_takes_the_first_successor_and_is_flagged(danang):
    kid = child(danang["split"])
    assert kid.current_unit == danang["first"]
    assert kid.current_unit_to_review is True
    assert [u.code for u in successors_of(danang["split"])] == [FIRST, SECOND]
    assert SuccessionMap([danang["split"].pk]).successor_ids(danang["split"].pk) == [
        danang["first"].pk,
        danang["second"].pk,
    ]


def test_split_commune_record_moves_to_the_other_successor(danang):
    officer = make_user("danang", "province_officer", danang["province"])
    kid = child(danang["split"])
    record_move(record=kid, to=danang["second"], user=officer)
    kid.refresh_from_db()
    assert (kid.current_unit, kid.current_unit_to_review) == (danang["second"], False)
    assert kid in Child.objects.visible_to(make_user("lien_chieu", "commune_officer", danang["second"]))
    assert kid not in Child.objects.visible_to(make_user("hai_van", "commune_officer", danang["first"]))
    # Saving the record again (recorded unit unchanged) keeps the officer's choice.
    kid.notes = "đã rà soát"
    kid.save()
    kid.refresh_from_db()
    assert kid.current_unit == danang["second"]


def test_move_to_a_commune_that_is_not_a_successor_is_refused(danang, units):
    officer = make_user("danang", "province_officer", danang["province"])
    kid = child(danang["split"])
    other = Unit.objects.filter(edition="current", level="commune", province=danang["province"]).exclude(
        pk__in=[danang["first"].pk, danang["second"].pk]
    )[0]
    with pytest.raises(NotASuccessor, match=f"{other.code}.*{SPLIT}"):
        record_move(record=kid, to=other, user=officer)
    kid.refresh_from_db()
    assert (kid.current_unit, kid.current_unit_to_review) == (danang["first"], True)


def test_a_refused_record_refuses_the_whole_move(danang, units):
    officer = make_user("root2", "province_officer", None)
    officer.is_superuser = True
    officer.save()
    split_kid = child(danang["split"])
    kontum_kid = child(units.quang_trung, "Y Blăk")
    with pytest.raises(NotASuccessor):
        records_move(records=[split_kid, kontum_kid], to=danang["second"], user=officer)
    split_kid.refresh_from_db()
    assert split_kid.current_unit == danang["first"]


def test_move_outside_the_users_scope_looks_like_not_found(danang):
    hai_van_officer = make_user("hai_van", "commune_officer", danang["first"])
    kid = child(danang["split"])
    with pytest.raises(ValidationError) as excinfo:
        record_move(record=kid, to=danang["second"], user=hai_van_officer)
    assert "to" in excinfo.value.message_dict
    kid.refresh_from_db()
    assert kid.current_unit == danang["first"]


def test_derivation_fills_missing_current_units_in_one_update_per_table(danang, units):
    kids = [child(danang["split"], "A"), child(units.quang_trung, "B"), child(units.kontum_ward, "C")]
    Child.objects.filter(pk__in=[k.pk for k in kids]).update(current_unit=None, current_unit_to_review=False)
    stats = CommuneStats.objects.create(survey_year=2013, commune=units.quang_trung, children_total=10)
    CommuneStats.objects.filter(pk=stats.pk).update(current_unit=None)
    with CaptureQueriesContext(connection) as queries:
        changed = derive_current_units()
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == len(reform_tracked_tables())
    assert changed["cases.Child"] == 3
    assert changed["cases.CommuneStats"] == 1
    got = {k.full_name: (k.current_unit.code, k.current_unit_to_review) for k in Child.objects.all()}
    assert got == {"A": (FIRST, True), "B": ("23293", False), "C": ("23293", False)}
    stats.refresh_from_db()
    assert stats.current_unit == units.kontum_ward


def test_rerunning_the_derivation_changes_nothing_and_keeps_moves(danang, units):
    officer = make_user("danang", "province_officer", danang["province"])
    moved, waiting = child(danang["split"], "Moved"), child(danang["split"], "Waiting")
    child(units.quang_trung, "Kon Tum")
    record_move(record=moved, to=danang["second"], user=officer)
    before = list(Child.objects.values_list("pk", "current_unit", "current_unit_to_review").order_by("pk"))
    assert set(derive_current_units().values()) == {0}
    assert set(derive_current_units().values()) == {0}
    after = list(Child.objects.values_list("pk", "current_unit", "current_unit_to_review").order_by("pk"))
    assert before == after
    waiting.refresh_from_db()
    assert waiting.current_unit_to_review is True


def test_derivation_repairs_a_current_unit_that_is_not_a_successor(danang, units):
    kid = child(units.quang_trung)
    Child.objects.filter(pk=kid.pk).update(current_unit=danang["second"], current_unit_to_review=True)
    assert derive_current_units(tables=[t for t in reform_tracked_tables() if t.model is Child]) == {"cases.Child": 1}
    kid.refresh_from_db()
    assert (kid.current_unit, kid.current_unit_to_review) == (units.kontum_ward, False)


def test_only_missing_leaves_set_rows_alone(danang, units):
    kid = child(units.quang_trung)
    Child.objects.filter(pk=kid.pk).update(current_unit=danang["second"])
    fresh = child(units.duy_tan, "Mới")
    Child.objects.filter(pk=fresh.pk).update(current_unit=None)
    assert derive_current_units(only_missing=True)["cases.Child"] == 1
    kid.refresh_from_db()
    fresh.refresh_from_db()
    assert kid.current_unit == danang["second"]
    assert fresh.current_unit is not None


def test_every_kind_of_record_is_derived(units, danang):
    kid = child(danang["split"])
    records = [
        SurveyRecord.objects.create(child=kid, survey_year=2013, commune=danang["split"]),
        CommuneStats.objects.create(survey_year=2013, commune=danang["split"], children_total=5),
        Case.objects.create(case_ref="DN-1", child=kid, commune=danang["split"], opened_on=dt.date(2013, 1, 1)),
        ProtectionModel.objects.create(
            code="DN-M", name="M", kind="cbcp_system", unit=danang["split"], established_on=dt.date(2013, 1, 1)
        ),
        OutreachEvent.objects.create(
            date=dt.date(2013, 1, 1),
            unit=danang["legacy_province"],
            kind="talk",
            venue="school",
            topic="T",
            participants_total=1,
        ),
    ]
    for record in records:
        type(record).objects.filter(pk=record.pk).update(current_unit=None, current_unit_to_review=False)
    derive_current_units()
    for record in records[:4]:
        record.refresh_from_db()
        assert (record.current_unit, record.current_unit_to_review) == (danang["first"], True)
    records[4].refresh_from_db()
    assert records[4].current_unit == danang["province"]


def test_data_migration_helper_derives_on_historical_models(units):
    kid = child(units.quang_trung)
    Child.objects.filter(pk=kid.pk).update(current_unit=None)

    class Editor:
        connection = connection

    derive_in_migration(apps, Editor(), [("cases", "Child", "commune")])
    kid.refresh_from_db()
    assert kid.current_unit == units.kontum_ward


def test_a_successor_loaded_later_flags_the_records_of_the_split_commune(danang):
    UnitConversion.objects.filter(legacy=danang["split"], current=danang["second"]).delete()
    kid = child(danang["split"])
    assert (kid.current_unit, kid.current_unit_to_review) == (danang["first"], False)
    assert sync_conversions() == 1
    kid.refresh_from_db()
    assert (kid.current_unit, kid.current_unit_to_review) == (danang["first"], True)
    assert set(derive_current_units().values()) == {0}


def test_a_new_successor_flags_a_reviewed_record_again_and_keeps_its_unit(danang):
    officer = make_user("danang", "province_officer", danang["province"])
    kid = child(danang["split"])
    record_move(record=kid, to=danang["second"], user=officer)
    third = Unit.objects.filter(edition="current", level="commune", province=danang["province"]).exclude(
        pk__in=[danang["first"].pk, danang["second"].pk]
    )[0]
    text = f"legacy_code,current_code\n{SPLIT},{third.code}\n"
    load_conversions_csv(text)
    kid.refresh_from_db()
    assert (kid.current_unit, kid.current_unit_to_review) == (danang["second"], True)
    # Loading the same entry again adds no successor: an officer's new decision is kept.
    record_move(record=kid, to=third, user=officer)
    load_conversions_csv(text)
    assert set(derive_current_units().values()) == {0}
    kid.refresh_from_db()
    assert (kid.current_unit, kid.current_unit_to_review) == (third, False)


def _move_queries(records: list, to: Unit, user, monkeypatch) -> tuple[int, int]:
    """Queries of one move: in all, and those made by ``ensure_in_scope``."""
    import scope.reform_moves

    check, in_checks = scope.reform_moves.ensure_in_scope, []

    def counted(instance, user):
        with CaptureQueriesContext(connection) as inner:
            check(instance, user)
        in_checks.append(len(inner.captured_queries))

    monkeypatch.setattr(scope.reform_moves, "ensure_in_scope", counted)
    with CaptureQueriesContext(connection) as queries:
        records_move(records=records, to=to, user=user)
    return len(queries.captured_queries), sum(in_checks)


def _split_records(danang, n: int, name: str) -> list:
    kids = [child(danang["split"], f"{name} {i}") for i in range(n)]
    cases = [
        Case.objects.create(case_ref=f"{name}-{i}", child=kid, commune=danang["split"], opened_on=dt.date(2013, 1, 1))
        for i, kid in enumerate(kids)
    ]
    # Fresh instances, as the admin action reads them: no relation cached.
    return [*Child.objects.filter(pk__in=[k.pk for k in kids]), *Case.objects.filter(pk__in=[c.pk for c in cases])]


@pytest.mark.parametrize("superuser", [True, False])
def test_moving_records_costs_a_fixed_number_of_queries_besides_the_scope_checks(danang, monkeypatch, superuser):
    user = make_user("mover", "province_officer", danang["province"])
    user.is_superuser = superuser
    user.save()
    few, few_checks = _move_queries(_split_records(danang, 3, "few"), danang["second"], user, monkeypatch)
    many, many_checks = _move_queries(_split_records(danang, 10, "many"), danang["second"], user, monkeypatch)
    assert few - few_checks == many - many_checks
    if superuser:
        assert few == many
