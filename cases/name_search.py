"""The children's name search of a user whose scope is one commune (PostgreSQL at millions of rows).

Such a search reads that commune's rows and compares their names, instead of finding the name
in the whole country through the trigram index and dropping the other communes. See
``scope.unit_indexed`` and docs/decisions/0006-lists-name-their-units.md.
"""

from __future__ import annotations

from django.db.models import Q

from locations.text import fold
from scope.unit_indexed import Unindexed

from .models import ChildQuerySet


def child_search(queryset: ChildQuerySet, term: str, *, one_unit: bool) -> ChildQuerySet:
    """``ChildQuerySet.search``; within one unit, names are compared on that unit's rows.

    A condition the trigram index cannot serve is also one PostgreSQL expects few rows from,
    so it reads the unit's rows through the unit index and sorts the matches, whatever the
    name's frequency in the rest of the country.
    """
    term = term.strip()
    if not one_unit or not term or term.isdigit():
        return queryset.search(term)
    # As ChildQuerySet.search for a name: the folded name contains the text, or the reference is it.
    return queryset.alias(name_compared=Unindexed("name_folded")).filter(
        Q(name_compared__contains=fold(term)) | Q(child_ref=term)
    )
