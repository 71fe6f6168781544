"""Links to one object's page, built thousands of times by bulk work (the SLA sweep).

`reverse()` walks the URL resolver on every call; a link whose only variable part is the
object's id is resolved once per URL name and script prefix, then filled in.
"""

from functools import cache

from django.urls import get_script_prefix, reverse

MARK = "2147483646"  # an id no table reaches, replaced by the real one


def object_url(name: str, pk: int) -> str:
    """`reverse(name, args=[pk])` for a URL taking one integer id, resolved once."""
    return _pattern(name, get_script_prefix()).replace(MARK, str(int(pk)))


@cache
def _pattern(name: str, prefix: str) -> str:
    url = reverse(name, args=[int(MARK)])
    if url.count(MARK) != 1:  # the mark must stand for the id alone
        raise ValueError(f"{name} does not take one integer id")
    return url
