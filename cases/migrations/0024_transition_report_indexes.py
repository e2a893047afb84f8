# The annual summary reads the year's successful closure steps and the reopening steps as two
# lists (reports.selectors.closed_in_year and open_cases): each is an index-only range here
# instead of a scan of every case step of the country.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0023_support_plan_review_date'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='casetransition',
            index=models.Index(fields=['to_status', 'outcome', 'on'], include=('case',), name='transition_closure'),
        ),
        migrations.AddIndex(
            model_name='casetransition',
            index=models.Index(condition=models.Q(('previous_closed_on__isnull', False)), fields=['previous_closed_on'], include=('on', 'case'), name='transition_reopening'),
        ),
    ]
