"""Whether the desk's navigation shows the monthly review link, without a query: the nav
is on every desk page and those pages pin their query counts.

Only what the request already knows is used: the tier `core.roles.user_tier` cached on
the user (every desk page behind `desk_role_required` asks it; a lead, L4, always holds
the review permission) and the permissions Django cached once a view asked for one (the
review pages themselves, for auditors). A page that asked neither (the directory) leaves
the link out rather than spend queries on it.
"""

from django import template

from core.choices import Tier

from ..views import VIEW

register = template.Library()


@register.filter
def may_review(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    # Plain attribute reads (through the request's lazy user object): never a query.
    if user.is_superuser or getattr(user, "_support_tier", None) == Tier.L4:
        return True
    return VIEW in getattr(user, "_perm_cache", ())
