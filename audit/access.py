"""The access log's one entry point: ``record_access``.

A model whose rows hold a child's or a case's personal data says how a row reaches them
(``scope.reads.PersonalData``). The scoped admin and API bases and downloads reach this function
through ``scope.reads.record_read``, where this app registers it; exports and generated documents
call ``record_access(request, action=..., objects=...)`` with what they showed. Within a request
the events are collected on the request and written by ``AccessLogMiddleware`` in one
``bulk_create`` when the response leaves, so a list of 50 children costs one write. Called
without the middleware (a management command, a test's bare request) it writes at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import models
from django.utils import timezone

from scope.reads import PersonalData, personal_data

# Attribute set on the (Django) request by the middleware; its presence means "collect".
PENDING_ATTR = "_access_events"
# How many rows one INSERT carries when an export logs a whole province.
BULK_BATCH = 2000


class Outcome:
    OK = "ok"
    REFUSED = "refused"


def record_access(
    request: Any,
    *,
    action: str,
    objects: Iterable[models.Model] | models.QuerySet | None = None,
    model: type[models.Model] | None = None,
    refused_ids: Iterable[Any] = (),
    query: str | None = None,
) -> None:
    """Log that ``request.user`` read ``objects`` (rows or a queryset of one personal model).

    ``action`` is one of ``Action``. A refused read (out of scope or missing: the user got
    "does not exist") passes ``model`` and the ``refused_ids`` asked for instead. ``query``
    is the filter or search used; by default the request's query string. Objects of a model
    that declares no ``PersonalData`` are logged by model and primary key only.
    """
    django_request = getattr(request, "_request", request)
    refs: list[tuple[str, str, int | None, int | None, str]] = []
    if objects is not None:
        refs.extend((Outcome.OK, *ref) for ref in _refs(objects, model))
    if refused_ids:
        if model is None:
            raise TypeError("record_access: refused_ids needs the model asked for")
        refs.extend((Outcome.REFUSED, *_refused_ref(model, pk)) for pk in refused_ids)
    if not refs:
        # A list or search that found nothing still shows who looked for what.
        label = model._meta.label_lower if model is not None else ""
        refs.append((Outcome.OK, label, None, None, ""))
    if query is None:
        query = django_request.META.get("QUERY_STRING", "")
    rows = [
        _row(django_request, action, outcome, label, child, case, object_id, query)
        for (outcome, label, child, case, object_id) in refs
    ]
    pending = getattr(django_request, PENDING_ATTR, None)
    if pending is None:
        write_events(rows)
    else:
        pending.extend(rows)


def write_events(rows: list[Any]) -> None:
    """Write collected events once, without duplicates (a page that loads a row twice)."""
    from .models import AccessEvent

    seen: set[tuple[Any, ...]] = set()
    unique = []
    for row in rows:
        key = (row.action, row.outcome, row.model, row.child_id, row.case_id, row.object_id)
        if key not in seen:
            seen.add(key)
            unique.append(row)
    if unique:
        AccessEvent.objects.bulk_create(unique, batch_size=BULK_BATCH)


def _refs(
    objects: Iterable[models.Model] | models.QuerySet, model: type[models.Model] | None
) -> Iterator[tuple[str, Any, Any, str]]:
    """(model label, child id, case id, object id) of every object, in one query at most."""
    if isinstance(objects, models.QuerySet):
        qs_model = objects.model
        declared = personal_data(qs_model)
        label = qs_model._meta.label_lower
        paths = _paths(declared)
        if not paths:
            for pk in objects.values_list("pk", flat=True):
                yield label, None, None, str(pk)
            return
        for pk, *values in objects.values_list("pk", *paths):
            child, case = _split(declared, values)
            yield label, child, case, str(pk)
        return
    rows = list(objects)
    by_model: dict[type[models.Model], list[models.Model]] = {}
    for obj in rows:
        by_model.setdefault(type(obj)._meta.concrete_model, []).append(obj)
    for obj_model, items in by_model.items():
        declared = personal_data(obj_model)
        label = obj_model._meta.label_lower
        paths = _paths(declared)
        if not paths:
            for obj in items:
                yield label, None, None, str(obj.pk)
        elif all("__" not in p for p in paths):
            # Direct fields: read them from the rows already loaded, no query.
            for obj in items:
                values = [obj.pk if p == "pk" else getattr(obj, _attname(obj_model, p)) for p in paths]
                child, case = _split(declared, values)
                yield label, child, case, str(obj.pk)
        else:
            found = {
                pk: values
                for pk, *values in obj_model._base_manager.filter(pk__in=[o.pk for o in items]).values_list(
                    "pk", *paths
                )
            }
            for obj in items:
                child, case = _split(declared, found.get(obj.pk, [None] * len(paths)))
                yield label, child, case, str(obj.pk)


def _attname(model: type[models.Model], name: str) -> str:
    return str(getattr(model._meta.get_field(name), "attname", name))


def _paths(declared: PersonalData | None) -> list[str]:
    if declared is None:
        return []
    return [p for p in (declared.child, declared.case) if p]


def _split(declared: PersonalData | None, values: list[Any]) -> tuple[int | None, int | None]:
    values = list(values)
    child = values.pop(0) if declared and declared.child else None
    case = values.pop(0) if declared and declared.case else None
    return child, case


def _refused_ref(model: type[models.Model], pk: Any) -> tuple[str, int | None, int | None, str]:
    """A refused read names only what was asked for: the id, as a child or case when it is one."""
    declared = personal_data(model)
    text = str(pk)[:64]
    number = int(text) if text.isdigit() and len(text) < 19 else None
    child = number if declared and declared.child == "pk" else None
    case = number if declared and declared.case == "pk" else None
    return model._meta.label_lower, child, case, text


def client_ip(request: Any) -> str | None:
    """The client's address: the proxy's ``X-Forwarded-For`` only when we sit behind one."""
    from django.conf import settings

    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def _row(request: Any, action: str, outcome: str, label: str, child: Any, case: Any, object_id: str, query: str) -> Any:
    from .models import AccessEvent

    # The request's user goes into a foreign key to the project's user model, which audit (beside
    # accounts, not above it) cannot name: to mypy it stays ``Any``.
    user: Any = getattr(request, "user", None)
    authenticated = bool(user is not None and getattr(user, "is_authenticated", False))
    if not hasattr(request, "_access_request_id"):
        request._access_request_id = uuid.uuid4()
        request._access_at = timezone.now()
    return AccessEvent(
        request_id=request._access_request_id,
        at=request._access_at,
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "",
        ip=client_ip(request),
        action=action,
        outcome=outcome,
        model=label,
        object_id=object_id,
        child_id=child,
        case_id=case,
        path=request.path[:500] if hasattr(request, "path") else "",
        query=(query or "")[:2000],
    )
