"""The event a record app yields from its ``notification_sources.py``, and their discovery."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps


@dataclass(frozen=True)
class Event:
    """Something due: ``key`` is unique per event (e.g. ``case:12:emergency_2h``)."""

    key: str
    kind: str
    recipient_ids: frozenset[int]
    title: str
    body: str = ""
    url: str = ""
    extra: dict[str, str] = field(default_factory=dict)


Source = Callable[[dt.datetime], Iterable[Event]]


def discovered_sources() -> list[Source]:
    """``events(now)`` of every installed app that has a ``notification_sources`` module.

    The record apps sit above this app (docs/architecture.md): they provide their events, this
    app never imports them by name.
    """
    sources: list[Source] = []
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.notification_sources")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.notification_sources":
                raise
            continue
        sources.append(module.events)
    return sources


def due_events(now: dt.datetime) -> Iterator[Event]:
    for source in discovered_sources():
        yield from source(now)
