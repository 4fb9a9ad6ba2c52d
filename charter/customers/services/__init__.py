"""Every write about customers, their consents, account managers, products and segments.

Plain functions with keyword arguments, one transaction each. The actor's permission is checked
here, not only in the page that calls it. One module per topic; callers use the names
re-exported here. Background work is queued by its task's dotted path, so nothing here imports
``charter.customers.tasks``.
"""

from .account_managers import account_manager_assign
from .contacts import address_remove, address_save, consent_record, contact_remove, contact_save
from .holdings import holding_add, holding_end, holding_restore
from .privacy import ERASED_NAME, customer_erase, customer_viewed, customers_listed
from .records import (
    EDITABLE_FIELDS,
    clean_customer_fields,
    customer_create,
    customer_update,
    next_reference,
    refresh_search_terms,
)
from .segments import (
    segment_call_done,
    segment_evaluate,
    segment_feedback_record,
    segment_inform,
    segment_notice_made,
    segment_notice_record,
    segment_save,
    segments_evaluate_all,
)
from .types import customer_type_save

__all__ = [
    "EDITABLE_FIELDS",
    "ERASED_NAME",
    "account_manager_assign",
    "address_remove",
    "address_save",
    "clean_customer_fields",
    "consent_record",
    "contact_remove",
    "contact_save",
    "customer_create",
    "customer_erase",
    "customer_type_save",
    "customer_update",
    "customer_viewed",
    "customers_listed",
    "holding_add",
    "holding_end",
    "holding_restore",
    "next_reference",
    "refresh_search_terms",
    "segment_call_done",
    "segment_evaluate",
    "segment_feedback_record",
    "segment_inform",
    "segment_notice_made",
    "segment_notice_record",
    "segment_save",
    "segments_evaluate_all",
]
