"""Signals other apps listen to. A higher app (orders, cases) completes the approved action."""

from django.dispatch import Signal

# Sent after an approval request is approved or rejected, on commit of the decision.
# kwargs: approval (ApprovalRequest)
approval_decided = Signal()
