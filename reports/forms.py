"""The annual summary's filter form: a unit in the user's scope and a year."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from locations.models import Unit
from locations.params import MAX_YEAR, MIN_YEAR
from scope.core import is_unrestricted, units_in_scope

if TYPE_CHECKING:
    from accounts.types import AnyUser


def unit_choices(user: AnyUser) -> list[tuple[str, str]]:
    """Units the user may report on, as ``edition-code`` values (codes repeat across structures).

    Superusers pick among provinces and districts (a commune by its code in the address), so the
    page does not list ten thousand communes.
    """
    units = units_in_scope(user)
    if is_unrestricted(user):
        units = units.exclude(level=Unit.Level.COMMUNE)
    choices: list[tuple[str, str]] = [("", str(_("My unit")) if not is_unrestricted(user) else str(_("Whole country")))]
    editions = dict(Unit.Edition.choices)
    for unit in units.order_by("-edition", "code").only("code", "name", "edition", "level"):
        choices.append((f"{unit.edition}-{unit.code}", f"{unit.code} {unit.name} · {editions[unit.edition]}"))
    return choices


class AnnualSummaryForm(forms.Form):
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    year = forms.IntegerField(label=_("Year"), min_value=MIN_YEAR, max_value=MAX_YEAR)

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # django-stubs types a form's fields as ``Field``; this one is the ChoiceField above.
        cast(forms.ChoiceField, self.fields["unit"]).choices = unit_choices(user)
        self.fields["year"].initial = timezone.localdate().year
