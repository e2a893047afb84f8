"""Export columns of protection models and day-care attendance (the import kinds' columns)."""

from __future__ import annotations

from imports.resources import KindResource

from .models import Attendance, ProtectionModel


class ProtectionModelResource(KindResource):
    import_kind = "models"

    class Meta:
        model = ProtectionModel
        fields: tuple[str, ...] = ()

    def get_queryset(self):
        return super().get_queryset().select_related("unit")

    def dehydrate_unit_code(self, m: ProtectionModel) -> str:
        return m.unit.code

    def dehydrate_members_count(self, m: ProtectionModel) -> str:
        return "" if m.members_count is None else str(m.members_count)


class AttendanceResource(KindResource):
    import_kind = "attendance"

    class Meta:
        model = Attendance
        fields: tuple[str, ...] = ()

    def get_queryset(self):
        return super().get_queryset().select_related("enrolment__model", "enrolment__child")

    def dehydrate_model_code(self, a: Attendance) -> str:
        return a.enrolment.model.code

    def dehydrate_child_ref(self, a: Attendance) -> str:
        enrolment = a.enrolment
        return enrolment.child.child_ref if enrolment.child else enrolment.child_ref
