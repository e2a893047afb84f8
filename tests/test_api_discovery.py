"""/api/v1/ mounts every app's ``api`` module found by discovery, and the apps' paths never meet."""

from __future__ import annotations

from django.urls import URLResolver, reverse

from config.urls import app_api_urls


def mounted() -> list[URLResolver]:
    resolvers = app_api_urls()
    assert all(isinstance(resolver, URLResolver) for resolver in resolvers)
    return resolvers  # type: ignore[return-value]


def name(resolver: URLResolver) -> str:
    return resolver.urlconf_name.__name__  # type: ignore[union-attr]


def first_words(resolver: URLResolver) -> set[str]:
    return {str(pattern.pattern).lstrip("^").split("/", 1)[0] for pattern in resolver.url_patterns}


def test_every_app_with_api_urlpatterns_is_mounted_in_installed_apps_order():
    # The app without URL patterns (scope.api: the viewset base) and other libraries' api modules stay out.
    assert [name(resolver) for resolver in mounted()] == [
        "notifications.api",
        "locations.api",
        "cases.api",
        "programs.api",
        "outreach.api",
        "imports.api",
        "reports.api",
        "audit.api",
    ]


def test_no_two_apps_api_paths_begin_with_the_same_word():
    # Then the order of the apps (INSTALLED_APPS) decides no match.
    owners: dict[str, str] = {}
    for resolver in mounted():
        for word in first_words(resolver):
            assert word not in owners, f"{name(resolver)} and {owners[word]} both begin a path with {word}/"
            owners[word] = name(resolver)


def test_the_discovered_routes_keep_their_names_and_paths():
    assert reverse("unit-list") == "/api/v1/units/"
    assert reverse("my-queue") == "/api/v1/me/queue/"
    assert reverse("notification-read", args=[1]) == "/api/v1/notifications/1/read/"
    assert reverse("reports-annual") == "/api/v1/reports/annual/"
    assert reverse("access-event-list") == "/api/v1/access-log/"
