"""The sections of the case management forms (Decree 56/2017; Circular 07/2017/TT-BLĐTBXH).

Each form is kept as structured sections (key → text) rather than a scanned page, so that
it can be searched, printed and checked. Scans go in attachments.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

FORM_SECTIONS: dict[str, list[tuple[str, object]]] = {
    "01": [
        ("reporter", _("Who reported, how to reach them")),
        ("situation", _("What happened to the child")),
        ("immediate_danger", _("Immediate danger to the child")),
        ("actions_taken", _("Actions taken on receiving the report")),
    ],
    "02": [
        ("safety", _("Safety of the child")),
        ("health", _("Physical and mental health")),
        ("care", _("Care and family situation")),
        ("risk_level", _("Level of risk")),
        ("conclusion", _("Conclusion and next step")),
    ],
    "03": [
        ("family", _("Family and caregivers")),
        ("health", _("Health")),
        ("education", _("Education")),
        ("psychology", _("Psychological and emotional state")),
        ("social", _("Social relations and environment")),
        ("needs", _("Needs of the child")),
        ("conclusion", _("Conclusion")),
    ],
    "06": [
        ("progress", _("Progress of the plan")),
        ("goals_met", _("Goals met")),
        ("remaining_needs", _("Needs that remain")),
        ("recommendation", _("Recommendation: close, new plan or transfer")),
    ],
}
