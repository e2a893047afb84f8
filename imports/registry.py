"""The kinds of import file, by key."""

from __future__ import annotations

from .attendance import AttendanceSpec
from .base import Column, KindSpec
from .cases import CasesSpec
from .children import ChildrenSpec
from .commune_stats import CommuneStatsSpec
from .events import EventsSpec
from .incidents import IncidentsSpec
from .models import ModelsSpec

SPECS: dict[str, type[KindSpec]] = {
    spec.kind: spec
    for spec in (ChildrenSpec, CommuneStatsSpec, ModelsSpec, CasesSpec, EventsSpec, AttendanceSpec, IncidentsSpec)
}


def get_spec(kind: str) -> KindSpec:
    """The spec of ``kind``; ``KeyError`` for an unknown kind."""
    return SPECS[kind]()


__all__ = ["SPECS", "Column", "KindSpec", "get_spec"]
