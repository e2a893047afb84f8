import pytest
from django.contrib.auth import get_user_model

from notifications.tests.factories import NotificationFactory


@pytest.fixture
def api(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


@pytest.mark.django_db
def test_list_is_own_newest_first_with_unread_filter(cast, api):
    older = NotificationFactory(recipient=cast.commune)
    newer = NotificationFactory(recipient=cast.commune)
    read = NotificationFactory(recipient=cast.commune, read_at="2026-01-01T00:00:00Z")
    NotificationFactory(recipient=cast.peer_commune)
    rows = api(cast.commune).get("/api/v1/notifications/").json()
    ids = [r["id"] for r in rows.get("results", rows)]
    assert ids == [read.pk, newer.pk, older.pk]
    rows = api(cast.commune).get("/api/v1/notifications/?unread=true").json()
    assert [r["id"] for r in rows.get("results", rows)] == [newer.pk, older.pk]


@pytest.mark.django_db
def test_mark_read(cast, api):
    note = NotificationFactory(recipient=cast.commune)
    response = api(cast.commune).post(f"/api/v1/notifications/{note.pk}/read/")
    assert response.status_code == 200
    note.refresh_from_db()
    assert note.read_at is not None


@pytest.mark.django_db
def test_another_users_notification_is_404(cast, api):
    note = NotificationFactory(recipient=cast.peer_commune)
    client = api(cast.commune)
    assert client.post(f"/api/v1/notifications/{note.pk}/read/").status_code == 404
    assert client.get(f"/api/v1/notifications/{note.pk}/").status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


@pytest.mark.django_db
def test_anonymous_is_refused(cast, client):
    note = NotificationFactory(recipient=cast.commune)
    assert client.get("/api/v1/notifications/").status_code in (401, 403)
    assert client.post(f"/api/v1/notifications/{note.pk}/read/").status_code in (401, 403)


@pytest.mark.django_db
def test_inactive_user_sees_nothing(cast):
    from notifications.selectors import notifications_for

    NotificationFactory(recipient=cast.commune)
    get_user_model().objects.filter(pk=cast.commune.pk).update(is_active=False)
    cast.commune.refresh_from_db()
    assert list(notifications_for(user=cast.commune)) == []
