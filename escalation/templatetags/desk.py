"""Small display helpers for the desk pages."""

from django import template

from core.formatting import duration_text

register = template.Library()


register.filter("span", duration_text)
