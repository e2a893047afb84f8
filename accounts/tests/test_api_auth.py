import pytest
from rest_framework.test import APIClient

from locations.models import Unit

pytestmark = pytest.mark.django_db


def test_token_from_username_and_password_authenticates(cast):
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": "district", "password": "pw"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    listed = client.get("/api/v1/units/", {"level": "commune"}).json()
    assert listed["count"] == Unit.objects.filter(parent__code="608", edition="legacy").count() > 0


def test_wrong_password_gets_no_token(cast):
    response = APIClient().post("/api/v1/auth/token/", {"username": "district", "password": "x"}, format="json")
    assert response.status_code == 400 and "token" not in response.json()


def test_anonymous_api_requests_are_refused(units):
    assert APIClient().get("/api/v1/units/").status_code in (401, 403)


def test_units_api_filters_by_level_parent_code_and_name(cast):
    client = APIClient()
    client.force_authenticate(cast.province)
    by_parent = client.get("/api/v1/units/", {"parent": "608"}).json()
    assert by_parent["count"] == Unit.objects.filter(parent__code="608", edition="legacy").count()
    by_name = client.get("/api/v1/units/", {"name": "dak glei"}).json()
    assert {row["code"] for row in by_name["results"]} >= {"610", "23341"}
    by_code = client.get("/api/v1/units/", {"code": "23281"}).json()["results"]
    assert by_code[0]["became"][0]["code"] == "23293"


def test_schema_and_docs_are_served(cast, client):
    client.force_login(cast.province)
    assert client.get("/api/v1/schema/").status_code == 200
    assert client.get("/api/v1/docs/").status_code == 200
