"""Southern Cross Community Bank's charter version 1 and its complaints policy.

An Australian bank resolves complaints under ASIC's internal dispute resolution standards
(Regulatory Guide 271): acknowledge within 24 hours or one business day; a final response within
30 calendar days, or 21 for complaints about financial hardship or a default notice; no written
response is needed for a complaint resolved to the customer's satisfaction by the end of the
fifth business day unless the customer asks for one (a hardship complaint always gets one); and
every final response names the customer's right to go to the Australian Financial Complaints
Authority (AFCA).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from charter.core.calendar import DAYS, WeeklyHours

from .demo_seeding import seed_charter, seed_policy
from .models import PromiseEvent

WEEKDAYS = WeeklyHours.weekdays

VISION = "Every customer and community we serve is better off for banking with us."
MISSION = "\n".join(
    [
        "Treat every customer fairly and explain things in plain language.",
        "Put things right quickly when we get them wrong.",
        "Help customers in financial difficulty early and with respect.",
        "Keep our customers' money and personal information safe.",
        "Put our profits back into the communities of New South Wales.",
    ]
)
WELCOME = (
    "Welcome to Southern Cross Community Bank. This charter sets out what you can expect from "
    "us, and what to do if we fall short."
)
EXTERNAL_DISPUTE_BODY = "\n".join(
    [
        "If you are not satisfied with our final response, or we have not responded in time, "
        "you can take your complaint to the Australian Financial Complaints Authority (AFCA), "
        "a free and independent dispute resolution scheme for financial complaints.",
        "Website: www.afca.org.au",
        "Email: info@afca.org.au",
        "Telephone: 1800 931 678 (free call)",
        "Mail: Australian Financial Complaints Authority, GPO Box 3, Melbourne VIC 3001",
        "Time limits apply: generally, lodge your complaint with AFCA within two years of our "
        "final response.",
    ]
)

# event, target, unit, percent, scope, wording[, topic]
PROMISES = [
    (PromiseEvent.COMPLAINT_ACKNOWLEDGE, 1, "business_days", None, None,
     "We acknowledge your complaint within 24 hours or one business day of receiving it."),
    (PromiseEvent.COMPLAINT_QUICK_RESOLUTION, 5, "business_days", None, None,
     "A complaint resolved to your satisfaction by the end of the fifth business day needs no "
     "written response unless you ask for one."),
    (PromiseEvent.COMPLAINT_RESOLVE, 30, "calendar_days", None, None,
     "We give you our final response within 30 calendar days of receiving your complaint."),
    (PromiseEvent.COMPLAINT_RESOLVE, 21, "calendar_days", None, None,
     "A complaint about financial hardship, or a request to postpone enforcement, gets our "
     "final response within 21 calendar days.", "hardship"),
    (PromiseEvent.COMPLAINT_RESOLVE, 21, "calendar_days", None, None,
     "A complaint about a default notice gets our final response within 21 calendar days.",
     "default_notice"),
    (PromiseEvent.ENQUIRY_REPLY, 1, "business_days", None, None,
     "We reply to an email or web form enquiry within one business day."),
    (PromiseEvent.CALL_ANSWER, 60, "seconds", Decimal("80"), None,
     "We answer 80% of calls within 60 seconds."),
    (PromiseEvent.REFUND, 2, "business_days", None, None,
     "A fee or charge we agree to refund is back in your account within 2 business days."),
]  # fmt: skip

NEEDS = {
    "Personal banking": (
        [
            "Accounts, cards and online banking that simply work, and are safe from fraud.",
            "Fees and interest rates explained before they apply, and notice of changes.",
            "Early, respectful help when repayments become hard.",
            "A person to talk to, in a branch or on the phone, when something goes wrong.",
        ],
        "Plain-language statements and notices; online banking messages and email for "
        "routine matters; a telephone call for fraud alerts and hardship; letters for "
        "customers who prefer the post, in large print on request; interpreters through the "
        "Translating and Interpreting Service (131 450).",
    ),
    "Small business": (
        [
            "Payments and the payment terminal working every trading day.",
            "Quick decisions on loans and overdrafts, from someone who knows their business.",
            "One relationship manager rather than a different person each time.",
        ],
        "A named relationship manager by telephone or video; email for statements and loan "
        "documents; an annual face-to-face review; outage notices by text message and email.",
    ),
    "Community organisation": (
        [
            "Simple accounts that several volunteer office bearers can sign for.",
            "Low fees and help when office bearers change each year.",
        ],
        "Email to the treasurer; a letter for changes that need signatures; help in a branch "
        "at handover time.",
    ),
    "Branch network": (
        [
            "Current product information, rates and procedures before customers ask.",
            "Quick answers from head office on complaints they cannot settle in the branch.",
        ],
        "A daily bulletin by email; the procedures in Charter; a direct telephone line to "
        "customer service and lending.",
    ),
    "Lending operations": (
        [
            "Complete loan applications with the documents verified.",
            "Early word from the front line when a borrower is in difficulty.",
        ],
        "Applications and notes through Charter; a same-day email when a customer raises "
        "hardship or disputes a default notice.",
    ),
    "The board": (
        [
            "Complaint numbers, topics, times to respond and outcomes, against this charter.",
            "Systemic issues found in complaints, and what is being done about them.",
            "Complaints that went to AFCA and what AFCA decided.",
        ],
        "A written quarterly internal dispute resolution report with charts, presented by "
        "the customer service manager; a systemic issue reported as soon as it is found.",
    ),
}

CHANNELS = [
    # (channel, opening hours by day (none: the service hours), note on the hours, suited to)
    ("telephone",
     WeeklyHours.from_data({**dict.fromkeys(DAYS[:5], "08:00-20:00"), "saturday": "09:00-13:00"}),
     "Sydney time; lost or stolen cards at any time",
     "Urgent problems, fraud and lost cards, hardship, and complaints where talking it "
     "through helps."),
    ("face_to_face", WEEKDAYS("09:30", "16:00"), "In our branches",
     "Opening accounts, identity checks, complex matters, and customers who prefer to deal "
     "with a person they know."),
    ("email", WEEKDAYS("09:00", "17:00"), "Answered in these hours (Sydney time)",
     "Routine requests, documents, and complaints the customer wants in writing."),
    ("video", WEEKDAYS("08:30", "17:30"), "By appointment with a relationship manager",
     "Small business and community customers far from a branch: loans, reviews "
     "and signing documents."),
    ("web_form", None, "Open at any time in online banking; answered on the next business day",
     "Enquiries, feedback and complaints outside opening hours."),
    ("letter", None, "Answered within 5 business days of arrival",
     "Formal notices, customers who prefer the post, and matters that need signatures."),
    ("social", WEEKDAYS("09:00", "17:00"), "Our official accounts are read in these hours",
     "General questions in public; a complaint posted on our own accounts by someone we can "
     "identify and contact is recorded and handled as a complaint, in private."),
]  # fmt: skip

STAFF = "Handling complaints: all staff"
MANAGER = "Investigating and responding: customer service manager"
COMPLAINTS = {
    "slug": "complaints",
    "title": "Complaints (internal dispute resolution) policy and procedures",
    "fields": {
        "purpose": "Every complaint is recognised, recorded and resolved fairly, consistently "
        "and within the times ASIC's internal dispute resolution standards set, and every "
        "customer knows they may take an unresolved complaint to AFCA.",
        "scope": "Complaints from consumers and small businesses about our products, services, "
        "staff or complaint handling, made on any channel, including posts on our own social "
        "media accounts by people we can identify and contact; handled by all staff and "
        "contractors.",
        "resources": "This policy (published on our website and available in branches); "
        "Charter's complaint register and deadlines; AFCA's contact details; the Translating "
        "and Interpreting Service (131 450).",
        "responsibility": "Every employee who receives a complaint; the customer service "
        "manager owns internal dispute resolution, complex complaints and dealings with AFCA; "
        "the board receives the complaint reports and the systemic issues.",
        "legislation": "Corporations Act 2001 (Cwlth)\n"
        "National Consumer Credit Protection Act 2009 (Cwlth), including the National Credit "
        "Code\nASIC Regulatory Guide 271: Internal dispute resolution\n"
        "Privacy Act 1988 (Cwlth)\nBanking Code of Practice",
        # ASIC's internal dispute resolution standards (RG 271) took effect in October 2021.
        "authorised_on": date(2021, 10, 1),
        "authorised_by_name": "Helen Marsh, Chief Risk Officer",
    },
    "teams": [],
    "steps": [
        (STAFF, "Treat any expression of dissatisfaction with our products, services, staff or "
         "complaint handling as a complaint whenever the person expects a response, whether or "
         "not they use the word. Record it in Charter on the day it is received.", None),
        (STAFF, "Acknowledge it within 24 hours or one business day, on the channel it came in "
         "by where you can, and say who is handling it and how to reach them.", None),
        (STAFF, "Ask what outcome the customer wants. Offer help to make the complaint: an "
         "interpreter, or a representative such as a financial counsellor acting for them.",
         None),
        (STAFF, "Set the topic: hardship (a hardship notice or a request to postpone "
         "enforcement) and default notices must have a final response within 21 calendar days; "
         "all others within 30. Charter shows the due date.", None),
        (STAFF, "If the complaint is resolved to the customer's satisfaction, or we have "
         "explained or apologised where nothing more can be done, by the end of the fifth "
         "business day, close it. No written response is needed unless the customer asks, "
         "except for hardship complaints, which always get one.", None),
        (STAFF, "Refund a fee or charge within your own authority limit; for more, ask for "
         "approval in Charter.", ("limit", "cso", "refund")),
        (STAFF, "Pass to the customer service manager any complaint not resolved within five "
         "business days, any from a customer in vulnerable circumstances, and any about fraud, "
         "scams or legal action.", ("role", "csm")),
        (MANAGER, "Investigate: gather the account records, call recordings and notes, speak to "
         "the staff involved, and keep the customer told of progress.", None),
        (MANAGER, "If a final response cannot be given in time because the matter is "
         "particularly complex or for reasons beyond our control, tell the customer before the "
         "deadline, in writing: why, that they may go to AFCA now, and AFCA's contact details.",
         None),
        (MANAGER, "Send the final response in writing: the outcome, the reasons and the "
         "information they rest on, what we will do and by when; and, every time, the "
         "customer's right to take the complaint to the Australian Financial Complaints "
         "Authority (AFCA) if not satisfied, with AFCA's contact details and time limit.",
         ("limit", "csm", "refer_outside")),
        (MANAGER, "Carry out what was agreed within the charter's times, and check with the "
         "customer that it was done.", None),
        (MANAGER, "Look for systemic issues: when the cause may affect other customers, record "
         "it, report it to the board and have it fixed for everyone.", None),
        (MANAGER, "Report complaint numbers, topics, response times and outcomes to the board "
         "each quarter, and to ASIC as it requires.", None),
    ],
}  # fmt: skip


def seed_bank(ctx) -> None:
    if seed_policy(ctx, COMPLAINTS):
        ctx.say("Approved the complaints (internal dispute resolution) policy.")
    version = seed_charter(
        ctx,
        vision=VISION,
        mission=MISSION,
        welcome=WELCOME,
        external_dispute_body=EXTERNAL_DISPUTE_BODY,
        promises=PROMISES,
        needs=NEEDS,
        channels=CHANNELS,
        starts={
            PromiseEvent.REFUND: "the time the refund is agreed",
            None: "the time the complaint, enquiry or call is received",
        },
    )
    if version:
        ctx.say(f"Approved charter version 1 with {len(PROMISES)} promises; disputes go to AFCA.")
