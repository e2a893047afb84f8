"""``NameField``: a person's name (or another short name), stored clean on every write path."""

from __future__ import annotations

from typing import Any

from django.db import models

from .text import nfc


class NameField(models.CharField):
    """A ``CharField`` whose value is NFC-normalised and stripped of format characters.

    Cleaned in ``to_python`` (forms, the API and ``full_clean``) and in ``pre_save`` (every
    ``save`` and ``bulk_create``), so no write path stores a name that looks the same as
    another but is not found by a search.
    """

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return nfc(value) if isinstance(value, str) else value

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if isinstance(value, str):
            value = nfc(value)
            setattr(model_instance, self.attname, value)
        return value
