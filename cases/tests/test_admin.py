import datetime as dt

import pytest
from django.urls import reverse

from cases.models import Case, Child

from .factories import CaseFactory, ChildFactory


@pytest.fixture
def records(cast, units):
    own = ChildFactory(full_name="Nguyễn Thị Đào", commune=units.quang_trung, personal_id="062315000123", sex="F")
    reported = ChildFactory(full_name="Trần Văn Báo", commune=units.quang_trung, reported_by=cast.collaborator)
    far = ChildFactory(full_name="Lê Văn Xa", commune=units.dakglei_town)
    return {
        "own": own,
        "reported": reported,
        "far": far,
        "own_case": CaseFactory(child=own, commune=units.quang_trung, case_ref="KT-0001"),
        "reported_case": CaseFactory(child=reported, commune=units.quang_trung, reported_by=cast.collaborator),
        "far_case": CaseFactory(child=far, commune=units.dakglei_town, case_ref="KT-0002"),
    }


def names(response):
    return {obj.full_name for obj in response.context["cl"].result_list}


def test_accent_insensitive_search_finds_the_child(client_for, cast, records):
    response = client_for(cast.commune).get(reverse("admin:cases_child_changelist"), {"q": "nguyen thi dao"})
    assert names(response) == {"Nguyễn Thị Đào"}


def test_search_by_personal_id(client_for, cast, records):
    response = client_for(cast.commune).get(reverse("admin:cases_child_changelist"), {"q": "062315000123"})
    assert names(response) == {"Nguyễn Thị Đào"}


def test_case_search_by_number_and_child_name(client_for, cast, records):
    client = client_for(cast.province)
    by_ref = client.get(reverse("admin:cases_case_changelist"), {"q": "KT-0002"})
    assert [c.case_ref for c in by_ref.context["cl"].result_list] == ["KT-0002"]
    by_name = client.get(reverse("admin:cases_case_changelist"), {"q": "dao"})
    assert [c.case_ref for c in by_name.context["cl"].result_list] == ["KT-0001"]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("commune", {"Nguyễn Thị Đào", "Trần Văn Báo"}),
        ("district", {"Nguyễn Thị Đào", "Trần Văn Báo"}),
        ("province", {"Nguyễn Thị Đào", "Trần Văn Báo", "Lê Văn Xa"}),
        ("manager", {"Nguyễn Thị Đào", "Trần Văn Báo", "Lê Văn Xa"}),
        ("current_province", {"Nguyễn Thị Đào", "Trần Văn Báo", "Lê Văn Xa"}),
        ("peer_commune", {"Lê Văn Xa"}),
        ("collaborator", {"Trần Văn Báo"}),
        ("other_province", set()),
        ("no_unit", set()),
    ],
)
def test_each_role_sees_its_children(client_for, cast, records, who, expected):
    response = client_for(getattr(cast, who)).get(reverse("admin:cases_child_changelist"))
    assert names(response) == expected


def test_viewer_cannot_open_children_or_cases(client_for, cast, records):
    client = client_for(cast.viewer)
    assert client.get(reverse("admin:cases_child_changelist")).status_code == 403
    assert client.get(reverse("admin:cases_case_change", args=[records["own_case"].pk])).status_code == 403


@pytest.mark.parametrize("who", ["peer_commune", "other_province", "collaborator"])
def test_case_out_of_scope_does_not_exist(client_for, cast, records, who):
    response = client_for(getattr(cast, who)).get(reverse("admin:cases_case_change", args=[records["own_case"].pk]))
    assert response.status_code == 302 and response.url == reverse("admin:index")


def test_workflow_buttons_show_only_allowed_steps(client_for, cast, records):
    case = records["own_case"]
    response = client_for(cast.commune).get(reverse("admin:cases_case_change", args=[case.pk]))
    urls = [url for url, _label in response.context["workflow_buttons"]]
    assert urls == [
        reverse("admin:cases_case_transition", args=[case.pk, "verified"]),
        reverse("admin:cases_case_transition", args=[case.pk, "closed"]),
    ]


def test_collaborator_sees_no_workflow_buttons(client_for, cast, records):
    response = client_for(cast.collaborator).get(reverse("admin:cases_case_change", args=[records["reported_case"].pk]))
    assert response.status_code == 200 and response.context["workflow_buttons"] == []


