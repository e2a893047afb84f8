"""API lists: page-number pagination whose ``count`` stops at ``ADMIN_COUNT_CAP`` rows.

Counting every child of a province (millions) costs more than the page itself, on every page.
Past the cap the answer says so instead of counting on::

    {"count": 1000, "count_capped": true, "next": "…?page=2", "previous": null, "results": […]}

``count_capped`` false: ``count`` is the number of rows. True: there are more than ``count``
rows. Either way ``next`` is null exactly on the last page, so a client walks a long list to
its end by following ``next``; a page past the counted ones reads one row more than it
shows to know whether another page follows. ``page=last`` needs the real count: past the cap
it answers 404, and a filter narrows the list (docs/contract/api.md).
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination, _get_displayed_page_numbers, _get_page_links
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from .pagination import CappedCountPaginator


class OpenEndedPage(Page[Any]):
    """A page of a list longer than the cap: whether another follows was read, not counted."""

    def __init__(self, object_list: Any, number: int, paginator: Any, *, more: bool) -> None:
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def end_index(self) -> int:
        return self.start_index() + len(self.object_list) - 1


class OpenEndedPaginator(CappedCountPaginator):
    """Counts up to the cap; past it, serves any page that has rows."""

    def validate_number(self, number: Any) -> int:
        if not (self.count and self.capped):
            return super().validate_number(number)
        try:
            asked = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if asked < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return asked

    def page(self, number: Any) -> Page[Any]:
        number = self.validate_number(number)
        if not self.capped:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows:
            raise EmptyPage(self.error_messages["no_results"])
        return OpenEndedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)


class CappedCountPagination(PageNumberPagination):  # type: ignore[misc]  # DRF ships no types
    """``PageNumberPagination`` with a capped ``count`` and a ``count_capped`` flag (see the module)."""

    django_paginator_class = OpenEndedPaginator

    def get_page_number(self, request: Any, paginator: Any) -> Any:
        number = request.query_params.get(self.page_query_param) or 1
        if number in self.last_page_strings:
            if paginator.count and paginator.capped:
                raise NotFound(
                    _("This list has more than %(count)d rows and no last page to show: filter it.")
                    % {"count": paginator.count}
                )
            return paginator.num_pages
        return number

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "count": self.page.paginator.count,
                "count_capped": self.page.paginator.capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: Any) -> Any:
        answer = super().get_paginated_response_schema(schema)
        properties = answer["properties"]
        properties["count"]["description"] = "Number of rows; when count_capped, the list has more than this."
        answer["properties"] = {
            "count": properties.pop("count"),
            "count_capped": {
                "type": "boolean",
                "example": False,
                "description": "Whether the list has more rows than were counted. Follow next to the end.",
            },
            **properties,
        }
        answer["required"] = ["count", "count_capped", "results"]
        return answer

    def get_html_context(self) -> Any:
        if not self.page.paginator.capped:
            return super().get_html_context()
        # The browsable API's page links, past the cap: up to this page, or the next one if any.
        base_url = self.request.build_absolute_uri()

        def page_url(number: int) -> str:
            if number == 1:
                return str(remove_query_param(base_url, self.page_query_param))
            return str(replace_query_param(base_url, self.page_query_param, number))

        current = self.page.number
        final = max(self.page.paginator.num_pages, current + int(self.page.has_next()))
        numbers = _get_displayed_page_numbers(current, final)
        return {
            "previous_url": self.get_previous_link(),
            "next_url": self.get_next_link(),
            "page_links": _get_page_links(numbers, current, page_url),
        }
