"""/inbox/anymail/<esp>/inbound/: where the email provider posts the emails it receives
(e.g. /inbox/anymail/postmark/inbound/), signed in with ANYMAIL_WEBHOOK_SECRET."""

from django.urls import include, path

from .webhooks import guarded_inbound_patterns

app_name = "inbox"

urlpatterns: list = [
    path("anymail/", include((guarded_inbound_patterns(), "anymail"))),
]