def test_transition_through_the_admin(client_for, cast, records):
    case = records["own_case"]
    url = reverse("admin:cases_case_transition", args=[case.pk, "closed"])
    client = client_for(cast.commune)
    refused = client.post(url, {"on": "03/06/2024", "note": "x", "outcome": "", "expected_version": case.version})
    assert refused.status_code == 200 and "outcome" in refused.context["form"].errors
    done = client.post(url, {"on": "03/06/2024", "outcome": "moved_away", "expected_version": case.version})
    assert done.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.closed_on, case.outcome) == ("closed", dt.date(2024, 6, 3), "moved_away")


def test_transition_refused_for_collaborator(client_for, cast, records):
    url = reverse("admin:cases_case_transition", args=[records["reported_case"].pk, "verified"])
    assert client_for(cast.collaborator).post(url, {"on": "03/06/2024", "expected_version": 0}).status_code == 403


def child_post(child, **changes):
    data = {
        "full_name": child.full_name,
        "date_of_birth": child.date_of_birth.strftime("%d/%m/%Y") if child.date_of_birth else "",
        "birth_year": child.birth_year,
        "sex": child.sex,
        "ethnicity": child.ethnicity,
        "personal_id": child.personal_id,
        "child_ref": child.child_ref,
        "commune": child.commune_id,
        "expected_version": child.version,
    }
    for prefix in ["category_links", "survey_records", "consents", "cases", "merges", "history"]:
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data.update(changes)
    return data


def test_second_concurrent_save_is_refused(client_for, cast, records):
    child = records["own"]
    url = reverse("admin:cases_child_change", args=[child.pk])
    first = client_for(cast.commune).post(url, child_post(child, village="Thôn 1"))
    assert first.status_code == 302
    second = client_for(cast.district).post(url, child_post(child, village="Thôn 2"))
    assert second.status_code == 200 and second.context["adminform"].form.non_field_errors()
    child.refresh_from_db()
    assert child.village == "Thôn 1"


def test_personal_id_mismatch_warns_until_confirmed(client_for, cast, records):
    child = records["own"]
    url = reverse("admin:cases_child_change", args=[child.pk])
    client = client_for(cast.commune)
    warned = client.post(url, child_post(child, sex="M"))
    assert warned.status_code == 200 and "personal_id" in warned.context["adminform"].form.errors
    confirmed = client.post(url, child_post(child, sex="M", accept_warnings="on"))
    assert confirmed.status_code == 302
    child.refresh_from_db()
    assert child.sex == "M"


def test_malformed_personal_id_is_an_error_nothing_saved(client_for, cast, units):
    client = client_for(cast.commune)
    data = child_post(
        Child(full_name="Mới", date_of_birth=dt.date(2016, 1, 1), birth_year=2016, sex="M", commune=units.quang_trung),
        personal_id="12AB",
        accept_warnings="on",
    )
    response = client.post(reverse("admin:cases_child_add"), data)
    assert response.status_code == 200 and "personal_id" in response.context["adminform"].form.errors
    assert not Child.objects.filter(full_name="Mới").exists()


def test_sixteen_year_old_cannot_be_added(client_for, cast, units):
    client = client_for(cast.commune)
    data = child_post(Child(full_name="Lớn", date_of_birth=dt.date(2000, 1, 1), birth_year=2000, sex="M",
                            commune=units.quang_trung))  # fmt: skip
    response = client.post(reverse("admin:cases_child_add"), data)
    assert "date_of_birth" in response.context["adminform"].form.errors
    assert not Child.objects.filter(full_name="Lớn").exists()


def test_adding_a_child_out_of_scope_is_refused(client_for, cast, units):
    data = child_post(Child(full_name="Ngoài", date_of_birth=dt.date(2016, 1, 1), birth_year=2016, sex="M",
                            commune=units.dakglei_town))  # fmt: skip
    response = client_for(cast.commune).post(reverse("admin:cases_child_add"), data)
    assert "commune" in response.context["adminform"].form.errors
    assert not Child.objects.filter(full_name="Ngoài").exists()


def test_overdue_filter_and_badge(client_for, cast, records):
    case = records["own_case"]
    Case.objects.filter(pk=case.pk).update(status="detailed_assessment", plan_due_on=dt.date(2024, 1, 10))
    response = client_for(cast.commune).get(reverse("admin:cases_case_changelist"), {"overdue": "yes"})
    assert [c.pk for c in response.context["cl"].result_list] == [case.pk]
    assert "background:#ba2121" in response.content.decode()


