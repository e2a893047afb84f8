import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AccessEvent
from cases.models import Case, SupportPlan
from cases.queue import KEYS, case_lists, work_queue
from cases.referrals import Referral
from cases.transfers import Transfer

from .factories import CaseFactory, ChildFactory

NOW = timezone.make_aware(dt.datetime(2024, 6, 12, 10, 0))
TODAY = NOW.date()


def make_case(commune, **fields):
    return CaseFactory(commune=commune, child=ChildFactory(commune=commune), **fields)


def build(units, cast, *, copies=1):
    """One case of each queue list in Quang Trung, and its peers just on the other side of the deadline."""
    made = {}
    for _ in range(copies):
        qt = units.quang_trung
        made["emergency_overdue"] = make_case(qt, emergency=True, intervention_due_at=NOW - dt.timedelta(minutes=1))
        made["emergency_due"] = make_case(qt, emergency=True, intervention_due_at=NOW + dt.timedelta(minutes=1))
        made["emergency_done"] = make_case(
            qt, emergency=True, intervention_due_at=NOW - dt.timedelta(hours=1), intervened_at=NOW
        )
        assessed = Case.Status.DETAILED_ASSESSMENT
        made["plan_overdue"] = make_case(qt, status=assessed, plan_due_on=TODAY - dt.timedelta(1))
        made["plan_due"] = make_case(qt, status=assessed, plan_due_on=TODAY)
        made["plan_far"] = make_case(qt, status=assessed, plan_due_on=TODAY + dt.timedelta(8))
        review = make_case(qt, status=Case.Status.IN_PROGRESS)
        SupportPlan.objects.create(case=review, review_on=TODAY)
        made["review_due"] = review
        later = make_case(qt, status=Case.Status.IN_PROGRESS)
        SupportPlan.objects.create(case=later, review_on=TODAY + dt.timedelta(1))
        made["assigned_to_me"] = make_case(qt, assigned_to=cast.commune)
        make_case(qt, assigned_to=cast.commune, status=Case.Status.CLOSED, closed_on=TODAY, outcome="goal_achieved")
        far = make_case(units.dakglei_town)
        made["transfer"] = Transfer.objects.create(
            case=far, from_unit=units.dakglei_town, to_unit=qt, reason="chuyển nhà", requested_by=cast.peer_commune
        )
        sent = make_case(qt)
        made["referral"] = Referral.objects.create(
            case=sent, service="health", provider="Trạm y tế", reason="khám", due_on=TODAY
        )
        done = make_case(qt)
        Referral.objects.create(case=done, service="health", provider="x", reason="y", status="completed")
        # Out of everyone's scope but the province's: never in the commune officer's queue.
        make_case(units.dakglei_town, emergency=True, intervention_due_at=NOW - dt.timedelta(hours=1))
    return made


def ids(queue, key):
    return [item["id"] for item in queue[key]["items"]]


def test_every_key_for_a_commune_officer(units, cast):
    made = build(units, cast)
    queue = work_queue(user=cast.commune, now=NOW)
    assert set(queue) == set(KEYS)
    for key in ("emergency_overdue", "emergency_due", "plan_overdue", "plan_due", "review_due"):
        assert ids(queue, key) == [made[key].pk], key
        assert queue[key]["count"] == 1
    assert ids(queue, "assigned_to_me") == [made["assigned_to_me"].pk]
    assert ids(queue, "transfers_incoming") == [made["transfer"].pk]
    assert ids(queue, "referrals_open") == [made["referral"].pk]
    entry = queue["emergency_overdue"]["items"][0]
    assert entry["case_ref"] == made["emergency_overdue"].case_ref
    assert entry["child"] == made["emergency_overdue"].child.full_name
    assert entry["commune"] == units.quang_trung.name
    assert entry["due"] == made["emergency_overdue"].intervention_due_at


