import pytest
from django.contrib.auth.models import Group

from accounts.roles import ROLE_RANK, Role, role_can_grant
from accounts.services import role_groups_sync

pytestmark = pytest.mark.django_db


def test_every_role_is_a_group_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


def test_officers_may_change_records_and_managers_only_read(cast):
    assert cast.province.has_perm("cases.change_child")
    assert cast.commune.has_perm("outreach.add_outreachevent")
    assert cast.manager.has_perm("cases.view_case") and not cast.manager.has_perm("cases.change_case")
    assert cast.manager.has_perm("accounts.change_user") and not cast.province.has_perm("accounts.change_user")


def test_viewer_has_reports_but_no_personal_data(cast):
    assert cast.viewer.has_perm("accounts.view_reports")
    assert not cast.viewer.has_perm("cases.view_child")
    assert not cast.viewer.has_perm("accounts.view_personal_data")


def test_collaborator_may_only_report_intakes(cast):
    assert cast.collaborator.has_perm("cases.add_child")
    assert not cast.collaborator.has_perm("cases.change_child")
    assert not cast.collaborator.has_perm("accounts.view_reports")


def test_sync_is_idempotent():
    before = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}
    role_groups_sync()
    after = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}
    assert before == after


def test_a_role_can_grant_only_roles_at_or_below_its_rank():
    assert role_can_grant(Role.PROVINCE_MANAGER, Role.PROVINCE_OFFICER)
    assert not role_can_grant(Role.DISTRICT_OFFICER, Role.PROVINCE_OFFICER)
    assert all(role_can_grant(Role.PROVINCE_MANAGER, r) for r in ROLE_RANK)
