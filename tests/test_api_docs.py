"""The OpenAPI schema and its docs page are for signed-in users and load nothing from outside."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

SCHEMA = "/api/v1/schema/"
DOCS = "/api/v1/docs/"


def test_anonymous_users_get_no_schema(client):
    assert client.get(SCHEMA).status_code in (401, 403)


def test_anonymous_users_are_sent_to_sign_in_for_the_docs(client):
    response = client.get(DOCS)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/") and "next=/api/v1/docs/" in response["Location"]
    assert client.get(DOCS, {"script": ""}).status_code == 302


def test_signed_in_users_read_the_schema_by_session_or_token(cast, client_for):
    assert client_for(cast.viewer).get(SCHEMA).status_code == 200
    token = APIClient().post("/api/v1/auth/token/", {"username": "district", "password": "pw"}).json()["token"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api.get(SCHEMA)
    assert response.status_code == 200 and b"/api/v1/children/" in response.content


def test_the_docs_page_serves_swagger_ui_from_our_static_files(cast, client_for):
    client = client_for(cast.district)
    page = client.get(DOCS)
    assert page.status_code == 200
    html = page.content.decode()
    for asset in ["swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"]:
        assert f'"/static/drf_spectacular_sidecar/swagger-ui-dist/{asset}"' in html, asset
    assert "cdn.jsdelivr" not in html and "@latest" not in html and "https://" not in html
    script = client.get(DOCS, {"script": ""})
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert SCHEMA in script.content.decode()


def test_the_swagger_ui_files_are_installed():
    from django.contrib.staticfiles import finders

    for asset in ["swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"]:
        assert finders.find(f"drf_spectacular_sidecar/swagger-ui-dist/{asset}"), asset
