"""PostgreSQL write and planning helpers of the import (``imports.bulk``)."""

import pytest
from django.db import connection, transaction

from imports.bulk import without_bitmap_scans

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="planner settings of PostgreSQL")


def bitmap_scans() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_bitmapscan")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_bitmap_scans_are_off_only_inside_the_block():
    with without_bitmap_scans():
        assert bitmap_scans() == "off"
    assert bitmap_scans() == "on"
    # Inside an import's transaction the setting must not leak into its later statements.
    with transaction.atomic():
        with without_bitmap_scans():
            assert bitmap_scans() == "off"
        assert bitmap_scans() == "on"


@pytest.mark.django_db(transaction=True)
def test_an_error_in_the_block_restores_the_setting():
    with transaction.atomic():
        with pytest.raises(RuntimeError), without_bitmap_scans():
            raise RuntimeError("a failing batch")
        assert bitmap_scans() == "on"
