from django.core.management.base import BaseCommand

from imports.services import import_files_sweep, import_jobs_sweep, retention_days


class Command(BaseCommand):
    help = (
        "Mark import jobs whose worker stopped answering as failed, so they can be run again, and delete "
        "import files older than IMPORT_FILE_RETENTION_DAYS (run from cron)."
    )

    def handle(self, *args, **options):
        swept = import_jobs_sweep()
        self.stdout.write(f"{swept} stale import job(s) marked failed")
        deleted = import_files_sweep()
        self.stdout.write(f"{deleted} import file(s) older than {retention_days()} day(s) deleted")
