"""Legacy (Kon Tum) records seen and counted by officers of the current units they became."""

from __future__ import annotations

import datetime as dt

import pytest

from cases.models import Case, Child
from conftest import make_user
from locations.models import Unit
from outreach.models import OutreachEvent
from programs.models import ProtectionModel
from scope.core import ensure_in_scope

pytestmark = pytest.mark.django_db


def child(commune: Unit, name: str = "Nguyễn Văn An", **extra) -> Child:
    return Child.objects.create(full_name=name, birth_year=2015, sex="M", commune=commune, **extra)


def case(kid: Child, ref: str, opened_on: dt.date = dt.date(2013, 5, 2)) -> Case:
    return Case.objects.create(case_ref=ref, child=kid, commune=kid.commune, opened_on=opened_on)


@pytest.fixture
def kontum_records(units):
    """Records of 2013 on legacy Kon Tum communes, a district-level model and an event."""
    kid = child(units.quang_trung)
    peer = child(units.dakglei_town, "Trần Thị Bình")
    return {
        "kid": kid,
        "peer": peer,
        "case": case(kid, "KT-2013-1"),
        "peer_case": case(peer, "KT-2013-2"),
        "model": ProtectionModel.objects.create(
            code="KT-CLB", name="CLB", kind="child_club", unit=units.kontum_city, established_on=dt.date(2013, 1, 1)
        ),
        "event": OutreachEvent.objects.create(
            date=dt.date(2013, 6, 1),
            unit=units.quang_trung,
            kind="talk",
            venue="school",
            topic="Phòng chống xâm hại",
            participants_total=40,
        ),
    }


def test_legacy_records_get_their_current_unit_on_save(units, kontum_records):
    assert kontum_records["kid"].current_unit == units.kontum_ward
    assert kontum_records["kid"].current_unit_to_review is False
    assert kontum_records["case"].current_unit == units.kontum_ward
    # A legacy district's record goes to the current province.
    assert kontum_records["model"].current_unit == units.quangngai
    assert kontum_records["peer"].current_unit.edition == Unit.Edition.CURRENT
    assert kontum_records["peer"].current_unit.province == units.quangngai


def test_current_province_officer_sees_and_counts_kontum_records(cast, kontum_records):
    officer = cast.current_province
    assert set(Child.objects.visible_to(officer)) == {kontum_records["kid"], kontum_records["peer"]}
    assert Case.objects.visible_to(officer).open_during(2013).count() == 2
    assert ProtectionModel.objects.visible_to(officer).count() == 1
    assert OutreachEvent.objects.visible_to(officer).count() == 1


def test_current_province_does_not_see_other_legacy_provinces(units, cast, kontum_records):
    gialai_kid = child(units.pleiku_commune, "Lê Văn Cường")
    assert gialai_kid not in Child.objects.visible_to(cast.current_province)


def test_officer_of_a_ward_formed_from_five_communes_sees_only_their_records(units, kontum_records):
    ward = units.kontum_ward
    assert ward.predecessor_links.count() == 5
    officer = make_user("ward_officer", "commune_officer", ward)
    formed_from = [link.legacy for link in ward.predecessor_links.select_related("legacy")]
    kids = [child(unit, f"Trẻ {unit.code}") for unit in formed_from]
    visible = set(Child.objects.visible_to(officer))
    assert visible == {*kids, kontum_records["kid"]}
    assert kontum_records["peer"] not in visible
    assert Case.objects.visible_to(officer).open_during(2013).count() == 1
    assert OutreachEvent.objects.visible_to(officer).count() == 1
    # The district-level model is not a commune's record.
    assert ProtectionModel.objects.visible_to(officer).count() == 0


def test_current_unit_officer_may_write_a_legacy_record(cast, kontum_records):
    kid = kontum_records["kid"]
    ensure_in_scope(kid, cast.current_province)


def test_legacy_officer_may_still_write_a_legacy_record_with_a_current_unit(cast, kontum_records):
    kid = kontum_records["kid"]
    assert kid.current_unit is not None
    ensure_in_scope(kid, cast.province)
    ensure_in_scope(kid, cast.commune)


def test_peer_commune_officer_cannot_see_other_commune_records(cast, kontum_records):
    assert kontum_records["kid"] not in Child.objects.visible_to(cast.peer_commune)
