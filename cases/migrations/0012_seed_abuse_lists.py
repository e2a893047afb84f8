"""Seed the forms and settings of abuse (editable reference lists; the keys are stable)."""

from django.db import migrations

FORMS = [
    ("violence", "Bạo lực"),
    ("sexual_abuse", "Xâm hại tình dục"),
    ("exploitation", "Bóc lột"),
    ("trafficking", "Mua bán trẻ em"),
    ("abandonment_neglect", "Bỏ rơi, bỏ mặc"),
    ("other", "Hình thức khác"),
]

SETTINGS = [
    ("family", "Gia đình"),
    ("school", "Trường học"),
    ("community", "Cộng đồng"),
    ("online", "Môi trường mạng"),
    ("other", "Nơi khác"),
]


def seed(apps, schema_editor):
    AbuseForm = apps.get_model("cases", "AbuseForm")
    AbuseSetting = apps.get_model("cases", "AbuseSetting")
    for order, (key, name) in enumerate(FORMS, start=1):
        AbuseForm.objects.get_or_create(key=key, defaults={"name": name, "order": order})
    for order, (key, name) in enumerate(SETTINGS, start=1):
        AbuseSetting.objects.get_or_create(key=key, defaults={"name": name, "order": order})


def unseed(apps, schema_editor):
    AbuseForm = apps.get_model("cases", "AbuseForm")
    AbuseSetting = apps.get_model("cases", "AbuseSetting")
    # Only rows no incident uses; a used one stays (PROTECT would refuse anyway).
    AbuseForm.objects.filter(key__in=[k for k, _n in FORMS], incidents__isnull=True).delete()
    AbuseSetting.objects.filter(key__in=[k for k, _n in SETTINGS], incidents__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0011_abuse_incidents")]

    operations = [migrations.RunPython(seed, unseed)]
