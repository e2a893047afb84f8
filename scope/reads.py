"""Reads of personal data: what a model declares, and the hook the scoped surfaces log through.

A model whose rows hold a child's or a case's personal data says how a row reaches them::

    class CaseNote(models.Model):
        personal_data = PersonalData(child="case__child", case="case")

The scoped admin, API and file views below call ``record_read`` with what they showed. The access
log that keeps those records lives a layer above (``audit``), so it registers its recorder here when
its app is ready; the surfaces never import it. A read of personal data with no recorder registered
is refused: the log is part of the boundary, so it fails closed like scope does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db import models


@dataclass(frozen=True)
class PersonalData:
    """How a row of a model reaches the child and the case whose personal data it shows.

    ``child`` and ``case`` are lookup paths from the row (``"pk"`` for the child or case
    itself, ``"case__child"`` for a case note); either may be ``None``.
    """

    child: str | None = None
    case: str | None = None


class Action:
    VIEW = "view"
    LIST = "list"
    SEARCH = "search"
    EXPORT = "export"
    DOWNLOAD = "download"
    PRINT = "print"
    API = "api"


def personal_data(model: type[models.Model]) -> PersonalData | None:
    """The ``PersonalData`` a model declares, ``None`` when its rows are not personal."""
    declared = getattr(model, "personal_data", None)
    if declared is not None and not isinstance(declared, PersonalData):
        raise TypeError(f"{model.__name__}.personal_data must be a PersonalData")
    return declared


def is_personal(model: type[models.Model]) -> bool:
    return personal_data(model) is not None


class ReadRecorder(Protocol):
    def __call__(
        self,
        request: Any,
        *,
        action: str,
        objects: Iterable[models.Model] | models.QuerySet[Any] | None = None,
        model: type[models.Model] | None = None,
        refused_ids: Iterable[Any] = (),
        query: str | None = None,
    ) -> None: ...


_recorder: ReadRecorder | None = None


def register_read_recorder(recorder: ReadRecorder) -> None:
    """Called once by the access log's app when it is ready (``audit.apps``)."""
    global _recorder
    _recorder = recorder


def record_read(
    request: Any,
    *,
    action: str,
    objects: Iterable[models.Model] | models.QuerySet[Any] | None = None,
    model: type[models.Model] | None = None,
    refused_ids: Iterable[Any] = (),
    query: str | None = None,
) -> None:
    """Log that ``request.user`` read ``objects``, or was refused ``refused_ids`` of ``model``."""
    if _recorder is None:
        raise ImproperlyConfigured("No access log is installed: reads of personal data cannot be recorded.")
    _recorder(request, action=action, objects=objects, model=model, refused_ids=refused_ids, query=query)
