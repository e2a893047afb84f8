import io

import pytest

from outreach import demo
from outreach.models import OutreachEvent
from outreach.tests.factories import OutreachEventFactory
from programs import demo as programs_demo
from programs.models import ProtectionModel
from programs.tests.factories import ProtectionModelFactory

pytestmark = pytest.mark.django_db


def test_reset_deletes_the_demo_events_and_unlinks_the_others_from_the_demo_models(cast, units):
    demo_model = ProtectionModelFactory(code="DEMO-CB-23281")
    kept_model = ProtectionModelFactory(code="MH-23281")
    OutreachEventFactory(event_ref="DEMO-EV-0001", model=demo_model)
    other = OutreachEventFactory(event_ref="EV-0001", model=demo_model)
    unrelated = OutreachEventFactory(event_ref="EV-0002", model=kept_model)
    users = {"province_officer": cast.province}

    # seed_demo resets in the reverse of seeding order: outreach, then programs.
    demo.reset(province=units.kontum, users=users, stdout=io.StringIO())
    assert not OutreachEvent.objects.filter(event_ref="DEMO-EV-0001").exists()
    other.refresh_from_db()
    unrelated.refresh_from_db()
    assert other.model is None and unrelated.model == kept_model
    programs_demo.reset(province=units.kontum, users=users, stdout=io.StringIO())
    assert list(ProtectionModel.objects.values_list("code", flat=True)) == ["MH-23281"]
    assert set(OutreachEvent.objects.values_list("event_ref", flat=True)) == {"EV-0001", "EV-0002"}
