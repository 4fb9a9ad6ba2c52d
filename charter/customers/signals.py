"""Signals higher apps listen to."""

from django.dispatch import Signal

# Sent inside the erasure's transaction, after the customer is de-identified. Receivers remove
# the person's details from their own retained records (complaint texts, order addresses) and
# may return a dict {"kind of record": how many were kept} for the erasure record.
# kwargs: customer (Customer)
customer_erased = Signal()
