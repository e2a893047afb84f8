"""Helpers that enumerate the project's surfaces: scoped models, admins, API views."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from scope.core import Scope

PROJECT_APPS = ["locations", "accounts", "cases", "programs", "outreach", "imports", "reports", "audit"]


def scoped_models() -> list[type]:
    """Every model of ours that declares a ``Scope``, plus ``Unit`` (scoped by level)."""
    from locations.models import Unit

    found = [Unit]
    for model in apps.get_models():
        if model._meta.app_label in PROJECT_APPS and isinstance(getattr(model, "scope", None), Scope):
            found.append(model)
    return found


def project_modules(name: str) -> Iterator:
    """``<app>.<name>`` for every project app that has such a module, and each module inside it if a package."""
    for app in PROJECT_APPS:
        try:
            module = importlib.import_module(f"{app}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.{name}":
                raise
            continue
        yield module
        for info in pkgutil.walk_packages(getattr(module, "__path__", []), prefix=f"{module.__name__}."):
            yield importlib.import_module(info.name)


def project_classes(base: type, module_names: list[str]) -> list[type]:
    """Subclasses of ``base`` defined in the given modules of every project app."""
    found = []
    for module_name in module_names:
        for module in project_modules(module_name):
            for _name, obj in inspect.getmembers(module, inspect.isclass):
                # Only classes defined in this module; imported bases are checked where they live.
                if issubclass(obj, base) and obj.__module__ == module.__name__:
                    found.append(obj)
    return sorted(set(found), key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def url_views(patterns=None, prefix: str = "") -> Iterator[tuple[str, object]]:
    """(route, callback) for every URL pattern of the project."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from url_views(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback
