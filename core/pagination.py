"""A paginator that never counts a whole table (issue 18): it counts up to a cap, over a
LIMIT subquery, and a list longer than that reads as "1,000+" with pages up to the cap."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedCountPaginator(Paginator):
    """`count` is exact up to `cap` rows and `cap` beyond (then `capped` is true)."""

    cap = 1000

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if hasattr(rows, "order_by"):  # a queryset: COUNT over at most cap + 1 rows
            seen = rows.order_by().values("pk")[: self.cap + 1].count()
        else:
            seen = len(rows)
        self.capped = seen > self.cap
        return min(seen, self.cap)

    capped = False
