"""The import kinds of the cases app (registered with ``imports.registry``): children (with their
consent columns), commune statistics, cases and incidents of abuse."""

from . import cases, children, commune_stats, incidents

__all__ = ["cases", "children", "commune_stats", "incidents"]
