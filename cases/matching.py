"""Finding likely duplicates of a child, one at a time or for a batch of rows.

Three reasons, strongest first: the same personal ID; the same folded name and date of
birth in the same district; a near name (small spelling differences) with the same year of
birth in the same district. Nothing here merges anything: an officer decides.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from locations.models import Unit
from locations.text import fold

from .models import Child

NEAR_NAME_RATIO = 0.85


class Reason:
    PERSONAL_ID = "personal_id"
    NAME_AND_BIRTH = "name_birth"
    NEAR_NAME = "near_name"

    LABELS = {
        PERSONAL_ID: _("same personal ID"),
        NAME_AND_BIRTH: _("same name and date of birth in the district"),
        NEAR_NAME: _("similar name, same year of birth in the district"),
    }


@dataclass(frozen=True)
class Candidate:
    """What is known of a child to match: a saved child or an import row."""

    full_name: str
    birth_year: int | None
    date_of_birth: dt.date | None = None
    personal_id: str = ""
    district_id: int | None = None
    commune_id: int | None = None
    exclude_pk: int | None = None
    name_folded: str = field(default="", compare=False)

    @classmethod
    def of(cls, child: Child) -> Candidate:
        commune = child.commune
        return cls(
            full_name=child.full_name,
            birth_year=child.birth_year,
            date_of_birth=None if child.birth_year_only else child.date_of_birth,
            personal_id=child.personal_id,
            district_id=_area_id(commune),
            commune_id=commune.pk,
            exclude_pk=child.pk,
        )

    @property
    def folded(self) -> str:
        return self.name_folded or fold(self.full_name)


@dataclass(frozen=True)
class Match:
    child: Child
    reason: str

    @property
    def reason_label(self) -> str:
        return str(Reason.LABELS[self.reason])


def _area_id(commune: Unit) -> int:
    """The district of a legacy commune; a current commune (no districts) is its own area."""
    return commune.district_id or commune.pk


def name_similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, fold(a), fold(b)).ratio()


def find_duplicates(candidates: Iterable[Candidate], *, queryset: QuerySet[Child] | None = None) -> list[list[Match]]:
    """For each candidate, the existing children it probably is, strongest reason first.

    Usable in batch: one query for the personal IDs of all candidates and one for the
    children of their districts and years of birth, whatever the number of candidates.
    ``queryset`` narrows the search (e.g. to a user's scope); merged records never match.
    """
    items = list(candidates)
    base = (queryset if queryset is not None else Child.objects.all()).filter(merged_into__isnull=True)
    base = base.select_related("commune")

    pids = {c.personal_id for c in items if c.personal_id}
    by_pid: dict[str, list[Child]] = defaultdict(list)
    if pids:
        for child in base.filter(personal_id__in=pids):
            by_pid[child.personal_id].append(child)

    areas = {(c.district_id, c.birth_year) for c in items if c.district_id and c.birth_year}
    by_area: dict[tuple[int | None, int | None], list[Child]] = defaultdict(list)
    if areas:
        area_q = Q()
        for district_id, year in areas:
            area_q |= (Q(commune__district_id=district_id) | Q(commune_id=district_id)) & Q(birth_year=year)
        for child in base.filter(area_q):
            by_area[(_area_id(child.commune), child.birth_year)].append(child)

    results: list[list[Match]] = []
    for cand in items:
        matches: dict[int, Match] = {}
        for child in by_pid.get(cand.personal_id, []) if cand.personal_id else []:
            if child.pk != cand.exclude_pk:
                matches[child.pk] = Match(child, Reason.PERSONAL_ID)
        folded = cand.folded
        for child in by_area.get((cand.district_id, cand.birth_year), []):
            if child.pk == cand.exclude_pk or child.pk in matches:
                continue
            same_birth = (
                cand.date_of_birth is not None
                and not child.birth_year_only
                and child.date_of_birth == cand.date_of_birth
            )
            if child.name_folded == folded and same_birth:
                matches[child.pk] = Match(child, Reason.NAME_AND_BIRTH)
            elif SequenceMatcher(None, child.name_folded, folded).ratio() >= NEAR_NAME_RATIO:
                matches[child.pk] = Match(child, Reason.NEAR_NAME)
        order = [Reason.PERSONAL_ID, Reason.NAME_AND_BIRTH, Reason.NEAR_NAME]
        results.append(sorted(matches.values(), key=lambda m: (order.index(m.reason), m.child.pk)))
    return results


def duplicates_of(child: Child, *, queryset: QuerySet[Child] | None = None) -> list[Match]:
    return find_duplicates([Candidate.of(child)], queryset=queryset)[0]
