"""The one HistoricalRecords every audited model uses."""

from django.db import models
from simple_history.models import HistoricalRecords


class AuditedHistory(HistoricalRecords):
    """simple_history, plus an index for "everything this person changed, newest first",
    which the audit trail's user filter reads a page of at a time (keyset order)."""

    def get_meta_options(self, model):
        meta = super().get_meta_options(model)
        opts = model._meta
        meta["indexes"] = (
            *meta.get("indexes", ()),
            models.Index(
                fields=["history_user", "-history_date", "-history_id"],
                name=f"h_{opts.app_label[:4]}_{opts.model_name[:16]}_user",
            ),
        )
        return meta
