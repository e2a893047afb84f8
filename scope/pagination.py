"""A paginator for admin lists that counts no further than ``ADMIN_COUNT_CAP`` rows.

Counting every row a province officer may see (millions of children) costs more than the page
itself, on every page, and tells the officer nothing a search would not: past the cap the list
says "more than N" and offers the first pages; a search or a filter narrows it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

if TYPE_CHECKING:
    # Generic to mypy only: at run time Django's paginator takes no parameters.
    _Paginator = Paginator[Any]
else:
    _Paginator = Paginator


class CappedCountPaginator(_Paginator):
    # What the admin lists hand it: a queryset, never a plain list.
    object_list: QuerySet[Any]
    #: Whether the list holds more rows than were counted (set by ``count``).
    capped = False

    @cached_property
    def count(self) -> int:
        cap = int(getattr(settings, "ADMIN_COUNT_CAP", 1000))
        if hasattr(self.object_list, "order_by"):
            # A count of a LIMIT subquery stops at the cap; the order does not change a count.
            counted = self.object_list.order_by()[: cap + 1].count()
        else:
            counted = len(self.object_list)
        self.capped = counted > cap
        return min(counted, cap)


class IdsFirstPaginator(CappedCountPaginator):
    """Reads a page as two queries: the ids of its rows, then those rows.

    The ids query names only the columns the list filters and sorts on, so that an index holding
    them (``child_live_by_name`` for the children) answers it without reading the table: finding
    the first 50 rows of a province filtered by category, sex and age then walks index entries,
    not tens of thousands of table rows. The rows are read by id through the same queryset, so
    they keep its order, its joins and its scope.
    """

    def page(self, number: int | str) -> Page[Any]:
        page = super().page(number)
        # The page's slice of the list, as ids; then the rows, by id, in the list's order.
        sliced = cast(QuerySet[Any], page.object_list)
        ids = list(sliced.values_list("pk", flat=True))
        page.object_list = self.object_list.filter(pk__in=ids)
        return page
