"""Escalation metrics for leads: scope (period and filters), figures, and their pages."""
