"""Held identifiers: a value taken out of scope is held, never refused (cases/identifiers.py)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from cases import identifiers
from cases.identifiers import awaiting_review_q
from cases.models import Child
from cases.services import child_merge, child_save

from .factories import ChildFactory
from .test_admin import child_post

BODY = {"full_name": "Y Bia", "date_of_birth": "2016-02-01", "sex": "M", "commune": "23281"}


def post_child(client, **extra):
    return client.post("/api/v1/children/", {**BODY, **extra}, content_type="application/json")


def shape(response):
    return response.status_code, sorted(response.json())


@pytest.fixture
def far(units):
    """A child of another district: out of the commune officer's and collaborator's scope."""
    return ChildFactory(full_name="Lê Văn Xa", commune=units.dakglei_town, child_ref="KT-9", personal_id="062315000123")


@pytest.mark.parametrize("who", ["commune", "collaborator"])
def test_api_ref_held_out_of_scope_answers_as_a_free_value(client_for, cast, far, who):
    client = client_for(getattr(cast, who))
    free = post_child(client, child_ref="KT-1")
    taken = post_child(client, full_name="Y Bia Hai", child_ref="KT-9")
    assert shape(taken) == shape(free) == (201, shape(free)[1])
    assert taken.json()["child_ref"] == "KT-9"
    held = Child.objects.get(full_name="Y Bia Hai")
    assert (held.child_ref, held.pending_child_ref) == ("", "KT-9")
    far.refresh_from_db()
    assert far.child_ref == "KT-9"
    shown = client.get(f"/api/v1/children/{held.pk}/")
    assert shown.status_code == 200 and shown.json()["child_ref"] == "KT-9"


def test_api_personal_id_held_out_of_scope(client_for, cast, far):
    response = post_child(client_for(cast.commune), personal_id="062315000123", accept_warnings=True)
    assert response.status_code == 201, response.content
    held = Child.objects.get(full_name="Y Bia")
    assert (held.personal_id, held.pending_personal_id) == ("", "062315000123")


def test_api_visible_holder_keeps_the_clear_error(client_for, cast, far):
    response = post_child(client_for(cast.province), child_ref="KT-9")
    assert response.status_code == 400
    assert not Child.objects.filter(full_name="Y Bia").exists()


def test_api_update_keeps_the_held_value_and_a_new_value_releases_it(client_for, cast, far):
    client = client_for(cast.commune)
    child_id = post_child(client, child_ref="KT-9").json()["id"]
    child = Child.objects.get(pk=child_id)
    patched = client.patch(
        f"/api/v1/children/{child_id}/",
        {"village": "Thôn 2", "version": child.version},
        content_type="application/json",
    )
    assert patched.status_code == 200, patched.content
    child.refresh_from_db()
    assert (child.child_ref, child.pending_child_ref, child.village) == ("", "KT-9", "Thôn 2")
    changed = client.patch(
        f"/api/v1/children/{child_id}/",
        {"child_ref": "KT-2", "version": child.version},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    child.refresh_from_db()
    assert (child.child_ref, child.pending_child_ref) == ("KT-2", "")


def test_admin_add_held_out_of_scope_and_refused_in_scope(client_for, cast, units, far):
    new = Child(full_name="Mới", date_of_birth=far.date_of_birth, birth_year=2015, sex="M", commune=units.quang_trung)
    response = client_for(cast.commune).post(reverse("admin:cases_child_add"), child_post(new, child_ref="KT-9"))
    assert response.status_code == 302
    held = Child.objects.get(full_name="Mới")
    assert (held.child_ref, held.pending_child_ref) == ("", "KT-9")
    # The creator's change page shows the value as entered and nothing about a review.
    page = client_for(cast.commune).get(reverse("admin:cases_child_change", args=[held.pk]))
    assert page.context["adminform"].form.initial["child_ref"] == "KT-9"
    assert "held_identifiers" not in str(page.context["adminform"].form.fields)
    assert "Awaiting duplicate review" not in page.content.decode()

    other = Child(full_name="Khác", date_of_birth=far.date_of_birth, birth_year=2015, sex="M", commune=far.commune)
    refused = client_for(cast.province).post(reverse("admin:cases_child_add"), child_post(other, child_ref="KT-9"))
    assert refused.status_code == 200 and refused.context["adminform"].form.errors
    assert not Child.objects.filter(full_name="Khác").exists()


def test_review_filter_and_change_page_for_province_reviewers(client_for, cast, units, far):
    held = child_save(child=ChildFactory.build(commune=units.quang_trung, child_ref="KT-9"), user=cast.commune)
    ChildFactory(commune=units.quang_trung, child_ref="KT-3")
    url = reverse("admin:cases_child_changelist") + "?held=yes"
    listed = client_for(cast.province).get(url)
    assert listed.status_code == 200
    assert [c.pk for c in listed.context["cl"].result_list] == [held.pk]
    page = client_for(cast.province).get(reverse("admin:cases_child_change", args=[held.pk]))
    assert "KT-9" in page.content.decode()
    # A commune officer is offered no such filter, and the parameter filters nothing for them.
    commune_list = client_for(cast.commune).get(url)
    assert len(commune_list.context["cl"].result_list) > 1


def test_merge_clears_held_values(cast, units, far):
    held = child_save(child=ChildFactory.build(commune=units.quang_trung, child_ref="KT-9"), user=cast.commune)
    child_merge(keep=held, drop=far, user=cast.province)
    held.refresh_from_db()
    assert (held.child_ref, held.pending_child_ref) == ("KT-9", "")
    assert not Child.objects.filter(awaiting_review_q()).exists()


def test_saving_after_the_holder_is_archived_releases_the_value(cast, units, far):
    held = child_save(child=ChildFactory.build(commune=units.quang_trung, child_ref="KT-9"), user=cast.commune)
    Child._base_manager.filter(pk=far.pk).update(archived_at=timezone.now())
    held.refresh_from_db()
    child_save(child=held, user=cast.province, expected_version=held.version)
    held.refresh_from_db()
    assert (held.child_ref, held.pending_child_ref) == ("KT-9", "")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent database connections")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", ["commune", "province"])
def test_concurrent_creates_of_one_new_value_never_500(client_for, cast, who):
    user = getattr(cast, who)
    start = threading.Barrier(6)
    statuses: list[int] = []

    def create(n):
        try:
            client = client_for(user)
            start.wait()
            statuses.append(post_child(client, full_name=f"Song Song {n}", child_ref="KT-NEW").status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(statuses) == 6 and 500 not in statuses
    # All six are in the creator's scope, so the holder is visible: one created, five clean 400s.
    assert sorted(statuses) == [201] + [400] * 5
    assert Child.objects.filter(child_ref="KT-NEW").count() == 1


@pytest.mark.parametrize(("who", "held"), [("commune", True), ("province", False)])
def test_a_value_taken_between_the_check_and_the_insert_is_held_or_refused(monkeypatch, cast, units, far, who, held):
    """The unique constraint's IntegrityError is caught in a savepoint, never a 500."""
    real_hold = identifiers.identifiers_hold
    calls = []

    def hold_after_the_race(*, child, user):
        calls.append(child.child_ref)
        # The first look misses the holder, as when it is committed just after the check.
        return [] if len(calls) == 1 else real_hold(child=child, user=user)

    real_check = identifiers.identifiers_check
    checks = []

    def check_after_the_race(child):
        checks.append(child.child_ref)
        return None if len(checks) == 1 else real_check(child)

    monkeypatch.setattr(identifiers, "identifiers_hold", hold_after_the_race)
    monkeypatch.setattr(identifiers, "identifiers_check", check_after_the_race)
    # The model's own constraint check runs before the insert too; in the race it also saw no holder.
    monkeypatch.setattr(Child, "validate_constraints", lambda self, exclude=None: None)
    child = ChildFactory.build(commune=units.quang_trung, child_ref="KT-9")
    if held:
        child_save(child=child, user=getattr(cast, who))
        child.refresh_from_db()
        assert (child.child_ref, child.pending_child_ref, len(calls)) == ("", "KT-9", 2)
    else:
        with pytest.raises(ValidationError) as refused:
            child_save(child=child, user=getattr(cast, who))
        assert "child_ref" in refused.value.message_dict
        assert not Child.objects.filter(commune=units.quang_trung).exists()
