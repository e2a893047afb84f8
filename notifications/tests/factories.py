import factory

from notifications.models import Notification


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    kind = "test"
    key = factory.Sequence(lambda n: f"test:{n}")
    title = factory.Sequence(lambda n: f"Thông báo {n}")
