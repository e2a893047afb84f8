"""Who may manage whom: no takeover of superusers, peers or oneself; grants within one's own permissions."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from accounts.services import user_check_grant, user_upsert
from conftest import make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Another-pass-2026!"
MISSING = 10**9


@pytest.fixture
def targets(cast, units):
    """A superuser with a unit in the manager's scope (as ``add_user --superuser`` makes), and a peer manager."""
    return {
        "superuser": make_user("admin_su", "province_manager", units.kontum, is_superuser=True),
        "peer": make_user("peer_manager", "province_manager", units.kontum),
    }


def _password_post(client, pk):
    return client.post(
        f"/admin/accounts/user/{pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )


@pytest.mark.parametrize("target", ["superuser", "peer"])
def test_manager_cannot_set_the_password_of_a_superuser_or_a_peer(cast, client_for, targets, target):
    user = targets[target]
    client = client_for(cast.manager)
    response = _password_post(client, user.pk)
    assert response.status_code == _password_post(client, MISSING).status_code == 404
    user.refresh_from_db()
    assert not user.check_password(NEW_PASSWORD) and user.check_password("pw")


@pytest.mark.parametrize("target", ["superuser", "peer"])
def test_manager_cannot_delete_a_superuser_or_a_peer(cast, client_for, targets, target):
    user = targets[target]
    client = client_for(cast.manager)
    response = client.post(f"/admin/accounts/user/{user.pk}/delete/", {"post": "yes"})
    missing = client.post(f"/admin/accounts/user/{MISSING}/delete/", {"post": "yes"})
    assert (response.status_code, response.get("Location")) == (missing.status_code, missing.get("Location"))
    assert User.objects.filter(pk=user.pk).exists()


@pytest.mark.parametrize("target", ["superuser", "peer"])
def test_manager_cannot_delete_a_superuser_or_a_peer_by_the_list_action(cast, client_for, targets, target):
    user = targets[target]
    client_for(cast.manager).post(
        "/admin/accounts/user/", {"action": "delete_selected", "_selected_action": [user.pk], "post": "yes"}
    )
    assert User.objects.filter(pk=user.pk).exists()


@pytest.mark.parametrize("target", ["superuser", "peer"])
@pytest.mark.parametrize("page", ["change", "history"])
def test_a_superuser_or_a_peer_reads_as_missing_to_a_manager(cast, client_for, targets, target, page):
    client = client_for(cast.manager)
    response = client.get(f"/admin/accounts/user/{targets[target].pk}/{page}/")
    missing = client.get(f"/admin/accounts/user/{MISSING}/{page}/")
    assert (response.status_code, response.get("Location")) == (missing.status_code, missing.get("Location"))
    assert response.status_code == 302


def test_manager_list_leaves_out_superusers_peers_and_themselves(cast, client_for, targets):
    response = client_for(cast.manager).get("/admin/accounts/user/")
    listed = {u.username for u in response.context["cl"].result_list}
    assert "viewer" in listed
    assert not listed & {"admin_su", "peer_manager", "manager"}


def test_a_lower_rank_manager_sees_no_user_of_its_rank_or_above(cast, units, client_for):
    # A district officer who was handed the user permissions: still no province officer or peer district.
    district_manager = make_user("dm", "district_officer", units.kontum_city)
    district_manager.user_permissions.add(*cast.manager.groups.get().permissions.all())
    make_user("district_peer", "district_officer", units.kontum_city)
    response = client_for(district_manager).get("/admin/accounts/user/")
    listed = {u.username for u in response.context["cl"].result_list}
    assert "commune" in listed
    assert not listed & {"district_peer", "district", "dm", "province", "manager"}


def test_manager_cannot_set_their_own_password_in_the_user_admin(cast, client_for):
    response = _password_post(client_for(cast.manager), cast.manager.pk)
    assert response.status_code == 404
    cast.manager.refresh_from_db()
    assert cast.manager.check_password("pw")


def test_manager_still_changes_their_own_password_on_the_password_page(cast, client_for):
    response = client_for(cast.manager).post(
        "/admin/password_change/",
        {"old_password": "pw", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    cast.manager.refresh_from_db()
    assert cast.manager.check_password(NEW_PASSWORD)


@pytest.mark.parametrize("role", ["province_officer", "district_officer", "commune_officer", "collaborator"])
def test_a_read_only_manager_cannot_give_a_role_that_writes_records(cast, units, client_for, role):
    response = client_for(cast.manager).post(
        "/admin/accounts/user/add/",
        {
            "username": "new_officer",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "usable_password": "true",
            "role": role,
            "unit": units.quang_trung.pk,
        },
    )
    assert response.status_code == 200
    assert "role" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="new_officer").exists()


def test_the_role_choices_of_a_manager_hold_only_roles_within_their_permissions(cast, client_for):
    response = client_for(cast.manager).get("/admin/accounts/user/add/")
    choices = {value for value, _label in response.context["adminform"].form.fields["role"].choices if value}
    assert choices == {"province_manager", "viewer"}


def test_a_manager_reads_but_cannot_change_a_user_with_permissions_they_lack(cast, client_for):
    client = client_for(cast.manager)
    officer = cast.commune
    assert client.get(f"/admin/accounts/user/{officer.pk}/change/").status_code == 200
    response = client.post(
        f"/admin/accounts/user/{officer.pk}/change/",
        {"username": "commune", "role": "commune_officer", "unit": officer.unit_id, "is_active": "", "phone": "1"},
    )
    assert response.status_code == 403
    assert _password_post(client, officer.pk).status_code == 403
    officer.refresh_from_db()
    assert officer.is_active and officer.check_password("pw") and officer.phone == ""
    client.post(f"/admin/accounts/user/{officer.pk}/delete/", {"post": "yes"})
    assert User.objects.filter(pk=officer.pk).exists()


def test_a_manager_changes_a_viewer_in_scope(cast, client_for):
    viewer = cast.viewer
    client = client_for(cast.manager)
    response = client.post(
        f"/admin/accounts/user/{viewer.pk}/change/",
        {"username": "viewer", "role": "viewer", "unit": viewer.unit_id, "is_active": "on", "phone": "0901"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert _password_post(client, viewer.pk).status_code == 302
    viewer.refresh_from_db()
    assert viewer.phone == "0901" and viewer.check_password(NEW_PASSWORD)


def test_nobody_changes_their_own_role_or_unit_through_the_service(cast, units):
    for actor, role, unit in [
        (cast.manager, "viewer", units.kontum),
        (cast.manager, "province_manager", units.kontum_city),
        (cast.superuser, "province_officer", units.kontum),
    ]:
        with pytest.raises(ValidationError):
            user_upsert(username=actor.username, role=role, unit=unit, actor=actor)
        actor.refresh_from_db()
        assert actor.role != role or actor.unit != unit


def test_a_superuser_cannot_change_their_own_role_or_unit_in_the_admin(cast, units, client_for):
    root = cast.superuser
    response = client_for(root).post(
        f"/admin/accounts/user/{root.pk}/change/",
        {
            "username": "root",
            "role": "viewer",
            "unit": units.quang_trung.pk,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    root.refresh_from_db()
    assert (root.role, root.unit) == ("", None)


def test_the_grant_rule_refuses_a_target_the_actor_does_not_manage(cast, targets):
    for target in [targets["superuser"], targets["peer"], cast.other_province]:
        with pytest.raises(ValidationError):
            user_check_grant(actor=cast.manager, target=target, role="viewer", unit=target.unit)
        with pytest.raises(ValidationError):
            user_upsert(username=target.username, role="viewer", unit=cast.manager.unit, actor=cast.manager)
        target.refresh_from_db()
        assert target.role != "viewer"


def test_only_a_superuser_makes_a_superuser_through_the_service(cast, units):
    with pytest.raises(ValidationError) as refused:
        user_upsert(username="new_root", role="viewer", unit=units.kontum, actor=cast.manager, is_superuser=True)
    assert "is_superuser" in refused.value.message_dict
    assert not User.objects.filter(username="new_root").exists()
    user, _created = user_upsert(
        username="new_root", role="viewer", unit=units.kontum, actor=cast.superuser, is_superuser=True
    )
    assert user.is_superuser
