"""The models of cases: the registry of children (``registry``), case management (``casework``) and
the readable history of both (``changes``).

Every model is exported here, so ``from cases.models import Child`` works whichever module holds it.
"""

# The registry first, then case management: the order the app has always registered its models in.
from .registry import (
    CHILD_AGE_LIMIT,
    Category,
    Child,
    ChildCategory,
    ChildMerge,
    ChildQuerySet,
    CommuneStats,
    RiskFactor,
    SurveyRecord,
    SurveyRecordQuerySet,
    all_survey_records,
)

# isort: split
from .casework import (
    CASE_DATA,
    CASE_SCOPE,
    Case,
    CaseAttachment,
    CaseForm,
    CaseNote,
    CaseQuerySet,
    CaseTransition,
    PlanAction,
    ServiceDelivery,
    SupportPlan,
    closed_during_q,
    emergency_overdue_q,
    emergency_pending_q,
    plan_overdue_q,
)
from .changes import ChangeRecord, ChangeRecordQuerySet
from .rollups import SURVEY_ROLLUP, SurveyRollup

# Incidents of abuse, consent, transfers and referrals live in their own modules of the app;
# importing them here registers them with the app.
# isort: split
from ..consent import Consent
from ..incidents import AbuseForm, AbuseSetting, Incident
from ..referrals import Referral, ReferralStep
from ..transfers import Transfer

__all__ = [
    "CASE_DATA",
    "CASE_SCOPE",
    "CHILD_AGE_LIMIT",
    "SURVEY_ROLLUP",
    "AbuseForm",
    "AbuseSetting",
    "Case",
    "CaseAttachment",
    "CaseForm",
    "CaseNote",
    "CaseQuerySet",
    "CaseTransition",
    "Category",
    "ChangeRecord",
    "ChangeRecordQuerySet",
    "Child",
    "ChildCategory",
    "ChildMerge",
    "ChildQuerySet",
    "CommuneStats",
    "Consent",
    "Incident",
    "PlanAction",
    "Referral",
    "ReferralStep",
    "RiskFactor",
    "ServiceDelivery",
    "SupportPlan",
    "SurveyRecord",
    "SurveyRecordQuerySet",
    "SurveyRollup",
    "Transfer",
    "all_survey_records",
    "closed_during_q",
    "emergency_overdue_q",
    "emergency_pending_q",
    "plan_overdue_q",
]
