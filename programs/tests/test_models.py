import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from programs.models import ProtectionModel

from .factories import EnrolmentFactory, ProtectionModelFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def model(units):
    return ProtectionModelFactory(established_on=dt.date(2024, 3, 1), ended_on=dt.date(2024, 9, 30))


@pytest.mark.parametrize(
    ("on", "active"),
    [
        (dt.date(2024, 2, 29), False),
        (dt.date(2024, 3, 1), True),
        (dt.date(2024, 9, 30), True),
        (dt.date(2024, 10, 1), False),
    ],
)
def test_active_on_includes_both_boundary_days(model, on, active):
    assert ProtectionModel.objects.active_on(on).filter(pk=model.pk).exists() is active
    assert model.is_active_on(on) is active


def test_active_on_keeps_an_open_model_active_for_ever(units):
    model = ProtectionModelFactory(established_on=dt.date(2020, 1, 1), ended_on=None)
    assert ProtectionModel.objects.active_on(dt.date(2099, 12, 31)).filter(pk=model.pk).exists()
    assert not ProtectionModel.objects.active_on(dt.date(2019, 12, 31)).filter(pk=model.pk).exists()


def test_status_is_derived_from_the_dates(model):
    assert model.status_on(dt.date(2024, 2, 1)) == ProtectionModel.Status.PLANNED
    assert model.status_on(dt.date(2024, 5, 1)) == ProtectionModel.Status.ACTIVE
    assert model.status_on(dt.date(2024, 10, 1)) == ProtectionModel.Status.ENDED
    for status in ProtectionModel.Status.values:
        found = ProtectionModel.objects.with_status(status, dt.date(2024, 10, 1))
        assert found.filter(pk=model.pk).exists() is (status == ProtectionModel.Status.ENDED)


def test_active_during_a_year_counts_a_model_that_ended_in_it(model):
    assert (
        ProtectionModel.objects.active_during(dt.date(2024, 1, 1), dt.date(2024, 12, 31)).filter(pk=model.pk).exists()
    )
    assert not ProtectionModel.objects.active_during(dt.date(2025, 1, 1), dt.date(2025, 12, 31)).exists()


def test_end_before_start_is_an_error_on_the_end_date(units):
    model = ProtectionModelFactory.build(established_on=dt.date(2024, 3, 1), ended_on=dt.date(2024, 2, 1))
    with pytest.raises(ValidationError) as exc:
        model.full_clean()
    assert "ended_on" in exc.value.message_dict


def test_cbcp_system_must_sit_on_a_commune(units):
    model = ProtectionModelFactory.build(kind=ProtectionModel.Kind.CBCP_SYSTEM, unit=units.kontum_city)
    with pytest.raises(ValidationError) as exc:
        model.full_clean()
    assert "unit" in exc.value.message_dict


def test_enrolment_needs_a_child_or_a_name_and_a_daycare_model(units):
    club = ProtectionModelFactory(kind=ProtectionModel.Kind.CHILD_CLUB)
    enrolment = EnrolmentFactory.build(model=club, child_name="")
    with pytest.raises(ValidationError) as exc:
        enrolment.full_clean()
    assert {"model", "child_name"} <= set(exc.value.message_dict)
