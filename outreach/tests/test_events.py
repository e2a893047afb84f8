import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from outreach import services
from outreach.models import OutreachEvent
from programs.tests.factories import ProtectionModelFactory
from scope.core import OutOfScope

from .factories import OutreachEventFactory

pytestmark = pytest.mark.django_db


def new_event(unit, **overrides):
    fields = {
        "date": dt.date(2025, 4, 2),
        "unit": unit,
        "kind": "talk",
        "venue": "school",
        "topic": "Kỹ năng tự bảo vệ",
        "participants_total": 40,
        "participants_children": 30,
        "participants_female": 22,
    }
    return {**fields, **overrides}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"participants_children": 41}, "participants_children"),
        ({"participants_female": 41}, "participants_female"),
        ({"participants_total": -1}, "participants_total"),
        ({"participants_children": -3}, "participants_children"),
    ],
)
def test_participants_that_do_not_add_up_are_an_error_on_the_field(cast, units, overrides, field):
    with pytest.raises(ValidationError) as exc:
        services.event_create(user=cast.commune, **new_event(units.quang_trung, **overrides))
    assert field in exc.value.message_dict
    assert not OutreachEvent.objects.exists()


def test_participants_equal_to_the_total_are_accepted(cast, units):
    event = services.event_create(
        user=cast.commune, **new_event(units.quang_trung, participants_children=40, participants_female=40)
    )
    assert event.created_by == cast.commune


def test_an_event_outside_scope_is_refused(cast, units):
    with pytest.raises(OutOfScope):
        services.event_create(user=cast.commune, **new_event(units.dakglei_town))
    assert not OutreachEvent.objects.exists()


def test_an_event_may_belong_to_a_model_in_scope_only(cast, units):
    own = ProtectionModelFactory(unit=units.quang_trung)
    other = ProtectionModelFactory(unit=units.dakglei_town)
    assert services.event_create(user=cast.commune, **new_event(units.quang_trung, model=own)).model == own
    with pytest.raises(OutOfScope) as exc:
        services.event_create(user=cast.commune, **new_event(units.quang_trung, model=other))
    assert "model" in exc.value.message_dict


def test_event_list_sums_participants_for_the_current_filter(cast, client_for, units):
    OutreachEventFactory(date=dt.date(2024, 5, 1), participants_total=100, participants_children=60)
    OutreachEventFactory(date=dt.date(2025, 5, 1), participants_total=30, participants_children=10)
    OutreachEventFactory(
        date=dt.date(2025, 6, 1), participants_total=20, participants_children=5, participants_female=5, venue="school"
    )
    OutreachEventFactory(unit=units.dakglei_town, participants_total=999)
    url = reverse("admin:outreach_outreachevent_changelist")
    client = client_for(cast.commune)
    totals = client.get(url).context["totals"]
    assert (totals["events"], totals["participants_total"], totals["participants_children"]) == (3, 150, 75)
    totals = client.get(url, {"year": "2025"}).context["totals"]
    assert (totals["events"], totals["participants_total"]) == (2, 50)
    response = client.get(url, {"year": "2025", "venue__exact": "school"})
    assert response.context["totals"]["participants_total"] == 20
    assert 'class="participants_total">20<' in response.content.decode()


def test_event_list_queries_do_not_grow_with_events(cast, client_for, units):
    model = ProtectionModelFactory(unit=units.quang_trung)
    client = client_for(cast.province)
    url = reverse("admin:outreach_outreachevent_changelist")
    OutreachEventFactory(model=model)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(30):
        OutreachEventFactory(model=model, unit=units.duy_tan)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_event_admin_add_with_bad_participants_is_a_form_error(cast, client_for, units):
    data = {
        "date": "02/04/2025",
        "unit": units.quang_trung.pk,
        "kind": "talk",
        "venue": "community",
        "topic": "Phòng chống đuối nước",
        "participants_total": "10",
        "participants_children": "12",
        "participants_female": "3",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
    }
    client = client_for(cast.commune)
    response = client.post(reverse("admin:outreach_outreachevent_add"), data)
    assert response.status_code == 200
    assert "participants_children" in response.context["adminform"].form.errors
    data["participants_children"] = "8"
    response = client.post(reverse("admin:outreach_outreachevent_add"), data)
    assert response.status_code == 302
    event = OutreachEvent.objects.get()
    assert event.date == dt.date(2025, 4, 2)
    assert event.created_by == cast.commune


def test_attachments_accept_photos_and_sheets_only(cast, units, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from outreach.models import EventAttachment

    settings.MEDIA_ROOT = tmp_path
    event = OutreachEventFactory()
    photo = EventAttachment(event=event, file=SimpleUploadedFile("anh.jpg", b"\xff\xd8\xff"), caption="Ảnh")
    assert services.event_attachment_save(user=cast.commune, attachment=photo).pk
    script = EventAttachment(event=event, file=SimpleUploadedFile("x.html", b"<script>"))
    with pytest.raises(ValidationError) as exc:
        services.event_attachment_save(user=cast.commune, attachment=script)
    assert "file" in exc.value.message_dict
    with pytest.raises(OutOfScope):
        services.event_attachment_save(
            user=cast.peer_commune, attachment=EventAttachment(event=event, file=SimpleUploadedFile("b.pdf", b"%PDF"))
        )
    assert EventAttachment.objects.count() == 1


def test_event_list_filtered_by_a_district_includes_its_communes(cast, client_for, units):
    OutreachEventFactory(topic="QT", unit=units.quang_trung)
    OutreachEventFactory(topic="DT", unit=units.duy_tan)
    OutreachEventFactory(topic="CITY", unit=units.kontum_city)
    OutreachEventFactory(topic="DG", unit=units.dakglei_town)
    url = reverse("admin:outreach_outreachevent_changelist")

    def topics(user, unit):
        return {e.topic for e in client_for(user).get(url, {"unit": unit.pk}).context["cl"].result_list}

    assert topics(cast.province, units.kontum_city) == {"QT", "DT", "CITY"}
    assert topics(cast.province, units.duy_tan) == {"DT"}
    assert topics(cast.district, units.dakglei) == set()
