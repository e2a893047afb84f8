"""Survey records and commune statistics belong to a commune, as children and cases do."""

import pytest


def test_survey_records_and_commune_statistics_are_recorded_on_a_commune_only(cast, units):
    from django.core.exceptions import ValidationError

    from cases.models import Child, SurveyRecord
    from cases.services import commune_stats_upsert, related_record_save

    with pytest.raises(ValidationError) as refused:
        commune_stats_upsert(user=cast.province, survey_year=2024, commune=units.kontum_city, children_total=5)
    assert "commune" in refused.value.message_dict
    child = Child.objects.create(full_name="Trẻ Xã", birth_year=2015, sex="F", commune=units.quang_trung)
    with pytest.raises(ValidationError) as refused:
        related_record_save(
            record=SurveyRecord(child=child, survey_year=2024, commune=units.kontum), user=cast.province
        )
    assert "commune" in refused.value.message_dict
    commune_stats_upsert(user=cast.province, survey_year=2024, commune=units.quang_trung, children_total=5)
