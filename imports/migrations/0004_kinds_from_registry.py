# The choices of ``kind`` are those of the registered kinds (``imports.registry``): no SQL.

import imports.registry
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('imports', '0003_merge_protected_files'),
    ]

    operations = [
        migrations.AlterField(
            model_name='importjob',
            name='kind',
            field=models.CharField(choices=imports.registry.kind_choices, max_length=20, verbose_name='kind'),
        ),
    ]
