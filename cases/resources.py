"""Export columns of children (one row per survey record), commune statistics and cases.

The columns are those of the import kinds (``cases.import_kinds``) with their Vietnamese
headers, so an exported file re-imports unchanged. Built on ``ScopedResource``: only the
rows the user may see are exported.
"""

from __future__ import annotations

from django.db.models import Prefetch

from imports.resources import KindResource

from .models import Case, Child, CommuneStats, SurveyRecord


class ChildSurveyResource(KindResource):
    """``children``: one row per child and survey year, and one row for a child never surveyed.

    The rows are built from the children (not from the survey records), so that a child
    entered in the admin or the API without a survey record is exported too; its row has
    an empty survey year, which an officer fills in before re-importing it.
    """

    import_kind = "children"

    class Meta:
        model = Child
        fields: tuple[str, ...] = ()

    def get_queryset(self):
        surveys = SurveyRecord.objects.select_related("commune").prefetch_related("categories", "risks")
        return (
            super()
            .get_queryset()
            .select_related("commune")
            .prefetch_related(
                Prefetch("survey_records", queryset=surveys.order_by("survey_year")), "risks", "categories"
            )
            .order_by("pk")
        )

    def iter_queryset(self, queryset):
        for child in super().iter_queryset(queryset):
            records = list(child.survey_records.all())
            if not records:
                records = [_unsurveyed(child)]
            for record in records:
                record.child = child
                yield record

    def dehydrate_commune_code(self, r: SurveyRecord) -> str:
        return r.commune.code

    def dehydrate_full_name(self, r: SurveyRecord) -> str:
        return r.child.full_name

    def dehydrate_date_of_birth(self, r: SurveyRecord) -> str:
        child = r.child
        return str(child.birth_year) if child.birth_year_only or not child.date_of_birth else child.date_of_birth

    def dehydrate_sex(self, r: SurveyRecord) -> str:
        return r.child.sex

    def dehydrate_ethnicity(self, r: SurveyRecord) -> str:
        return r.child.ethnicity

    def dehydrate_personal_id(self, r: SurveyRecord) -> str:
        return r.child.personal_id

    def dehydrate_child_ref(self, r: SurveyRecord) -> str:
        return r.child.child_ref

    def dehydrate_caregiver_name(self, r: SurveyRecord) -> str:
        return r.child.caregiver_name

    def dehydrate_caregiver_phone(self, r: SurveyRecord) -> str:
        return r.child.caregiver_phone

    def dehydrate_circumstances(self, r: SurveyRecord) -> str:
        # A child never surveyed has no survey categories; those recorded on the child are its own.
        categories = r.categories.all() if r.pk else r.child.categories.all()
        return ";".join(sorted(c.code for c in categories))

    def dehydrate_risks(self, r: SurveyRecord) -> str:
        return ";".join(sorted(c.code for c in (r.risks.all() if r.pk else r.child.risks.all())))

    # A child may have several consents and a row holds one: the export leaves the consent columns
    # empty (an empty cell records none), and the consents stay on the child's page and in the API.
    def dehydrate_consent_party(self, r: SurveyRecord) -> str:
        return ""

    def dehydrate_consent_purpose(self, r: SurveyRecord) -> str:
        return ""

    def dehydrate_consent_given_on(self, r: SurveyRecord) -> str:
        return ""

    def dehydrate_consent_withdrawn_on(self, r: SurveyRecord) -> str:
        return ""


def _unsurveyed(child: Child) -> SurveyRecord:
    """An unsaved survey row holding what the child record itself knows (no year)."""
    return SurveyRecord(
        child=child,
        survey_year=None,
        commune=child.commune,
        village=child.village,
        in_school=child.in_school,
        notes=child.notes,
    )


class CommuneStatsResource(KindResource):
    import_kind = "commune_stats"

    class Meta:
        model = CommuneStats
        fields: tuple[str, ...] = ()

    def get_queryset(self):
        return super().get_queryset().select_related("commune")

    def dehydrate_commune_code(self, s: CommuneStats) -> str:
        return s.commune.code


class CaseResource(KindResource):
    import_kind = "cases"

    class Meta:
        model = Case
        fields: tuple[str, ...] = ()

    def get_queryset(self):
        return super().get_queryset().select_related("child", "commune", "model").prefetch_related("circumstances")

    def dehydrate_child_ref(self, c: Case) -> str:
        return c.child.child_ref

    def dehydrate_personal_id(self, c: Case) -> str:
        return c.child.personal_id

    def dehydrate_commune_code(self, c: Case) -> str:
        return c.commune.code

    def dehydrate_circumstances(self, c: Case) -> str:
        return ";".join(sorted(x.code for x in c.circumstances.all()))

    def dehydrate_model_code(self, c: Case) -> str:
        return c.model.code if c.model_id else ""