def test_history_shows_who_changed_what(client_for, cast, records):
    child = records["own"]
    client = client_for(cast.commune)
    client.post(reverse("admin:cases_child_change", args=[child.pk]), child_post(child, village="Thôn 9"))
    page = client.get(reverse("admin:cases_child_change", args=[child.pk])).content.decode()
    assert "— → Thôn 9" in page


def test_unit_filter_lists_only_units_in_scope(client_for, cast, records, units):
    response = client_for(cast.district).get(reverse("admin:cases_child_changelist"))
    unit_filter = next(s for s in response.context["cl"].filter_specs if s.parameter_name == "unit")
    codes = {label.split()[0] for _pk, label in unit_filter.lookup_choices}
    assert "23281" in codes and "23341" not in codes


def test_merged_children_are_hidden_by_default(client_for, cast, records):
    Child.objects.filter(pk=records["reported"].pk).update(merged_into=records["own"])
    response = client_for(cast.commune).get(reverse("admin:cases_child_changelist"))
    assert names(response) == {"Nguyễn Thị Đào"}


def test_birth_year_is_taken_from_the_date_of_birth(client_for, cast, units):
    data = child_post(Child(full_name="Năm Sinh", date_of_birth=dt.date(2016, 5, 1), birth_year=2016, sex="M",
                            commune=units.quang_trung), birth_year="")  # fmt: skip
    response = client_for(cast.commune).post(reverse("admin:cases_child_add"), data)
    assert response.status_code == 302
    assert Child.objects.get(full_name="Năm Sinh").birth_year == 2016


def test_a_district_is_not_a_commune(client_for, cast, units):
    data = child_post(Child(full_name="Huyện", date_of_birth=dt.date(2016, 5, 1), birth_year=2016, sex="M",
                            commune=units.kontum_city))  # fmt: skip
    response = client_for(cast.district).post(reverse("admin:cases_child_add"), data)
    assert "commune" in response.context["adminform"].form.errors
    assert not Child.objects.filter(full_name="Huyện").exists()


@pytest.fixture
def no_personal_data(units):
    """A user who may list children and cases but not see personal data."""
    from django.contrib.auth.models import Permission

    from accounts.models import User

    user = User.objects.create_user("auditor", password="pw", role="province_manager", unit=units.kontum, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=["view_child", "view_case"]))
    return user


def test_sensitive_fields_hidden_without_personal_data_permission(client_for, cast, records, no_personal_data):
    client = client_for(no_personal_data)
    child_page = client.get(reverse("admin:cases_child_change", args=[records["own"].pk]))
    assert child_page.status_code == 200 and "062315000123" not in child_page.content.decode()
    case_page = client.get(reverse("admin:cases_case_change", args=[records["own_case"].pk]))
    assert case_page.status_code == 200 and "abuse_details" not in case_page.content.decode()
    api = client.get(f"/api/v1/children/{records['own'].pk}/").json()
    assert "personal_id" not in api and api["full_name"] == "Nguyễn Thị Đào"


def test_personal_data_neither_shown_nor_accepted_without_the_permission(rf, cast, records, units):
    """The forms leave out the sensitive fields and the case page its notes and incidents, even
    for a user allowed to change children and cases and to view notes and incidents."""
    from django.contrib import admin
    from django.contrib.auth.models import Permission

    from accounts.models import User
    from cases.models import CaseNote, Incident

    auditor = User.objects.create_user(
        "auditor", password="pw", role="province_manager", unit=units.kontum, is_staff=True
    )
    codenames = ["view_child", "change_child", "view_case", "change_case", "view_casenote", "view_incident"]
    auditor.user_permissions.set(Permission.objects.filter(codename__in=codenames))

    def seen(user):
        request = rf.get("/")
        request.user = user
        child_admin, case_admin = admin.site._registry[Child], admin.site._registry[Case]
        child_fields = set(child_admin.get_form(request, records["own"]).base_fields)
        case_fields = set(case_admin.get_form(request, records["own_case"]).base_fields)
        inlines = {inline.model for inline in case_admin.get_inline_instances(request, records["own_case"])}
        return child_fields, case_fields, inlines

    child_fields, case_fields, inlines = seen(cast.province)
    assert {"full_name", "personal_id"} <= child_fields
    assert {"opened_on", "abuse_details", "notes"} <= case_fields
    assert {CaseNote, Incident} <= inlines
    child_fields, case_fields, inlines = seen(auditor)
    assert "full_name" in child_fields and "personal_id" not in child_fields
    assert "opened_on" in case_fields and not {"abuse_details", "notes"} & case_fields
    assert not {CaseNote, Incident} & inlines


