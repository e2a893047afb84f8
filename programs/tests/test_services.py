import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from programs import services
from programs.models import Attendance, ModelChange, ProtectionModel
from scope.core import OutOfScope

from .factories import DaycareModelFactory, EnrolmentFactory, make_child

pytestmark = pytest.mark.django_db

CBCP = ProtectionModel.Kind.CBCP_SYSTEM


def create_cbcp(user, unit, code, established_on, ended_on=None):
    return services.protection_model_create(
        user=user,
        code=code,
        name=f"Hệ thống BVTE {code}",
        kind=CBCP,
        unit=unit,
        established_on=established_on,
        ended_on=ended_on,
    )


def test_a_commune_has_at_most_one_active_cbcp_system(cast, units):
    create_cbcp(cast.commune, units.quang_trung, "CB1", dt.date(2023, 1, 1))
    with pytest.raises(ValidationError) as exc:
        create_cbcp(cast.commune, units.quang_trung, "CB2", dt.date(2024, 6, 1))
    assert "unit" in exc.value.message_dict
    assert ProtectionModel.objects.filter(code="CB2").count() == 0


def test_a_cbcp_system_overlapping_an_ended_one_is_refused_and_a_later_one_accepted(cast, units):
    create_cbcp(cast.commune, units.quang_trung, "CB1", dt.date(2021, 1, 1), dt.date(2022, 12, 31))
    with pytest.raises(ValidationError):
        create_cbcp(cast.commune, units.quang_trung, "CB2", dt.date(2020, 6, 1), dt.date(2021, 6, 1))
    later = create_cbcp(cast.commune, units.quang_trung, "CB3", dt.date(2023, 1, 1))
    assert later.pk is not None


def test_cbcp_systems_of_two_communes_do_not_clash(cast, units):
    create_cbcp(cast.district, units.quang_trung, "CB1", dt.date(2023, 1, 1))
    assert create_cbcp(cast.district, units.duy_tan, "CB2", dt.date(2023, 1, 1)).pk


def test_a_unit_outside_scope_is_refused_and_nothing_saved(cast, units):
    with pytest.raises(OutOfScope) as exc:
        create_cbcp(cast.commune, units.dakglei_town, "CB9", dt.date(2023, 1, 1))
    assert "unit" in exc.value.message_dict
    assert not ProtectionModel.objects.filter(code="CB9").exists()


def test_end_date_before_start_is_refused(cast, units):
    with pytest.raises(ValidationError) as exc:
        create_cbcp(cast.commune, units.quang_trung, "CB1", dt.date(2023, 1, 1), dt.date(2022, 1, 1))
    assert "ended_on" in exc.value.message_dict


def test_history_records_creation_changes_and_end(cast, units):
    model = create_cbcp(cast.commune, units.quang_trung, "CB1", dt.date(2023, 1, 1))
    services.protection_model_update(user=cast.commune, instance=model, host="Hội Phụ nữ")
    services.protection_model_update(user=cast.commune, instance=model, host="Hội Phụ nữ")
    services.protection_model_update(user=cast.commune, instance=model, ended_on=dt.date(2025, 6, 30))
    changes = list(ModelChange.objects.filter(model=model).order_by("pk"))
    assert [c.action for c in changes] == ["created", "changed", "ended"]
    assert changes[1].changes == {"host": ["", "Hội Phụ nữ"]}
    assert changes[2].changes == {"ended_on": [None, "30/06/2025"]}
    assert changes[2].changed_by == cast.commune


def test_enrolment_by_registry_child_copies_the_name(cast, units):
    model = DaycareModelFactory(established_on=dt.date(2024, 1, 1))
    child = make_child(name="Trần Thị Bình")
    enrolment = services.enrolment_create(user=cast.province, model=model, child=child, enrolled_on=dt.date(2024, 2, 1))
    assert enrolment.child_name == "Trần Thị Bình"


def test_enrolment_before_the_model_was_active_is_refused(cast, units):
    model = DaycareModelFactory(established_on=dt.date(2024, 1, 1))
    with pytest.raises(ValidationError) as exc:
        services.enrolment_create(user=cast.province, model=model, child_name="A", enrolled_on=dt.date(2023, 12, 31))
    assert "enrolled_on" in exc.value.message_dict


def test_register_saves_a_whole_day_and_updates_on_second_save(cast, units):
    model = DaycareModelFactory(established_on=dt.date(2024, 1, 1))
    enrolments = [EnrolmentFactory(model=model) for _ in range(3)]
    day = dt.date(2024, 3, 4)
    entries = [
        services.RegisterEntry(e.pk, present=i != 1, services="Phục hồi chức năng") for i, e in enumerate(enrolments)
    ]
    result = services.attendance_register_save(user=cast.province, model=model, date=day, entries=entries)
    assert (result.created, result.updated) == (3, 0)
    entries[1] = services.RegisterEntry(enrolments[1].pk, present=True)
    result = services.attendance_register_save(user=cast.province, model=model, date=day, entries=entries)
    assert (result.created, result.updated) == (0, 1)
    assert Attendance.objects.filter(date=day, present=True).count() == 3
    assert Attendance.objects.get(enrolment=enrolments[0], date=day).recorded_by == cast.province


def test_register_for_a_day_the_model_was_not_active_saves_nothing(cast, units):
    model = DaycareModelFactory(established_on=dt.date(2024, 1, 1), ended_on=dt.date(2024, 6, 30))
    enrolment = EnrolmentFactory(model=model)
    with pytest.raises(ValidationError) as exc:
        services.attendance_register_save(
            user=cast.province,
            model=model,
            date=dt.date(2024, 7, 1),
            entries=[services.RegisterEntry(enrolment.pk, True)],
        )
    assert "date" in exc.value.message_dict
    assert not Attendance.objects.exists()


def test_register_refuses_a_child_not_enrolled_that_day_or_of_another_model(cast, units):
    model = DaycareModelFactory(established_on=dt.date(2024, 1, 1))
    left = EnrolmentFactory(model=model, left_on=dt.date(2024, 2, 1))
    other = EnrolmentFactory()
    for enrolment in (left, other):
        with pytest.raises(ValidationError):
            services.attendance_register_save(
                user=cast.province,
                model=model,
                date=dt.date(2024, 3, 1),
                entries=[services.RegisterEntry(enrolment.pk, True)],
            )
    assert not Attendance.objects.exists()


def test_register_of_a_model_outside_scope_is_refused(cast, units):
    model = DaycareModelFactory(established_on=dt.date(2024, 1, 1))
    enrolment = EnrolmentFactory(model=model)
    with pytest.raises(OutOfScope):
        services.attendance_register_save(
            user=cast.district,
            model=model,
            date=dt.date(2024, 3, 1),
            entries=[services.RegisterEntry(enrolment.pk, True)],
        )
    assert not Attendance.objects.exists()


def test_single_attendance_outside_the_enrolment_is_an_error_on_the_date(cast, units):
    enrolment = EnrolmentFactory(enrolled_on=dt.date(2024, 3, 1), model=DaycareModelFactory())
    with pytest.raises(ValidationError) as exc:
        services.attendance_save(
            user=cast.province, attendance=Attendance(enrolment=enrolment, date=dt.date(2024, 2, 1))
        )
    assert "date" in exc.value.message_dict
