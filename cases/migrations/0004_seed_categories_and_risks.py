"""Seed the categories of special circumstances (SC01–SC14) and a starting list of risk factors."""

from django.db import migrations

CATEGORIES = [
    ("SC01", "a", "Trẻ em mồ côi cả cha và mẹ"),
    ("SC02", "b", "Trẻ em bị bỏ rơi"),
    ("SC03", "c", "Trẻ em không nơi nương tựa"),
    ("SC04", "d", "Trẻ em khuyết tật"),
    ("SC05", "đ", "Trẻ em nhiễm HIV/AIDS"),
    ("SC06", "e", "Trẻ em vi phạm pháp luật"),
    ("SC07", "g", "Trẻ em nghiện ma túy"),
    ("SC08", "h", "Trẻ em phải bỏ học kiếm sống chưa hoàn thành phổ cập giáo dục trung học cơ sở"),
    ("SC09", "i", "Trẻ em bị tổn hại nghiêm trọng về thể chất và tinh thần do bị bạo lực"),
    ("SC10", "k", "Trẻ em bị bóc lột"),
    ("SC11", "l", "Trẻ em bị xâm hại tình dục"),
    ("SC12", "m", "Trẻ em bị mua bán"),
    ("SC13", "n", "Trẻ em mắc bệnh hiểm nghèo hoặc bệnh phải điều trị dài ngày thuộc hộ nghèo hoặc hộ cận nghèo"),
    ("SC14", "o", "Trẻ em di cư, trẻ em lánh nạn, tị nạn chưa xác định được cha mẹ hoặc không có người chăm sóc"),
]

RISKS = [
    ("R01", "Trẻ em thuộc hộ nghèo, hộ cận nghèo"),
    ("R02", "Trẻ em có cha hoặc mẹ đã chết"),
    ("R03", "Trẻ em có cha mẹ ly hôn"),
    ("R04", "Trẻ em có cha hoặc mẹ đang chấp hành án phạt tù hoặc cai nghiện ma túy"),
    ("R05", "Trẻ em sống trong gia đình có bạo lực gia đình"),
    ("R06", "Trẻ em lao động trái quy định của pháp luật"),
    ("R07", "Trẻ em tảo hôn"),
    ("R08", "Trẻ em sống với người thân do cha mẹ đi làm ăn xa"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    RiskFactor = apps.get_model("cases", "RiskFactor")
    for code, point, name in CATEGORIES:
        Category.objects.update_or_create(code=code, defaults={"point": point, "name": name})
    for code, name in RISKS:
        RiskFactor.objects.get_or_create(code=code, defaults={"name": name})


def unseed(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    RiskFactor = apps.get_model("cases", "RiskFactor")
    # Only rows nobody uses yet; a used category stays (PROTECT would refuse anyway).
    Category.objects.filter(code__in=[c for c, _p, _n in CATEGORIES], children__isnull=True).delete()
    RiskFactor.objects.filter(code__in=[c for c, _n in RISKS], children__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_case_management")]

    operations = [migrations.RunPython(seed, unseed)]
