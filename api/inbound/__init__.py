"""Tickets and customer messages pushed in by the upstream helpdesk (Zendesk, Freshdesk, any)."""
