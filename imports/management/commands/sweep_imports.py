from django.core.management.base import BaseCommand

from imports.services import import_jobs_sweep


class Command(BaseCommand):
    help = "Mark import jobs whose worker stopped answering as failed, so they can be run again (run from cron)."

    def handle(self, *args, **options):
        swept = import_jobs_sweep()
        self.stdout.write(f"{swept} stale import job(s) marked failed")
