"""`manage.py api_token --name Zendesk --role Agent --by lead`: issue a token and print it
once (for scripts and `make run`); `--revoke NAME` revokes one."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError

from ...models import IntegrationToken
from ...services import ROLES, token_issue, token_revoke


class Command(BaseCommand):
    help = "Issue (or revoke) an integration token for the REST API."

    def add_arguments(self, parser):
        parser.add_argument("--name", help="The system that will use the token.")
        parser.add_argument("--role", choices=ROLES, default="Agent")
        parser.add_argument("--by", required=True, help="Username of the lead issuing it.")
        parser.add_argument("--revoke", metavar="NAME", help="Revoke the token with this name.")

    def handle(self, *args, **options):
        lead = get_user_model().objects.filter(username=options["by"]).first()
        if lead is None:
            raise CommandError(f"No user {options['by']!r}.")
        try:
            if options["revoke"]:
                token = IntegrationToken.objects.filter(name=options["revoke"]).first()
                if token is None:
                    raise CommandError(f"No token named {options['revoke']!r}.")
                token_revoke(token=token, actor=lead)
                self.stdout.write(f"Revoked {token}.")
                return
            token, raw = token_issue(name=options["name"] or "", role=options["role"], actor=lead)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(raw)