@pytest.mark.parametrize(
    ("who", "expected"),
    [("commune", {"KT-0001", "reported"}), ("collaborator", {"reported"}), ("peer_commune", {"KT-0002"}),
     ("province", {"KT-0001", "KT-0002", "reported"}), ("other_province", set())],
)  # fmt: skip
def test_each_role_sees_its_cases(client_for, cast, records, who, expected):
    response = client_for(getattr(cast, who)).get(reverse("admin:cases_case_changelist"))
    refs = {
        "reported" if c.pk == records["reported_case"].pk else c.case_ref for c in response.context["cl"].result_list
    }
    assert refs == expected


def test_collaborator_reports_a_child_and_sees_only_their_own(client_for, cast, records, units):
    client = client_for(cast.collaborator)
    data = child_post(Child(full_name="Báo Mới", date_of_birth=dt.date(2017, 5, 1), birth_year=2017, sex="F",
                            commune=units.quang_trung))  # fmt: skip
    assert client.post(reverse("admin:cases_child_add"), data).status_code == 302
    assert Child.objects.get(full_name="Báo Mới").reported_by == cast.collaborator
    assert names(client.get(reverse("admin:cases_child_changelist"))) == {"Trần Văn Báo", "Báo Mới"}


def test_case_form_sections_are_checked(cast, units, records):
    from django.core.exceptions import ValidationError

    from cases.models import CaseForm
    from cases.services import related_record_save

    form = CaseForm(case=records["own_case"], form="03", filled_on=dt.date(2024, 6, 1), sections={"needs": "học"})
    related_record_save(record=form, user=cast.commune)
    assert form.filled_by == cast.commune
    bad = CaseForm(case=records["own_case"], form="01", filled_on=dt.date(2024, 6, 1), sections={"needs": "x"})
    with pytest.raises(ValidationError):
        related_record_save(record=bad, user=cast.commune)


def test_case_form_admin_shows_one_box_per_section(client_for, cast, records):
    client = client_for(cast.commune)
    url = reverse("admin:cases_caseform_add")
    data = {"case": records["own_case"].pk, "form": "02", "filled_on": "01/06/2024", "s02_safety": "An toàn"}
    assert client.post(url, data).status_code == 302
    from cases.models import CaseForm

    assert CaseForm.objects.get().sections == {"safety": "An toàn"}


@pytest.mark.parametrize("page", ["admin:cases_case_add", "admin:cases_surveyrecord_add"])
def test_raw_id_box_names_only_a_child_in_scope(client_for, cast, records, page):
    client = client_for(cast.commune)
    url = reverse(page)
    assert "Nguyễn Thị Đào" in client.get(url, {"child": records["own"].pk}).content.decode()
    response = client.get(url, {"child": records["far"].pk})
    assert response.status_code == 200 and "Lê Văn Xa" not in response.content.decode()


def test_history_of_a_case_left_in_the_old_commune_is_hidden(client_for, cast, records, units):
    from cases.models import ChangeRecord
    from cases.services import case_save, child_save

    child, case = records["own"], records["own_case"]
    case.opened_on = dt.date(2024, 2, 1)
    case_save(case=case, user=cast.commune)
    child.commune = units.dakglei_town
    child_save(child=child, user=cast.province, accept_warnings=True)
    assert ChangeRecord.objects.filter(child=child, case=case).exists()

    assert not ChangeRecord.objects.visible_to(cast.peer_commune).filter(case=case).exists()
    assert ChangeRecord.objects.visible_to(cast.peer_commune).filter(child=child, case=None).exists()
    assert ChangeRecord.objects.visible_to(cast.province).filter(case=case).exists()
    page = client_for(cast.peer_commune).get(reverse("admin:cases_child_change", args=[child.pk]))
    assert page.status_code == 200 and "KT-0001" not in page.content.decode()


