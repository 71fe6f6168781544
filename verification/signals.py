"""Signals other apps listen to (escalation documents results on the customer's record)."""

from django.dispatch import Signal

# Sent inside the transaction that verified, approved, rejected, locked or expired a request.
# Arguments: request (VerificationRequest), actor (user).
verification_decided = Signal()
