"""Admin lists count no further than ADMIN_COUNT_CAP rows and say "more than N" past it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


def test_a_list_past_the_cap_says_more_than_the_cap(cast, units, client_for, settings):
    settings.ADMIN_COUNT_CAP = 3
    ChildFactory.create_batch(5, commune=units.quang_trung)
    response = client_for(cast.commune).get(reverse("admin:cases_child_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 3 and response.context["cl"].paginator.capped
    assert 'id="result-count-capped"' in response.content.decode()
    assert "Hơn 3" in response.content.decode()


def test_a_list_within_the_cap_shows_its_count(cast, units, client_for, settings):
    settings.ADMIN_COUNT_CAP = 3
    ChildFactory.create_batch(2, commune=units.quang_trung)
    response = client_for(cast.commune).get(reverse("admin:cases_child_changelist"))
    assert response.context["cl"].result_count == 2 and not response.context["cl"].paginator.capped
    assert 'id="result-count-capped"' not in response.content.decode()


def test_ids_first_pages_are_the_slices_of_the_list_in_its_order(units):
    from cases.models import Child
    from scope.pagination import IdsFirstPaginator

    for name in ["Lê Văn Ba", "An Thị Hai", "Trần Văn Một", "Đỗ Thị Bốn", "Bùi Văn Năm", "Y Sáu", "Hà Bảy"]:
        ChildFactory(full_name=name, commune=units.quang_trung)
    listing = Child.objects.order_by("name_folded", "pk")
    paginator = IdsFirstPaginator(listing, 3)
    pages = [list(paginator.page(n).object_list) for n in paginator.page_range]
    assert pages == [list(listing[0:3]), list(listing[3:6]), list(listing[6:7])]
    # The rows come back as a queryset of the list (its joins and order), not a bare list.
    assert paginator.page(2).object_list.query.order_by == listing.query.order_by


def test_the_children_list_pages_through_its_filtered_rows_in_name_order(cast, units, client_for, monkeypatch):
    from cases.admin.registry import ChildAdmin
    from cases.models import Child

    for i in range(7):
        ChildFactory(full_name=f"Nguyễn Thị {chr(ord('A') + 6 - i)}", sex="F", commune=units.quang_trung)
        ChildFactory(full_name=f"Nguyễn Văn {chr(ord('A') + i)}", sex="M", commune=units.quang_trung)
    monkeypatch.setattr(ChildAdmin, "list_per_page", 3)
    client = client_for(cast.commune)
    url = reverse("admin:cases_child_changelist")
    shown = [
        [row.full_name for row in client.get(url, {"sex": "F", "p": p}).context["cl"].result_list] for p in (1, 2, 3)
    ]
    expected = list(Child.objects.filter(sex="F").order_by("name_folded", "pk").values_list("full_name", flat=True))
    assert len(expected) == 7
    assert shown == [expected[0:3], expected[3:6], expected[6:7]]
