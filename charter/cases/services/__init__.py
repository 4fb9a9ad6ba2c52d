"""Every write about contacts and cases.

A case changes step only through ``case_step``, which checks the procedure (``rules``), writes
the case's story and sets the step's time. Opening a complaint applies the procedure's routing
rules and takes its due times from the charter's promises. Money and goods given to put a
complaint right go through the authority limits (``accounts.services.authority_require``);
above the actor's limit they wait, and ``approval_decided`` completes them.

A package by topic; callers use ``charter.cases.services.<name>`` as before, re-exported here.
"""

from .common import MANAGE_COMPLEX, case_settings
from .contacts import contact_log
from .deadlines import deadlines_check
from .erasure import REMOVED, on_customer_erased
from .mail import email_receive, emails_receive
from .opening import case_link, case_open, case_update_facts, is_significant
from .procedure import (
    case_assign,
    case_callback,
    case_escalate,
    case_insurance_claim,
    case_note,
    case_pause,
    case_plan,
    case_resume,
    case_step,
    facts_for,
    hands_for,
)
from .replies import (
    calendar_name,
    email_send,
    reply_draft,
    reply_template,
    reply_templates_approve,
)
from .resolutions import (
    MAX_AMOUNT,
    MONEY_KINDS,
    RESOLUTION_ACTIONS,
    on_approval_decided,
    resolution_add,
)

__all__ = [
    "MANAGE_COMPLEX",
    "MAX_AMOUNT",
    "MONEY_KINDS",
    "REMOVED",
    "RESOLUTION_ACTIONS",
    "calendar_name",
    "case_assign",
    "case_callback",
    "case_escalate",
    "case_insurance_claim",
    "case_link",
    "case_note",
    "case_open",
    "case_pause",
    "case_plan",
    "case_resume",
    "case_settings",
    "case_step",
    "case_update_facts",
    "contact_log",
    "deadlines_check",
    "email_receive",
    "email_send",
    "emails_receive",
    "facts_for",
    "hands_for",
    "is_significant",
    "on_approval_decided",
    "on_customer_erased",
    "reply_draft",
    "reply_template",
    "reply_templates_approve",
    "resolution_add",
]
