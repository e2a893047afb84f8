import datetime as dt

import pytest

from outreach.models import OutreachEvent

from .factories import OutreachEventFactory

pytestmark = pytest.mark.django_db

EXPECTED = {
    "superuser": {"QT", "DG", "GL"},
    "province": {"QT", "DG"},
    "manager": {"QT", "DG"},
    "district": {"QT"},
    "commune": {"QT"},
    "peer_commune": {"DG"},
    "peer_district": {"DG"},
    "other_province": {"GL"},
    "current_province": {"QT", "DG"},
    "no_unit": set(),
}


@pytest.fixture
def events(units):
    return [
        OutreachEventFactory(event_ref="QT", unit=units.quang_trung, date=dt.date(2024, 3, 1), venue="school"),
        OutreachEventFactory(event_ref="DG", unit=units.dakglei_town, date=dt.date(2025, 3, 1)),
        OutreachEventFactory(event_ref="GL", unit=units.pleiku_commune, date=dt.date(2025, 3, 1)),
    ]


@pytest.mark.parametrize("who", list(EXPECTED))
def test_every_role_lists_only_events_in_scope(cast, client_for, events, who):
    client = client_for(getattr(cast, who))
    response = client.get("/api/v1/events/")
    assert response.status_code == 200
    assert {row["event_ref"] for row in response.json()["results"]} == EXPECTED[who]
    for event in events:
        status = client.get(f"/api/v1/events/{event.pk}/").status_code
        assert status == (200 if event.event_ref in EXPECTED[who] else 404)


@pytest.mark.parametrize("who", ["viewer", "collaborator"])
def test_roles_without_event_permissions_are_refused(cast, client_for, events, who):
    assert client_for(getattr(cast, who)).get("/api/v1/events/").status_code == 403


def test_events_filter_by_unit_year_venue(cast, client_for, events):
    client = client_for(cast.province)

    def refs(**params):
        return {row["event_ref"] for row in client.get("/api/v1/events/", params).json()["results"]}

    assert refs(unit="608") == {"QT"}
    assert refs(unit="62") == {"QT", "DG"}
    assert refs(unit="64") == set()  # outside the user's scope: nothing, not Gia Lai's events
    assert refs(year=2025) == {"DG"}
    assert refs(venue="school") == {"QT"}
    assert refs(date_from="2025-01-01", date_to="2025-12-31") == {"DG"}


def test_event_totals_follow_the_filter(cast, client_for, events):
    response = client_for(cast.province).get("/api/v1/events/totals/", {"year": 2025})
    assert response.json() == {
        "events": 1,
        "participants_total": 50,
        "participants_children": 20,
        "participants_female": 25,
    }


def test_creating_an_event_through_the_api(cast, client_for, units):
    client = client_for(cast.commune)
    payload = {
        "date": "2025-04-02",
        "unit": units.quang_trung.pk,
        "kind": "talk",
        "venue": "school",
        "topic": "Phòng chống bạo lực học đường",
        "participants_total": 10,
        "participants_children": 11,
        "participants_female": 5,
    }
    response = client.post("/api/v1/events/", payload, content_type="application/json")
    assert response.status_code == 400
    assert "participants_children" in response.json()
    payload["unit"] = units.dakglei_town.pk
    payload["participants_children"] = 5
    response = client.post("/api/v1/events/", payload, content_type="application/json")
    assert response.status_code == 400
    assert "unit" in response.json()
    assert not OutreachEvent.objects.exists()
    payload["unit"] = units.quang_trung.pk
    response = client.post("/api/v1/events/", payload, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["created_by"] == cast.commune.pk
