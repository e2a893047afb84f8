"""The Decree 56/2017 case management forms as official documents, filled from a case.

``CASE_DOCUMENTS`` maps each form key of the API and the admin buttons (``01``, ``02``,
``03``, ``plan``, ``06``, ``closure``) to its builder; ``case_document_file`` is what every
surface calls. Documents are always written in Vietnamese: they are the papers officers sign.
Where the record holds no value the document prints dotted lines to fill in by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents.content import Document, Field, Section, Signature, Table
from documents.dates import short_date, vietnamese_date, vietnamese_datetime
from documents.render import RenderedDocument, render_document

from .case_forms import FORM_SECTIONS
from .models import Case, CaseForm, CaseTransition, SupportPlan

if TYPE_CHECKING:
    from accounts.models import User
    from accounts.types import AnyUser


class UnknownDocument(LookupError):
    """No document of that key (answered like a missing page)."""


@dataclass(frozen=True)
class CaseDocumentKind:
    key: str
    label: Any
    build: Callable[[Case], Document]


def _person(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _agency() -> list[str]:
    return [line.upper() for line in (settings.AGENCY_PARENT, settings.AGENCY_NAME) if line]


def _director() -> Signature:
    return Signature(title=settings.AGENCY_SIGNATORY_TITLE.upper(), name=settings.AGENCY_SIGNATORY)


def _child_section(case: Case) -> Section:
    child = case.child
    if child.date_of_birth and not child.birth_year_only:
        birth = vietnamese_date(child.date_of_birth)
    else:
        birth = _("year %(year)s") % {"year": child.birth_year}
    caregiver = ", ".join(x for x in (child.caregiver_name, child.caregiver_relation, child.caregiver_phone) if x)
    return Section(
        title=_("I. Information about the child"),
        blocks=[
            Field(_("Full name of the child"), child.full_name),
            Field(_("Date of birth"), birth),
            Field(_("Sex"), child.get_sex_display()),
            Field(_("Ethnicity"), child.get_ethnicity_display() if child.ethnicity else ""),
            Field(_("Personal identification number"), child.personal_id),
            Field(_("Place of residence"), ", ".join(x for x in (child.village, case.commune.name) if x)),
            Field(_("Caregiver (name, relation, phone)"), caregiver),
        ],
    )


def _case_fields(case: Case) -> list[Field]:
    return [
        Field(_("Case number"), case.case_ref),
        Field(_("Report received on"), vietnamese_date(case.opened_on)),
        Field(_("Emergency"), _("Yes") if case.emergency else _("No")),
    ]


def _intake_fields(case: Case) -> list[Field]:
    """How and when the report came: form 01 records the receipt of the report (Decree 56/2017)."""
    return [
        Field(_("Intake channel"), str(case.get_channel_display()) if case.channel else ""),
        Field(_("Hour and date of the report"), vietnamese_datetime(case.reported_at) if case.reported_at else ""),
    ]


def _latest_form(case: Case, form: str) -> CaseForm | None:
    forms = CaseForm.objects.filter(case=case, form=form).select_related("filled_by")
    return forms.order_by("-filled_on", "-pk").first()


def _form_sections(case: Case, form: str, record: CaseForm | None) -> Section:
    sections = record.sections if record is not None else {}
    return Section(
        title=_("II. Content"),
        blocks=[Field(str(label), str(sections.get(key, "")), lines=3) for key, label in FORM_SECTIONS[form]],
    )


def _incidents_table(case: Case) -> Table | None:
    incidents = list(case.incidents.select_related("setting").prefetch_related("forms").order_by("date", "pk"))
    if not incidents:
        return None
    return Table(
        title=_("Incidents of abuse"),
        columns=[_("Date"), _("Forms of abuse"), _("Setting"), _("Reported to the police"), _("Handling")],
        rows=[
            [
                short_date(i.date),
                ", ".join(f.name for f in i.forms.all()),
                i.setting.name,
                _("Yes") if i.reported_to_police else _("No"),
                str(i.get_handling_display()),
            ]
            for i in incidents
        ],
    )


def _section_form(form: str, title: Any, form_label: Any) -> Callable[[Case], Document]:
    """A builder for one of the forms kept as sections (01, 02, 03, 06)."""

    def build(case: Case) -> Document:
        record = _latest_form(case, form)
        on = record.filled_on if record is not None else (case.opened_on if form == "01" else None)
        fields = [*_case_fields(case), *(_intake_fields(case) if form == "01" else [])]
        first = Section(title=_child_section(case).title, blocks=[*fields, *_child_section(case).blocks])
        content = _form_sections(case, form, record)
        if form == "01":
            table = _incidents_table(case)
            if table is not None:
                content = Section(title=content.title, blocks=[*content.blocks, table])
        return Document(
            filename=f"{case.case_ref}-mau-{form}",
            title=str(title).upper(),
            subtitle=_("Case number %(ref)s") % {"ref": case.case_ref},
            form_label=str(form_label),
            agency=_agency(),
            place=settings.AGENCY_PLACE,
            date=on,
            sections=[first, content],
            signatures=[
                Signature(title=_("Prepared by").upper(), name=_person(record.filled_by) if record else ""),
                _director(),
            ],
        )

    return build


def _plan(case: Case) -> Document:
    plan = SupportPlan.objects.filter(case=case).order_by("-cycle").first()
    actions = list(plan.actions.order_by("due_on", "pk")) if plan else []
    rows = [
        [a.action, a.responsible, short_date(a.due_on), short_date(a.done_on) if a.done_on else ""] for a in actions
    ]
    content = Section(
        title=_("II. Support and intervention plan"),
        blocks=[
            Field(_("Plan cycle"), str(plan.cycle) if plan else ""),
            Field(_("Goals"), plan.goals if plan else "", lines=3),
            Field(_("Approval decision number"), plan.decision_no if plan else ""),
            Field(_("Approval decision date"), vietnamese_date(plan.decision_on) if plan and plan.decision_on else ""),
            Table(
                title=_("Actions"),
                columns=[_("Action"), _("Responsible person"), _("Due on"), _("Done on")],
                # Blank rows to fill in by hand when no action is recorded yet.
                rows=rows or [["", "", "", ""] for _row in range(3)],
            ),
        ],
    )
    child = _child_section(case)
    return Document(
        filename=f"{case.case_ref}-ke-hoach",
        title=_("Support and intervention plan").upper(),
        subtitle=_("Case number %(ref)s") % {"ref": case.case_ref},
        form_label=_("Form 04"),
        agency=_agency(),
        place=settings.AGENCY_PLACE,
        date=plan.decision_on if plan else None,
        sections=[Section(title=child.title, blocks=[*_case_fields(case), *child.blocks]), content],
        signatures=[
            Signature(title=_("Case worker").upper()),
            Signature(
                title=_("Chairman of the commune People's Committee").upper(), name=plan.approved_by if plan else ""
            ),
        ],
    )


def _closure(case: Case) -> Document:
    step = (
        CaseTransition.objects.filter(case=case, to_status=Case.Status.CLOSED)
        .select_related("user")
        .order_by("-at", "-pk")
        .first()
    )
    closed = case.status == Case.Status.CLOSED
    services = list(case.services.order_by("on", "pk"))
    content = Section(
        title=_("II. Closure of the case"),
        blocks=[
            Field(_("Closed on"), vietnamese_date(case.closed_on) if closed and case.closed_on else ""),
            Field(_("Outcome"), str(case.get_outcome_display()) if closed and case.outcome else ""),
            Field(_("Reason and assessment"), step.note if closed and step else "", lines=3),
            Table(
                title=_("Services delivered"),
                columns=[_("Date"), _("Kind of service"), _("Provider")],
                rows=[[short_date(s.on), str(s.get_kind_display()), s.provider] for s in services]
                or [["", "", ""] for _row in range(2)],
            ),
        ],
    )
    child = _child_section(case)
    return Document(
        filename=f"{case.case_ref}-ket-thuc",
        title=_("Record of the closure of case management").upper(),
        subtitle=_("Case number %(ref)s") % {"ref": case.case_ref},
        form_label=_("Closure"),
        agency=_agency(),
        place=settings.AGENCY_PLACE,
        date=case.closed_on if closed else None,
        sections=[Section(title=child.title, blocks=[*_case_fields(case), *child.blocks]), content],
        signatures=[
            Signature(title=_("Case worker").upper(), name=_person(step.user) if closed and step else ""),
            _director(),
        ],
    )


CASE_DOCUMENTS: dict[str, CaseDocumentKind] = {
    kind.key: kind
    for kind in [
        CaseDocumentKind(
            "01",
            gettext_lazy("Form 01: report received"),
            _section_form("01", gettext_lazy("Record of a report received"), gettext_lazy("Form 01")),
        ),
        CaseDocumentKind(
            "02",
            gettext_lazy("Form 02: initial assessment"),
            _section_form("02", gettext_lazy("Initial assessment of the child's situation"), gettext_lazy("Form 02")),
        ),
        CaseDocumentKind(
            "03",
            gettext_lazy("Form 03: detailed assessment"),
            _section_form("03", gettext_lazy("Detailed assessment of the child's needs"), gettext_lazy("Form 03")),
        ),
        CaseDocumentKind("plan", gettext_lazy("Support and intervention plan"), _plan),
        CaseDocumentKind(
            "06",
            gettext_lazy("Form 06: review"),
            _section_form("06", gettext_lazy("Review of the support and intervention plan"), gettext_lazy("Form 06")),
        ),
        CaseDocumentKind("closure", gettext_lazy("Closure of the case"), _closure),
    ]
}


def case_document(*, case: Case, form: str) -> Document:
    """The document ``form`` of ``case``, in Vietnamese; ``UnknownDocument`` for another key."""
    kind = CASE_DOCUMENTS.get(form)
    if kind is None:
        raise UnknownDocument(form)
    with translation.override("vi"):
        return kind.build(case)


def case_document_file(*, case: Case, form: str, fmt: str, user: AnyUser, request: Any = None) -> RenderedDocument:
    """The document ``form`` of ``case`` as a ``fmt`` file, for ``user``.

    A document names the child: rendering it for a ``request`` (the admin button, the API) is
    a ``print`` read of the case in the access log.

    The caller has loaded ``case`` through ``Case.objects.visible_to(user)`` and checked the
    user's permission to view it. Raises ``PermissionDenied`` for a user who may not see personal
    data, ``UnknownDocument`` or ``documents.render.DocumentFormatError``.
    """
    from documents.render import check_format

    if not user.has_perm("accounts.view_personal_data"):
        # A case file names the child: never for roles that see aggregates only.
        raise PermissionDenied
    fmt = check_format(fmt)
    document = case_document(case=case, form=form)
    rendered = render_document(document, fmt=fmt, user=user, record=case)
    if request is not None:
        from audit.access import record_access
        from scope.reads import Action

        record_access(request, action=Action.PRINT, objects=[case])
    return rendered
