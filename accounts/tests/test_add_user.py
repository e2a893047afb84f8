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