def test_the_sender_does_not_see_its_transfer_as_incoming(units, cast):
    build(units, cast)
    assert work_queue(user=cast.peer_commune, now=NOW)["transfers_incoming"]["count"] == 0


def test_a_deadline_just_passed_moves_the_case(units, cast):
    made = build(units, cast)
    later = NOW + dt.timedelta(minutes=2)
    queue = work_queue(user=cast.commune, now=later)
    assert set(ids(queue, "emergency_overdue")) == {made["emergency_overdue"].pk, made["emergency_due"].pk}
    assert queue["emergency_due"]["count"] == 0


def test_province_sees_the_whole_province(units, cast):
    build(units, cast)
    queue = work_queue(user=cast.province, now=NOW)
    assert queue["emergency_overdue"]["count"] == 2
    assert queue["assigned_to_me"]["count"] == 0
    assert work_queue(user=cast.other_province, now=NOW)["emergency_overdue"]["count"] == 0


def test_collaborator_sees_only_their_own_intake(units, cast):
    build(units, cast)
    child = ChildFactory(commune=units.quang_trung, reported_by=cast.collaborator)
    own = CaseFactory(child=child, commune=units.quang_trung, reported_by=cast.collaborator, emergency=True,
                      intervention_due_at=NOW + dt.timedelta(hours=3))  # fmt: skip
    queue = work_queue(user=cast.collaborator, now=NOW)
    assert ids(queue, "emergency_due") == [own.pk]
    assert queue["emergency_overdue"]["count"] == 0
    assert queue["transfers_incoming"]["count"] == 0


@pytest.mark.parametrize("who", ["viewer", "no_unit"])
def test_viewers_and_users_without_unit_see_no_queue(units, cast, who):
    build(units, cast)
    queue = work_queue(user=getattr(cast, who), now=NOW)
    assert all(entry == {"count": 0, "items": []} for entry in queue.values())


@pytest.mark.parametrize("copies", [1, 6])
def test_queries_are_bounded(units, cast, django_assert_max_num_queries, copies):
    build(units, cast, copies=copies)
    with django_assert_max_num_queries(16):
        queue = work_queue(user=cast.province, now=NOW)
    assert queue["emergency_overdue"]["count"] == 2 * copies


def test_api_answers_the_queue_and_logs_the_names(client_for, units, cast):
    made = build(units, cast)
    response = client_for(cast.commune).get("/api/v1/me/queue/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == set(KEYS)
    assert body["assigned_to_me"]["items"][0]["id"] == made["assigned_to_me"].pk
    logged = set(AccessEvent.objects.filter(user=cast.commune).values_list("case_id", flat=True))
    assert made["assigned_to_me"].pk in logged


def test_api_is_for_signed_in_users_only(client, units):
    assert client.get("/api/v1/me/queue/").status_code in (401, 403)


def test_api_gives_a_viewer_an_empty_queue(client_for, units, cast):
    build(units, cast)
    body = client_for(cast.viewer).get("/api/v1/me/queue/").json()
    assert all(entry["count"] == 0 for entry in body.values())


def test_overdue_lists(cast, units):
    """The overdue lists (emergency and plan, ``CaseQuerySet.overdue``'s two halves) within the user's scope."""
    late = make_case(units.quang_trung, opened_on=dt.date(2024, 1, 5), status=Case.Status.IN_PROGRESS)
    Case.objects.filter(pk=late.pk).update(status="detailed_assessment", plan_due_on=dt.date(2024, 1, 12))
    make_case(units.quang_trung, opened_on=dt.date(2024, 1, 5), status=Case.Status.IN_PROGRESS)
    now = dt.datetime(2024, 1, 15, 9, tzinfo=dt.UTC)

    def overdue(user):
        lists = case_lists(user=user, now=now)
        return [*lists["emergency_overdue"], *lists["plan_overdue"]]

    assert overdue(cast.commune) == [late]
    assert overdue(cast.peer_commune) == []
