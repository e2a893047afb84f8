"""First-run guide of ``manage.py seed_demo`` for imports: a sample file to try (``samples/``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from .registry import kinds

SAMPLES = "samples"


def guide(*, users: dict[str, Any], current_users: dict[str, Any], url: str) -> list[str]:
    """Where to try an import: the first kind listed that has a sample file, from its records' list."""
    samples = settings.BASE_DIR / SAMPLES
    for kind, spec in kinds().items():
        sample = next((f"{SAMPLES}/{p.name}" for p in sorted(samples.glob(f"{kind}.*"))), None)
        if sample is None:
            continue
        opts = spec.model._meta
        return [
            f"an import: sign in as demo_commune_officer, open {url}admin/{opts.app_label}/{opts.model_name}/, "
            f"choose the import button and upload {sample} (every kind has a sample in {SAMPLES}/; "
            f"see {SAMPLES}/README.md)",
        ]
    return []
