import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_add_user_creates_a_user_with_role_unit_and_group(units):
    call_command("add_user", "an", "--role", "district_officer", "--unit", "608", "--password", "s3cret-pass")
    user = User.objects.get(username="an")
    assert user.role == "district_officer" and user.unit == units.kontum_city
    assert user.check_password("s3cret-pass") and user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == ["district_officer"]


def test_add_user_updates_an_existing_user(units):
    call_command("add_user", "binh", "--role", "commune_officer", "--unit", "23281")
    call_command("add_user", "binh", "--role", "district_officer", "--unit", "608")
    user = User.objects.get(username="binh")
    assert (user.role, user.unit.code) == ("district_officer", "608")
    assert list(user.groups.values_list("name", flat=True)) == ["district_officer"]


def test_add_user_picks_the_edition(units):
    call_command("add_user", "chi", "--role", "commune_officer", "--unit", "23446", "--edition", "legacy")
    assert User.objects.get(username="chi").unit.edition == "legacy"
    call_command("add_user", "dung", "--role", "commune_officer", "--unit", "23446")
    assert User.objects.get(username="dung").unit.edition == "current"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "boss", "--unit", "62"], "Unknown role"),
        (["--role", "viewer", "--unit", "99999"], "Unknown unit"),
    ],
)
def test_add_user_refuses_bad_input_and_changes_nothing(units, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("add_user", "ghost", *args)
    assert not User.objects.filter(username="ghost").exists()


def _validator_messages(password: str) -> list[str]:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        validate_password(password, User(username="ghost"))
    return refused.value.messages


@pytest.mark.parametrize("password", ["1", "password", "ghost123"])
def test_add_user_refuses_a_weak_password_and_says_why(units, password):
    with pytest.raises(CommandError) as refused:
        call_command("add_user", "ghost", "--role", "viewer", "--unit", "62", "--password", password)
    message = str(refused.value)
    assert message.startswith("--password: ")
    assert all(reason in message for reason in _validator_messages(password))
    assert not User.objects.filter(username="ghost").exists()


def test_add_user_keeps_the_password_when_the_new_one_is_weak(units):
    call_command("add_user", "binh", "--role", "viewer", "--unit", "62", "--password", "Kt-2025-secure!")
    with pytest.raises(CommandError):
        call_command("add_user", "binh", "--role", "commune_officer", "--unit", "23281", "--password", "123")
    user = User.objects.get(username="binh")
    assert user.check_password("Kt-2025-secure!") and (user.role, user.unit.code) == ("viewer", "62")


def test_the_user_service_runs_the_password_validators(units):
    from django.core.exceptions import ValidationError

    from accounts.services import user_upsert

    with pytest.raises(ValidationError) as refused:
        user_upsert(username="ghost", role="viewer", unit=units.kontum, password="1")
    assert refused.value.message_dict["password"] == _validator_messages("1")
    assert not User.objects.filter(username="ghost").exists()


def test_add_user_names_the_argument_a_message_is_about(units):
    with pytest.raises(CommandError) as refused:
        call_command("add_user", "bad name!", "--role", "viewer", "--unit", "62")
    assert str(refused.value).startswith("username: ")
    assert not User.objects.filter(username="bad name!").exists()
