import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.matching import Candidate, Reason, find_duplicates
from cases.models import Case, Category, ChangeRecord, Child, ChildMerge, RiskFactor, SurveyRecord
from cases.selectors import child_duplicates
from cases.services import child_categories_add, child_merge, survey_record_upsert

from .factories import CaseFactory, ChildFactory


def test_same_personal_id_is_a_duplicate(cast, units):
    a = ChildFactory(commune=units.quang_trung, personal_id="062215000001")
    b = ChildFactory.build(commune=units.dakglei_town, personal_id="062215000001")
    [matches] = find_duplicates([Candidate(full_name="Khác", birth_year=2015, personal_id=b.personal_id)])
    assert [(m.child, m.reason) for m in matches] == [(a, Reason.PERSONAL_ID)]


def test_same_folded_name_and_birth_in_the_district(cast, units):
    a = ChildFactory(full_name="Nguyễn Văn An", commune=units.quang_trung, date_of_birth=dt.date(2015, 3, 5))
    b = ChildFactory(full_name="nguyen van an", commune=units.duy_tan, date_of_birth=dt.date(2015, 3, 5))
    assert [(m.child, m.reason) for m in child_duplicates(user=cast.district, child=b)] == [(a, Reason.NAME_AND_BIRTH)]


def test_near_name_same_year_in_the_district(cast, units):
    a = ChildFactory(full_name="Nguyễn Văn Hùng", commune=units.quang_trung, date_of_birth=dt.date(2015, 3, 5))
    b = ChildFactory(full_name="Nguyễn Văn Hưng", commune=units.quang_trung, date_of_birth=dt.date(2015, 8, 1))
    assert [(m.child, m.reason) for m in child_duplicates(user=cast.commune, child=b)] == [(a, Reason.NEAR_NAME)]


def test_other_district_or_other_name_is_not_a_duplicate(cast, units):
    ChildFactory(full_name="Nguyễn Văn An", commune=units.dakglei_town)
    ChildFactory(full_name="Trần Thị Bích", commune=units.quang_trung)
    b = ChildFactory(full_name="Nguyễn Văn An", commune=units.quang_trung)
    assert child_duplicates(user=cast.province, child=b) == []


def test_duplicates_are_searched_only_in_scope(cast, units):
    ChildFactory(full_name="Nguyễn Văn An", commune=units.duy_tan)
    b = ChildFactory(full_name="Nguyễn Văn An", commune=units.quang_trung)
    assert child_duplicates(user=cast.commune, child=b) == []
    assert len(child_duplicates(user=cast.district, child=b)) == 1


def test_batch_finder_uses_a_bounded_number_of_queries(cast, units, django_assert_max_num_queries):
    for i in range(5):
        ChildFactory(full_name=f"Trẻ {i}", commune=units.quang_trung, personal_id=f"0622150000{i:02d}")
    cands = [
        Candidate(full_name=f"Tre {i}", birth_year=2015, personal_id=f"0622150000{i:02d}",
                  district_id=units.kontum_city.pk, date_of_birth=dt.date(2015, 3, 5))
        for i in range(5)
    ]  # fmt: skip
    with django_assert_max_num_queries(2):
        results = find_duplicates(cands)
    assert [len(r) for r in results] == [1, 1, 1, 1, 1]


@pytest.fixture
def pair(cast, units):
    keep = ChildFactory(full_name="Nguyễn Văn An", commune=units.quang_trung, village="")
    drop = ChildFactory(full_name="Nguyen Van An", commune=units.quang_trung, village="Thôn 3",
                        personal_id="062215000077", caregiver_phone="0900")  # fmt: skip
    sc01, sc04 = Category.objects.get(code="SC01"), Category.objects.get(code="SC04")
    r01, r02 = RiskFactor.objects.get(code="R01"), RiskFactor.objects.get(code="R02")
    survey_record_upsert(user=cast.commune, child=keep, survey_year=2023, commune=units.quang_trung, categories=[sc01])
    survey_record_upsert(user=cast.commune, child=drop, survey_year=2023, commune=units.quang_trung,
                         categories=[sc04], risks=[r01], notes="ghi chú")  # fmt: skip
    survey_record_upsert(user=cast.commune, child=drop, survey_year=2024, commune=units.quang_trung, risks=[r02])
    child_categories_add(child=drop, user=cast.commune, categories=[sc01], recorded_on=dt.date(2020, 1, 1))
    cases = [CaseFactory(child=drop, commune=units.quang_trung) for _ in range(2)]
    return keep, drop, cases


def test_merge_moves_everything(cast, units, pair):
    keep, drop, cases = pair
    merge = child_merge(keep=keep, drop=drop, user=cast.commune, note="cùng một trẻ")
    keep.refresh_from_db()
    drop.refresh_from_db()
    assert drop.merged_into == keep and drop.personal_id == ""
    assert keep.personal_id == "062215000077" and keep.village == "Thôn 3" and keep.caregiver_phone == "0900"
    assert set(Case.objects.filter(child=keep)) == set(cases)
    assert sorted(keep.survey_records.values_list("survey_year", flat=True)) == [2023, 2024]
    y2023 = keep.survey_records.get(survey_year=2023)
    assert set(y2023.categories.values_list("code", flat=True)) == {"SC01", "SC04"}
    assert set(y2023.risks.values_list("code", flat=True)) == {"R01"} and "ghi chú" in y2023.notes
    assert set(keep.category_links.values_list("category__code", flat=True)) == {"SC01", "SC04"}
    assert keep.category_links.get(category__code="SC01").recorded_on == dt.date(2020, 1, 1)
    assert set(keep.risks.values_list("code", flat=True)) == {"R01", "R02"}
    assert not SurveyRecord.objects.filter(child=drop).exists()
    assert merge.merged_snapshot["personal_id"] == "062215000077" and merge.moved["cases"] == 2
    assert ChangeRecord.objects.filter(child=keep, action="merged").exists()
    assert ChildMerge.objects.count() == 1


def test_merge_is_refused_to_viewer_collaborator_and_out_of_scope(cast, units, pair):
    keep, drop, _cases = pair
    for user in (cast.viewer, cast.collaborator):
        with pytest.raises(PermissionDenied):
            child_merge(keep=keep, drop=drop, user=user)
    with pytest.raises(ValidationError):
        child_merge(keep=keep, drop=drop, user=cast.peer_commune)
    assert Child.objects.get(pk=drop.pk).merged_into is None


def test_merge_into_itself_or_twice_is_refused(cast, units, pair):
    keep, drop, _cases = pair
    with pytest.raises(ValidationError):
        child_merge(keep=keep, drop=keep, user=cast.commune)
    child_merge(keep=keep, drop=drop, user=cast.commune)
    with pytest.raises(ValidationError):
        child_merge(keep=keep, drop=drop, user=cast.commune)


def test_merge_through_the_admin(client_for, cast, units, pair):
    keep, drop, _cases = pair
    from django.urls import reverse

    url = reverse("admin:cases_child_duplicates", args=[keep.pk])
    client = client_for(cast.commune)
    page = client.get(url)
    assert [m.child for m in page.context["matches"]] == [drop]
    assert client.post(url, {"merge": drop.pk}).status_code == 302
    assert Child.objects.get(pk=drop.pk).merged_into == keep
