import pytest

from notifications.tests.factories import NotificationFactory


@pytest.mark.django_db
def test_badge_counts_own_unread(cast, client_for, django_assert_max_num_queries):
    NotificationFactory.create_batch(3, recipient=cast.commune)
    NotificationFactory(recipient=cast.commune, read_at="2026-01-01T00:00:00Z")
    NotificationFactory(recipient=cast.peer_commune)
    page = client_for(cast.commune).get("/admin/").content.decode()
    assert "Thông báo <strong>(3)</strong>" in page or "Notifications <strong>(3)</strong>" in page


@pytest.mark.django_db
def test_admin_list_is_own_and_opening_marks_read(cast, client_for):
    mine = NotificationFactory(recipient=cast.commune, title="Của tôi")
    other = NotificationFactory(recipient=cast.peer_commune, title="Của người khác")
    client = client_for(cast.commune)
    page = client.get("/admin/notifications/notification/").content.decode()
    assert "Của tôi" in page and "Của người khác" not in page
    assert client.get(f"/admin/notifications/notification/{mine.pk}/change/").status_code == 200
    mine.refresh_from_db()
    assert mine.read_at is not None
    response = client.get(f"/admin/notifications/notification/{other.pk}/change/")
    assert response.status_code in (302, 404)
    other.refresh_from_db()
    assert other.read_at is None


@pytest.mark.django_db
def test_profile_changes_only_own_choice(cast, client_for):
    client = client_for(cast.commune)
    assert client.get("/admin/me/profile/").status_code == 200
    response = client.post("/admin/me/profile/", {})
    assert response.status_code == 302
    cast.commune.refresh_from_db()
    cast.peer_commune.refresh_from_db()
    assert cast.commune.email_notifications is False
    assert cast.peer_commune.email_notifications is True
    client.post("/admin/me/profile/", {"email_notifications": "on"})
    cast.commune.refresh_from_db()
    assert cast.commune.email_notifications is True
