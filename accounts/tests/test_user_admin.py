import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db


def _add(client, **data):
    payload = {
        "username": "new_officer",
        "password1": "Kt-2025-secure!",
        "password2": "Kt-2025-secure!",
        "usable_password": "true",
        **data,
    }
    return client.post("/admin/accounts/user/add/", payload)


def test_manager_adds_a_viewer_in_scope(cast, units, client_for):
    # A manager reads records and may give only roles within that: a viewer's.
    response = _add(client_for(cast.manager), role="viewer", unit=units.quang_trung.pk)
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="new_officer")
    assert user.unit == units.quang_trung and user.groups.get().name == "viewer"


def test_superuser_adds_an_officer_in_scope(cast, units, client_for):
    response = _add(client_for(cast.superuser), role="commune_officer", unit=units.quang_trung.pk)
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="new_officer")
    assert user.unit == units.quang_trung and user.groups.get().name == "commune_officer"


def test_manager_cannot_give_a_unit_outside_scope(cast, units, client_for):
    response = _add(client_for(cast.manager), role="viewer", unit=units.pleiku_commune.pk)
    assert response.status_code == 200
    assert not User.objects.filter(username="new_officer").exists()


def test_manager_cannot_give_a_role_above_their_own(cast, units, client_for):
    district_manager = User.objects.create(
        username="dm", role="district_officer", unit=units.kontum_city, is_staff=True
    )
    district_manager.user_permissions.add(*cast.manager.groups.get().permissions.all())
    response = _add(client_for(district_manager), role="province_manager", unit=units.quang_trung.pk)
    assert response.status_code == 200
    assert not User.objects.filter(username="new_officer").exists()


def test_manager_user_list_shows_only_users_in_scope(cast, client_for):
    response = client_for(cast.manager).get("/admin/accounts/user/")
    listed = {u.username for u in response.context["cl"].result_list}
    assert {"commune", "district", "province"} <= listed
    assert not listed & {"other_province", "root", "no_unit"}


def test_officer_cannot_manage_users(cast, client_for):
    assert client_for(cast.province).get("/admin/accounts/user/").status_code == 403
