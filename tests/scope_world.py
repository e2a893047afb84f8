"""One record of every scoped model in three places, for the scope matrix.

``a`` lies in commune 23281 (district 608, legacy Kon Tum), ``b`` in commune 23341
(district 610, Kon Tum) and ``c`` in commune 23557 (legacy Gia Lai). Every scoped model
must have a builder here: the walker fails on a scoped model without one, so a new model
cannot skip the matrix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from itertools import count

from django.db import models

from locations.models import Unit

_serial = count(1)
# Stored files of the builders: a (tiny) PDF, as uploads must be.
PDF = b"%PDF-1.4\n% scan\n"
BUILDERS: dict[type[models.Model], Callable[[Unit], models.Model]] = {}


def builds(model_path: str):
    def register(func):
        from django.apps import apps

        BUILDERS[apps.get_model(model_path)] = func
        return func

    return register


def n() -> int:
    return next(_serial)


@builds("locations.Unit")
def build_unit(commune: Unit) -> Unit:
    return commune


@builds("accounts.User")
def build_user(commune: Unit):
    from accounts.services import user_upsert

    user, _created = user_upsert(username=f"staff{n()}", role="commune_officer", unit=commune)
    return user


@builds("cases.Child")
def build_child(commune: Unit):
    from cases.models import Child

    return Child.objects.create(
        full_name=f"Trẻ Thử {n()}", birth_year=2015, date_of_birth=dt.date(2015, 3, 5), sex="F", commune=commune
    )


@builds("cases.ChildCategory")
def build_child_category(commune: Unit):
    from cases.models import Category, ChildCategory

    category = Category.objects.get_or_create(code="SC04", defaults={"point": "d", "name": "Trẻ em khuyết tật"})[0]
    return ChildCategory.objects.create(child=build_child(commune), category=category, recorded_on=dt.date(2020, 1, 1))


@builds("cases.SurveyRecord")
def build_survey_record(commune: Unit):
    from cases.models import SurveyRecord

    return SurveyRecord.objects.create(child=build_child(commune), survey_year=2020, commune=commune)


@builds("cases.CommuneStats")
def build_commune_stats(commune: Unit):
    from cases.models import CommuneStats

    return CommuneStats.objects.create(survey_year=2000 + n() % 25, commune=commune, children_total=100)


@builds("cases.Case")
def build_case(commune: Unit):
    from cases.models import Case

    return Case.objects.create(
        case_ref=f"HS-{n()}", child=build_child(commune), commune=commune, opened_on=dt.date(2020, 5, 1)
    )


@builds("cases.CaseTransition")
def build_case_transition(commune: Unit):
    from cases.models import CaseTransition

    return CaseTransition.objects.create(
        case=build_case(commune), from_status="received", to_status="verified", on=dt.date(2020, 5, 2)
    )


@builds("programs.ProtectionModel")
def build_protection_model(commune: Unit):
    from programs.models import ProtectionModel

    return ProtectionModel.objects.create(
        code=f"MH-{n()}",
        name="Câu lạc bộ quyền trẻ em",
        kind="child_club",
        unit=commune,
        established_on=dt.date(2019, 1, 1),
    )


@builds("programs.ModelMember")
def build_member(commune: Unit):
    from programs.models import ModelMember

    return ModelMember.objects.create(model=build_protection_model(commune), name=f"Thành viên {n()}")


@builds("programs.ModelChange")
def build_model_change(commune: Unit):
    from programs.models import ModelChange

    return ModelChange.objects.create(model=build_protection_model(commune), action="created", changes={})


@builds("programs.Enrolment")
def build_enrolment(commune: Unit):
    from programs.models import Enrolment, ProtectionModel

    model = ProtectionModel.objects.create(
        code=f"BT-{n()}", name="Bán trú", kind="daycare_disability", unit=commune, established_on=dt.date(2019, 1, 1)
    )
    return Enrolment.objects.create(model=model, child_name=f"Trẻ {n()}", enrolled_on=dt.date(2019, 2, 1))


@builds("programs.Attendance")
def build_attendance(commune: Unit):
    from programs.models import Attendance

    return Attendance.objects.create(enrolment=build_enrolment(commune), date=dt.date(2019, 3, 4), present=True)


@builds("outreach.OutreachEvent")
def build_event(commune: Unit):
    from outreach.models import OutreachEvent

    return OutreachEvent.objects.create(
        date=dt.date(2020, 6, 1),
        unit=commune,
        kind="talk",
        venue="school",
        topic=f"Phòng chống xâm hại {n()}",
        participants_total=50,
        participants_children=30,
        participants_female=20,
    )


@builds("outreach.EventAttachment")
def build_attachment(commune: Unit):
    from django.core.files.base import ContentFile

    from outreach.models import EventAttachment

    attachment = EventAttachment(event=build_event(commune), caption="Danh sách")
    attachment.file.save("danh-sach.pdf", ContentFile(PDF), save=False)
    attachment.save()
    return attachment


@builds("cases.SupportPlan")
def build_support_plan(commune: Unit):
    from django.core.files.base import ContentFile

    from cases.models import SupportPlan

    plan = SupportPlan(case=build_case(commune), cycle=1, decision_no=f"{n()}/QĐ-UBND", decision_on=dt.date(2020, 6, 1))
    plan.document.save("quyet-dinh.pdf", ContentFile(PDF), save=False)
    plan.save()
    return plan


@builds("cases.PlanAction")
def build_plan_action(commune: Unit):
    from cases.models import PlanAction

    return PlanAction.objects.create(
        plan=build_support_plan(commune), action=f"Hỗ trợ {n()}", responsible="Cán bộ xã", due_on=dt.date(2020, 7, 1)
    )


@builds("cases.ServiceDelivery")
def build_service_delivery(commune: Unit):
    from cases.models import ServiceDelivery

    return ServiceDelivery.objects.create(case=build_case(commune), on=dt.date(2020, 6, 5), kind="health")


@builds("cases.CaseNote")
def build_case_note(commune: Unit):
    from cases.models import CaseNote

    return CaseNote.objects.create(case=build_case(commune), on=dt.date(2020, 6, 5), text=f"Ghi chép {n()}")


@builds("cases.CaseForm")
def build_case_form(commune: Unit):
    from cases.models import CaseForm

    return CaseForm.objects.create(
        case=build_case(commune), form="02", filled_on=dt.date(2020, 5, 3), sections={"safety": "An toàn"}
    )


@builds("cases.CaseAttachment")
def build_case_attachment(commune: Unit):
    from django.core.files.base import ContentFile

    from cases.models import CaseAttachment

    attachment = CaseAttachment(case=build_case(commune), title=f"Biên bản {n()}")
    attachment.file.save("bien-ban.pdf", ContentFile(PDF), save=False)
    attachment.save()
    return attachment


@builds("cases.ChildMerge")
def build_child_merge(commune: Unit):
    from cases.models import ChildMerge

    return ChildMerge.objects.create(kept=build_child(commune), merged=build_child(commune), moved={"cases": 0})


@builds("cases.ChangeRecord")
def build_change_record(commune: Unit):
    from cases.models import ChangeRecord

    return ChangeRecord.objects.create(child=build_child(commune), action="created")


@builds("imports.ImportJob")
def build_import_job(commune: Unit):
    from django.core.files.base import ContentFile

    from imports.models import ImportJob

    job = ImportJob(
        kind="children", file_name="tre-em.csv", file_hash="0" * 64, unit=commune, created_by=build_user(commune)
    )
    job.file.save("tre-em.csv", ContentFile(b"survey_year\n"), save=False)
    job.save()
    return job


@builds("cases.Incident")
def build_incident(commune: Unit):
    from cases.models import AbuseForm, AbuseSetting, Incident

    incident = Incident.objects.create(
        case=build_case(commune), date=dt.date(2020, 5, 10), setting=AbuseSetting.objects.get(key="family")
    )
    incident.forms.set([AbuseForm.objects.get(key="violence")])
    return incident


@builds("audit.AccessEvent")
def build_access_event(commune: Unit):
    """A commune officer's read of a child of the same commune."""
    import uuid

    from audit.models import AccessEvent

    user = build_user(commune)
    return AccessEvent.objects.create(
        request_id=uuid.uuid4(), user=user, username=user.username, action="view", child_id=build_child(commune).pk
    )


