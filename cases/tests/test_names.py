"""Names are stored NFC-normalised without format characters, whichever path writes them."""

from __future__ import annotations

import unicodedata

from cases.models import Child
from cases.tests.factories import ChildFactory
from locations.text import nfc

# "Nguyễn Văn An" decomposed (NFD), with a zero-width space and a bidi override inside.
TYPED = unicodedata.normalize("NFD", "Nguyễn\u200b Văn\u202e An")
CLEAN = "Nguyễn Văn An"


def test_nfc_drops_format_characters():
    assert nfc(TYPED) == CLEAN
    assert nfc("\ufeffLê\u00ad Thị\u2060 Hoa ") == "Lê Thị Hoa"


def test_a_name_created_through_the_api_is_stored_clean_and_is_found(client_for, cast, units):
    client = client_for(cast.commune)
    body = {"full_name": TYPED, "caregiver_name": TYPED, "date_of_birth": "2016-02-01", "sex": "M", "commune": "23281"}
    response = client.post("/api/v1/children/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    child = Child.objects.get(pk=response.json()["id"])
    assert (child.full_name, child.caregiver_name) == (CLEAN, CLEAN)
    found = client.get("/api/v1/children/", {"q": "Van An"}).json()["results"]
    assert [row["id"] for row in found] == [child.pk]


def test_a_name_saved_through_the_orm_or_in_bulk_is_stored_clean(units):
    child = ChildFactory(full_name=TYPED, commune=units.quang_trung)
    child.refresh_from_db()
    assert child.full_name == CLEAN and child.name_folded == "nguyen van an"
    Child.objects.bulk_create([ChildFactory.build(full_name=TYPED, commune=units.quang_trung)])
    assert Child.objects.filter(full_name=CLEAN).count() == 2


def test_a_member_name_is_stored_clean(units):
    import datetime as dt

    from programs.models import ModelMember, ProtectionModel

    model = ProtectionModel.objects.create(
        code="CLB1", name="CLB", kind="child_club", unit=units.quang_trung, established_on=dt.date(2020, 1, 1)
    )
    member = ModelMember.objects.create(model=model, name=TYPED)
    member.refresh_from_db()
    assert member.name == CLEAN
