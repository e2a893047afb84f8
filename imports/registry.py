"""The kinds of import file, by key: each record app registers its own.

An app that can be imported into has a module ``<app>/import_kinds.py`` (or a package) whose
kinds are decorated with ``@register``; ``ImportsConfig.ready()`` imports every installed
app's ``import_kinds``, as the admin discovers ``admin.py``. ``imports`` itself names no kind:
the admin's choice of kind, ``import_data`` and the API list whatever is registered, in the
order of each kind's ``position``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.module_loading import autodiscover_modules

from .kind import KindSpec

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DISCOVERED_MODULE = "import_kinds"

_registered: dict[str, type[KindSpec]] = {}


class AlreadyRegistered(Exception):
    """Two kinds claimed the same key."""


def register[SpecT: type[KindSpec]](spec: SpecT) -> SpecT:
    """Class decorator: make ``spec`` importable under its ``kind`` key."""
    other = _registered.get(spec.kind)
    if other is not None and other is not spec:
        raise AlreadyRegistered(f"Import kind {spec.kind!r} is registered twice: {other!r} and {spec!r}.")
    _registered[spec.kind] = spec
    return spec


def autodiscover() -> None:
    """Import ``import_kinds`` of every installed app, so that their kinds register."""
    autodiscover_modules(DISCOVERED_MODULE)


def kinds() -> dict[str, type[KindSpec]]:
    """Every registered kind by key, in the order users see them listed (by ``position``)."""
    return {spec.kind: spec for spec in sorted(_registered.values(), key=lambda s: (s.position, s.kind))}


def kind_choices() -> list[tuple[str, StrOrPromise]]:
    """(key, label) of every kind, in order: the choices of ``ImportJob.kind`` and of the upload forms."""
    return [(key, spec.label) for key, spec in kinds().items()]


def get_spec(kind: str) -> KindSpec:
    """The spec of ``kind``; ``KeyError`` for an unknown kind."""
    return _registered[kind]()