def test_history_records_that_personal_data_changed_but_not_its_values(cast, records):
    from django.utils.translation import gettext

    from cases.models import ChangeRecord
    from cases.services import case_save, child_save

    def label(model, name):
        return str(model._meta.get_field(name).verbose_name)

    hidden = gettext("(hidden)")
    case = records["own_case"]
    case.abuse_details = "bí mật cũ"
    case_save(case=case, user=cast.commune)
    case.abuse_details, case.notes = "bí mật mới", "ghi chú kín"
    case_save(case=case, user=cast.commune)
    child = records["own"]
    child.personal_id = "062315000999"
    child_save(child=child, user=cast.commune)

    first, second = ChangeRecord.objects.filter(case=case, action="changed").order_by("pk")
    assert first.changes == {label(Case, "abuse_details"): ["", hidden]}
    assert second.changes == {label(Case, "abuse_details"): [hidden, hidden], label(Case, "notes"): ["", hidden]}
    of_child = ChangeRecord.objects.get(child=child, case=None, action="changed")
    assert of_child.changes == {label(Child, "personal_id"): [hidden, hidden]}
    stored = repr([first.changes, second.changes, of_child.changes])
    assert not any(secret in stored for secret in ["bí mật", "ghi chú kín", "062315000123", "062315000999"])


def _count_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # the first request fills per-process caches (content types, permissions)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _add_case_rows(case, count, user, other):
    """``count`` rows in each inline of the case page, by two users so that each row names one."""
    from cases.models import CaseAttachment, CaseForm, CaseNote, CaseTransition

    for n in range(count):
        by = (user, other)[n % 2]
        CaseNote.objects.create(case=case, on=dt.date(2024, 1, 2), text="Ghi chép", author=by)
        CaseForm.objects.create(case=case, form="02", filled_on=dt.date(2024, 1, 2), filled_by=by)
        CaseAttachment.objects.create(case=case, title="Biên bản", file="cases/attachments/2024/a.pdf", uploaded_by=by)
        CaseTransition.objects.create(case=case, from_status="received", to_status="verified",
                                      on=dt.date(2024, 1, 3), user=by)  # fmt: skip


def _child_with_cases(cast, units, count):
    from cases.services import case_save, child_save

    child = Child(full_name="Đếm Truy Vấn", date_of_birth=dt.date(2015, 1, 1), sex="M", commune=units.quang_trung)
    child_save(child=child, user=cast.commune)
    for _n in range(count):
        case = case_save(case=Case(child=child, commune=units.quang_trung, opened_on=dt.date(2024, 1, 1)),
                         user=cast.commune)  # fmt: skip
        _add_case_rows(case, 1, cast.commune, cast.district)
    return child


def test_child_page_queries_do_not_grow_with_its_cases(client_for, cast, units):
    client = client_for(cast.commune)
    one = _child_with_cases(cast, units, 1)
    five = _child_with_cases(cast, units, 5)
    page = "admin:cases_child_change"
    assert _count_queries(client, reverse(page, args=[one.pk])) == _count_queries(client, reverse(page, args=[five.pk]))


def test_case_page_and_case_form_list_queries_do_not_grow_with_rows(client_for, cast, units):
    client = client_for(cast.commune)
    case = _child_with_cases(cast, units, 1).cases.get()
    url = reverse("admin:cases_case_change", args=[case.pk])
    forms_url = reverse("admin:cases_caseform_changelist")
    before = (_count_queries(client, url), _count_queries(client, forms_url))
    _child_with_cases(cast, units, 2)
    _add_case_rows(case, 4, cast.commune, cast.district)
    assert (_count_queries(client, url), _count_queries(client, forms_url)) == before


@pytest.mark.parametrize("page", ["change", "history", "duplicates", "delete"])
def test_a_viewer_gets_the_same_answer_for_a_child_that_exists_and_one_that_does_not(cast, client_for, units, page):
    from cases.tests.factories import ChildFactory

    child = ChildFactory(commune=units.quang_trung)
    client = client_for(cast.viewer)
    existing = client.get(reverse(f"admin:cases_child_{page}", args=[child.pk]))
    missing = client.get(reverse(f"admin:cases_child_{page}", args=[child.pk + 1000]))
    assert existing.status_code == missing.status_code == 403
    assert existing.get("Location") == missing.get("Location")
