"""Anymail's inbound signal, heard: each email the provider posts is filed by the inbox."""

import logging

from anymail.signals import inbound
from django.dispatch import receiver

from .services import inbound_email_receive

logger = logging.getLogger(__name__)


@receiver(inbound, dispatch_uid="inbox-inbound-email")
def file_inbound_email(sender: object, event, esp_name: str = "", **kwargs: object) -> None:
    """Runs inside the provider's request: filing is a few queries, and a retry of the same
    email is recognised and dropped, so the provider may post it as often as it likes."""
    message = getattr(event, "message", None)
    if message is None:  # an event without an email: nothing to file or hold
        logger.warning("inbound event from %s without a message", esp_name)
        return
    inbound_email_receive(message, esp_name=esp_name)
