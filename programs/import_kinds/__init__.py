"""The import kinds of the programs app (registered with ``imports.registry``): protection
models and day-care attendance."""

from . import attendance, protection_models

__all__ = ["attendance", "protection_models"]
