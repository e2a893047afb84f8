"""API lists count no further than ADMIN_COUNT_CAP rows, say so, and still lead to their last row."""

from __future__ import annotations

import pytest
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from cases.models import Child
from cases.tests.factories import ChildFactory
from scope.api_pagination import CappedCountPagination

pytestmark = pytest.mark.django_db


def page_of(query: dict, *, page_size: int = 2) -> tuple[CappedCountPagination, dict]:
    """One page of all children in pk order, as the API would answer it."""
    paginator = CappedCountPagination()
    paginator.page_size = page_size
    request = Request(APIRequestFactory().get("/api/v1/children/", query))
    rows = paginator.paginate_queryset(Child.objects.order_by("pk"), request)
    return paginator, paginator.get_paginated_response([row.pk for row in rows]).data


def walk(page_size: int) -> tuple[list[int], list[dict]]:
    """Follow ``next`` from the first page to the end: the rows read and every answer."""
    seen: list[int] = []
    answers: list[dict] = []
    query: dict = {}
    while True:
        _paginator, answer = page_of(query, page_size=page_size)
        answers.append(answer)
        seen += answer["results"]
        if answer["next"] is None:
            return seen, answers
        query = {"page": answer["next"].rsplit("page=", 1)[1]}


def test_within_the_cap_the_count_is_exact(units, settings):
    settings.ADMIN_COUNT_CAP = 10
    ChildFactory.create_batch(5, commune=units.quang_trung)
    _paginator, answer = page_of({})
    assert answer["count"] == 5 and answer["count_capped"] is False
    assert list(answer) == ["count", "count_capped", "next", "previous", "results"]


def test_past_the_cap_the_count_stops_and_says_so(units, settings):
    settings.ADMIN_COUNT_CAP = 3
    ChildFactory.create_batch(7, commune=units.quang_trung)
    _paginator, answer = page_of({})
    assert answer["count"] == 3 and answer["count_capped"] is True
    assert answer["next"] is not None and answer["previous"] is None


@pytest.mark.parametrize("cap", [3, 100])
def test_following_next_reads_every_row_once_and_ends(units, settings, cap):
    settings.ADMIN_COUNT_CAP = cap
    ChildFactory.create_batch(7, commune=units.quang_trung)
    seen, answers = walk(page_size=2)
    assert seen == list(Child.objects.order_by("pk").values_list("pk", flat=True))
    assert len(answers) == 4 and answers[-1]["next"] is None and answers[-1]["previous"] is not None


def test_a_capped_list_ending_on_a_full_page_has_no_next_page(units, settings):
    settings.ADMIN_COUNT_CAP = 3
    ChildFactory.create_batch(6, commune=units.quang_trung)
    seen, answers = walk(page_size=2)
    assert len(seen) == 6 and len(answers) == 3


def test_a_page_past_the_end_is_not_found(units, settings):
    settings.ADMIN_COUNT_CAP = 3
    ChildFactory.create_batch(5, commune=units.quang_trung)
    with pytest.raises(NotFound):
        page_of({"page": "4"})
    with pytest.raises(NotFound):
        page_of({"page": "0"})
    with pytest.raises(NotFound):
        page_of({"page": "abc"})


def test_the_last_page_of_a_capped_list_is_refused_with_a_reason(units, settings):
    settings.ADMIN_COUNT_CAP = 3
    ChildFactory.create_batch(5, commune=units.quang_trung)
    with pytest.raises(NotFound) as refused:
        page_of({"page": "last"})
    assert "3" in str(refused.value.detail)


def test_the_last_page_of_a_counted_list_is_served(units, settings):
    settings.ADMIN_COUNT_CAP = 10
    ChildFactory.create_batch(5, commune=units.quang_trung)
    _paginator, answer = page_of({"page": "last"})
    assert answer["results"] == [Child.objects.order_by("pk").last().pk] and answer["next"] is None


def test_the_api_answers_with_the_capped_count(cast, units, client_for, settings):
    settings.ADMIN_COUNT_CAP = 2
    ChildFactory.create_batch(3, commune=units.quang_trung)
    ChildFactory(commune=units.dakglei_town)
    capped = client_for(cast.commune).get("/api/v1/children/").json()
    assert capped["count"] == 2 and capped["count_capped"] is True and len(capped["results"]) == 3
    counted = client_for(cast.peer_commune).get("/api/v1/children/").json()
    assert counted["count"] == 1 and counted["count_capped"] is False


def test_the_browsable_api_links_past_the_cap(cast, units, client_for, settings):
    settings.ADMIN_COUNT_CAP = 2
    ChildFactory.create_batch(5, commune=units.quang_trung)
    paginator, _answer = page_of({"page": "2"}, page_size=2)
    links = [link.number for link in paginator.get_html_context()["page_links"]]
    # Counted pages end at 1; page 2 is shown and page 3 follows it.
    assert links == [1, 2, 3]


def test_the_schema_describes_the_flag(cast, client):
    client.force_login(cast.province)
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    page = schema["components"]["schemas"]["PaginatedChildList"]
    assert page["required"] == ["count", "count_capped", "results"]
    assert page["properties"]["count_capped"]["type"] == "boolean"