@builds("cases.Consent")
def build_consent(commune: Unit):
    from django.core.files.base import ContentFile

    from cases.models import Consent

    consent = Consent(
        child=build_child(commune), party="representative", purpose="photos", given_on=dt.date(2020, 5, 1)
    )
    consent.document.save("dong-y.pdf", ContentFile(PDF), save=False)
    consent.save()
    return consent


@builds("cases.Transfer")
def build_transfer(commune: Unit):
    """A transfer within its own commune: seen exactly where its case is (the receiving side has its own tests)."""
    from cases.models import Transfer

    case = build_case(commune)
    return Transfer.objects.create(case=case, from_unit=commune, to_unit=commune, reason="Chuyển nơi ở")


@builds("cases.Referral")
def build_referral(commune: Unit):
    from cases.models import Referral

    return Referral.objects.create(case=build_case(commune), service="health", provider="Trạm y tế", reason="Khám")


@builds("cases.ReferralStep")
def build_referral_step(commune: Unit):
    from cases.models import ReferralStep

    return ReferralStep.objects.create(referral=build_referral(commune), from_status="", to_status="sent")


@builds("cases.SurveyRollup")
def build_survey_rollup(commune: Unit):
    from cases.models import SurveyRollup

    # The row the database adds for a survey record of the commune.
    build_survey_record(commune)
    return SurveyRollup.objects.filter(commune=commune).latest("pk")


@builds("programs.AttendanceRollup")
def build_attendance_rollup(commune: Unit):
    from programs.models import AttendanceRollup

    # The row the database adds for a day of attendance in the commune's model.
    attendance = build_attendance(commune)
    return AttendanceRollup.objects.filter(model=attendance.enrolment.model).latest("pk")
