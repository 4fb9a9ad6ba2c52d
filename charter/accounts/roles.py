"""The roles as data: what each may see and do (Django permissions), and its seniority.

Code checks permissions, never role names; this table is the one place that maps roles onto
permissions. ``roles_sync`` applies it after every migrate.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import RoleCode


@dataclass(frozen=True)
class RoleSpec:
    code: str
    rank: int
    description: str
    permissions: tuple[str, ...]
    staff_site: bool = False  # may open the configuration (Django admin)


_EVERYONE = (
    "standards.view_charterversion",
    "standards.view_servicepromise",
    "standards.view_policy",
    "standards.view_policyversion",
    "standards.view_procedurestep",
    "accounts.view_team",
    "accounts.view_user",
    "accounts.view_authoritylimit",
    "accounts.view_approvalrequest",
    "accounts.add_approvalrequest",
    "catalog.view_product",
    "catalog.view_productprice",
)

# Staff leave and who stands in: kept by the administrator and the customer service manager.
_LEAVE = (
    "accounts.view_staffabsence",
    "accounts.add_staffabsence",
    "accounts.change_staffabsence",
    "accounts.delete_staffabsence",
)

# Orders, returns and warranty: whoever serves customers takes orders and receives returns.
_ORDERS_READ = (
    "orders.view_order",
    "orders.view_return",
    "orders.view_warranty",
    "orders.view_warrantyclaim",
)
_ORDERS = (
    *_ORDERS_READ,
    "orders.add_order",
    "orders.change_order",
    "orders.add_return",
    "orders.change_return",
    "orders.add_warranty",
    "orders.add_warrantyclaim",
)

# Cases: whoever serves customers logs contacts and works complaints by the procedure.
_CASES_READ = (
    "cases.view_case",
    "cases.view_contact",
    "cases.view_caseevent",
    "cases.view_resolution",
    "cases.view_email",
    "cases.view_category",
    "cases.view_replytemplate",
)
_CASES = (
    *_CASES_READ,
    "cases.add_case",
    "cases.change_case",
    "cases.add_contact",
    "cases.escalate_case",
    "cases.add_resolution",
)

# Customers. Reading customer records (personal data) is for those who serve customers.
_SEGMENTS_READ = (
    "customers.view_customertype",
    "customers.view_offering",
    "customers.view_segment",
    "customers.view_segmentfeedback",
)
_SERVE_CUSTOMERS = (
    *_SEGMENTS_READ,
    "customers.view_customer",
    "customers.add_customer",
    "customers.change_customer",
    "customers.add_segmentnotice",
    "customers.add_segmentfeedback",
    *_ORDERS,
    *_CASES,
)
_MANAGE_ACCOUNTS = (
    *_SERVE_CUSTOMERS,
    "customers.add_segment",
    "customers.change_segment",
    "customers.evaluate_segment",
    "customers.add_offering",
    "customers.change_offering",
    "customers.export_customer",
    "customers.import_customer",
    "customers.view_customerimport",
    "customers.manage_accounts",
)

# Feedback: officers enter what customers say by phone, letter or in person; managers read
# what is routed to them; the analyst and the manager run surveys and sort comments.
_FEEDBACK_GIVE = ("feedback.add_comment", "feedback.view_topic", "feedback.view_questionnaire")
_FEEDBACK_READ = (
    "feedback.view_comment",
    "feedback.view_topic",
    "feedback.view_questionnaire",
    "feedback.view_survey",
    "feedback.view_response",
)
_FEEDBACK_RUN = (
    *_FEEDBACK_READ,
    "feedback.add_comment",
    "feedback.change_comment",
    "feedback.sort_comment",
    "feedback.add_questionnaire",
    "feedback.change_questionnaire",
    "feedback.add_survey",
    "feedback.change_survey",
    "feedback.send_survey",
)

ROLE_SPECS: tuple[RoleSpec, ...] = (
    RoleSpec(
        RoleCode.CUSTOMER_SERVICE_OFFICER,
        10,
        "Logs every contact, handles complaints by the procedure, looks up orders, returns and "
        "warranty, and refunds within their authority.",
        (*_EVERYONE, *_SERVE_CUSTOMERS, *_FEEDBACK_GIVE),
    ),
    RoleSpec(
        RoleCode.RETURNS_WARRANTY_OFFICER,
        15,
        "Processes returns, replacements and warranty claims.",
        (
            *_EVERYONE,
            *_SEGMENTS_READ,
            "customers.view_customer",
            *_ORDERS,
            "orders.change_warrantyclaim",
        ),
    ),
    RoleSpec(
        RoleCode.ANALYST,
        15,
        "Runs surveys, sorts qualitative feedback and presents monthly summaries.",
        (*_EVERYONE, *_SEGMENTS_READ, *_FEEDBACK_RUN),
    ),
    RoleSpec(
        RoleCode.ACCOUNT_MANAGER,
        20,
        "Owns a group of customers (or one large one), their segment, products and loyalty.",
        (*_EVERYONE, *_MANAGE_ACCOUNTS, *_FEEDBACK_GIVE),
    ),
    RoleSpec(
        RoleCode.SUPERVISOR,
        30,
        "Watches the queue and deadlines, approves what is above an officer's authority, "
        "coaches staff.",
        (
            *_EVERYONE,
            *_SERVE_CUSTOMERS,
            "accounts.decide_approvalrequest",
            "customers.export_customer",
            "customers.assign_account_manager",
            "standards.view_acknowledgement",
            *_FEEDBACK_GIVE,
            "feedback.sort_comment",
        ),
    ),
    RoleSpec(
        RoleCode.CUSTOMER_SERVICE_MANAGER,
        40,
        "Owns complex complaints, injury and legal matters, KPIs, audits, the charter and its "
        "policies; reports to the board.",
        (
            *_EVERYONE,
            *_MANAGE_ACCOUNTS,
            "accounts.decide_approvalrequest",
            *_LEAVE,
            "accounts.change_authoritysettings",
            "core.view_auditentry",
            # The service hours and closure days the charter's deadlines count.
            "core.view_organisation",
            "core.change_organisation",
            "core.view_closure",
            "core.add_closure",
            "core.delete_closure",
            "customers.assign_account_manager",
            "customers.erase_customer",
            "customers.add_customertype",
            "customers.change_customertype",
            "standards.add_charterversion",
            "standards.change_charterversion",
            "standards.approve_charterversion",
            "standards.add_servicepromise",
            "standards.change_servicepromise",
            "standards.delete_servicepromise",
            "standards.view_acknowledgement",
            "standards.add_policy",
            "standards.change_policy",
            "standards.approve_policy",
            "standards.add_policyversion",
            "standards.change_policyversion",
            "standards.add_procedurestep",
            "standards.change_procedurestep",
            "catalog.add_product",
            "catalog.change_product",
            "catalog.add_productprice",
            "orders.change_warrantyclaim",
            "orders.view_returnspolicy",
            "orders.change_returnspolicy",
            "cases.manage_complex_case",
            "cases.add_category",
            "cases.change_category",
            "cases.view_casesettings",
            "cases.change_casesettings",
            "cases.add_replytemplate",
            "cases.change_replytemplate",
            "cases.approve_replytemplate",
            *_FEEDBACK_RUN,
            "feedback.add_topic",
            "feedback.change_topic",
            "feedback.route_topic",
        ),
    ),
    RoleSpec(
        RoleCode.AUDITOR,
        50,
        "Reads records and the audit trail; changes nothing.",
        (
            "accounts.view_team",
            "accounts.view_user",
            "accounts.view_authoritylimit",
            "accounts.view_approvalrequest",
            "accounts.view_role",
            "accounts.view_staffabsence",
            "core.view_auditentry",
            "core.view_organisation",
            "core.view_closure",
            "standards.view_charterversion",
            "standards.view_servicepromise",
            "standards.view_policy",
            "standards.view_policyversion",
            "standards.view_procedurestep",
            "standards.view_acknowledgement",
            "catalog.view_product",
            "catalog.view_productprice",
            *_ORDERS_READ,
            *_CASES_READ,
            *_SEGMENTS_READ,
            "customers.view_customer",
            "customers.view_customerimport",
            *_FEEDBACK_READ,
        ),
    ),
    RoleSpec(
        RoleCode.ADMINISTRATOR,
        60,
        "Configures Charter: staff, teams, roles and authority limits.",
        (
            *_EVERYONE,
            "accounts.add_user",
            "accounts.change_user",
            "accounts.add_team",
            "accounts.change_team",
            "accounts.view_role",
            "accounts.change_role",
            "accounts.change_authoritylimit",
            "accounts.add_authoritylimit",
            "accounts.change_authoritysettings",
            *_LEAVE,
            "core.view_auditentry",
            "core.view_organisation",
            "core.change_organisation",
            "core.view_closure",
            "core.add_closure",
            "core.delete_closure",
            "auth.view_group",
            "customers.view_customertype",
            "customers.add_customertype",
            "customers.change_customertype",
            "customers.view_offering",
            "customers.add_offering",
            "customers.change_offering",
            "catalog.add_product",
            "catalog.change_product",
            "catalog.add_productprice",
            "cases.view_category",
            "cases.add_category",
            "cases.change_category",
            "cases.view_casesettings",
            "cases.change_casesettings",
            "cases.view_replytemplate",
            "cases.add_replytemplate",
            "cases.change_replytemplate",
            "feedback.view_topic",
            "feedback.add_topic",
            "feedback.change_topic",
            "feedback.route_topic",
            "feedback.view_questionnaire",
            "feedback.add_questionnaire",
            "feedback.change_questionnaire",
        ),
        staff_site=True,
    ),
)

SPECS_BY_CODE = {spec.code: spec for spec in ROLE_SPECS}
