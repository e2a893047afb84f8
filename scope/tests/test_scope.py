import datetime as dt

import pytest

from cases.models import Child
from scope.core import OutOfScope, ensure_in_scope, units_in_scope

pytestmark = pytest.mark.django_db


def _child(commune, **extra):
    return Child(
        full_name="Lê Văn Em", birth_year=2016, date_of_birth=dt.date(2016, 1, 2), sex="M", commune=commune, **extra
    )


def test_ensure_in_scope_accepts_a_record_in_scope(cast, units):
    ensure_in_scope(_child(units.quang_trung), cast.commune)
    ensure_in_scope(_child(units.dakglei_town), cast.province)


def test_ensure_in_scope_refuses_a_unit_outside_scope(cast, units):
    with pytest.raises(OutOfScope) as err:
        ensure_in_scope(_child(units.dakglei_town), cast.commune)
    assert "commune" in err.value.message_dict


def test_a_user_without_unit_can_write_nothing(cast, units):
    with pytest.raises(OutOfScope):
        ensure_in_scope(_child(units.quang_trung), cast.no_unit)


def test_an_inactive_user_sees_nothing(cast, units):
    _child(units.quang_trung).save()
    cast.province.is_active = False
    assert Child.objects.visible_to(cast.province).count() == 0
    assert units_in_scope(cast.province).count() == 0


def test_a_collaborator_sees_and_writes_only_their_own_intakes(cast, units):
    own = _child(units.quang_trung, reported_by=cast.collaborator)
    own.save()
    _child(units.quang_trung, reported_by=cast.commune).save()
    assert list(Child.objects.visible_to(cast.collaborator)) == [own]
    with pytest.raises(OutOfScope):
        ensure_in_scope(_child(units.quang_trung, reported_by=cast.commune), cast.collaborator)


def test_a_current_province_officer_sees_legacy_records_that_converted_into_it(cast, units):
    legacy = _child(units.quang_trung)
    legacy.save()
    assert legacy.current_unit.code == "23293" and legacy.current_unit.edition == "current"
    assert Child.objects.visible_to(cast.current_province).filter(pk=legacy.pk).exists()
    assert not Child.objects.visible_to(cast.other_province).filter(pk=legacy.pk).exists()


def test_anonymous_sees_nothing(units):
    from django.contrib.auth.models import AnonymousUser

    _child(units.quang_trung).save()
    assert Child.objects.visible_to(AnonymousUser()).count() == 0
    assert Child.objects.visible_to(None).count() == 0


def test_a_current_province_officer_may_save_a_legacy_district_level_record(cast, units):
    from programs.models import ProtectionModel

    model = ProtectionModel(
        code="MH-HUYEN",
        name="Điểm tham vấn",
        kind="counselling_point",
        unit=units.kontum_city,
        established_on=dt.date(2018, 1, 1),
    )
    model.derive_current_unit()
    assert model.current_unit == units.quangngai
    ensure_in_scope(model, cast.current_province)
    with pytest.raises(OutOfScope):
        ensure_in_scope(model, cast.other_province)
