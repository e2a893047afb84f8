"""Keep ``SurveyRecord.any_category`` / ``any_risk`` equal to the record's links on every write.

``m2m_changed`` covers ``add``/``remove``/``set``/``clear`` on either side (services, admin forms,
merges). Deleting a category or a risk factor removes links by cascade without that signal, so the
records it touched are refreshed after the delete. Bulk writes of the link tables call
``SurveyRecordQuerySet.refresh_flags`` themselves.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, pre_delete
from django.dispatch import receiver

from .models import Category, RiskFactor, SurveyRecord, all_survey_records

_LINKS = {Category: SurveyRecord.categories.through, RiskFactor: SurveyRecord.risks.through}


def _links_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        all_survey_records().filter(pk=instance.pk).refresh_flags()
    elif pk_set:
        all_survey_records().filter(pk__in=pk_set).refresh_flags()
    else:
        # A reverse clear names no records: those that lost a link are the ones now without it.
        all_survey_records().refresh_flags()


m2m_changed.connect(_links_changed, sender=SurveyRecord.categories.through, dispatch_uid="survey_category_flags")
m2m_changed.connect(_links_changed, sender=SurveyRecord.risks.through, dispatch_uid="survey_risk_flags")


@receiver(pre_delete, sender=Category, dispatch_uid="survey_flags_category_pre_delete")
@receiver(pre_delete, sender=RiskFactor, dispatch_uid="survey_flags_risk_pre_delete")
def _remember_linked_records(sender: Any, instance: Any, **kwargs: Any) -> None:
    through = _LINKS[sender]
    column = "category_id" if sender is Category else "riskfactor_id"
    instance._linked_survey_ids = list(
        through._default_manager.filter(**{column: instance.pk}).values_list("surveyrecord_id", flat=True)
    )


@receiver(post_delete, sender=Category, dispatch_uid="survey_flags_category_post_delete")
@receiver(post_delete, sender=RiskFactor, dispatch_uid="survey_flags_risk_post_delete")
def _refresh_linked_records(sender: Any, instance: Any, **kwargs: Any) -> None:
    ids = getattr(instance, "_linked_survey_ids", [])
    if ids:
        all_survey_records().filter(pk__in=ids).refresh_flags()
