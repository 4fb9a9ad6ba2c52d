"""The demo organisations' charters and policies.

Innovative Widgets' charter version 1: its vision, mission and promises (the three-day delivery
guarantee is the one Mary defended to Yore Mine's buyer), what each of its customer types needs,
the channels it offers, and where a customer can take a complaint we have not resolved; and its
five policies in the organisation's template: complaints, customer research, recordkeeping,
refunds and returns, and privacy. The bank's are in ``demo_bank.py``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from charter.core.calendar import WeeklyHours

from .demo_bank import seed_bank
from .demo_seeding import seed_charter, seed_policy
from .models import PromiseEvent

WEEKDAYS = WeeklyHours.weekdays

VISION = (
    "Australian businesses keep running because the widgets they rely on are safe, right and "
    "on time."
)
MISSION = "\n".join(
    [
        "Find better ways to make and test widgets.",
        "Give customers inside and outside the company consistently excellent service.",
        "Make buying Australian widgets the obvious choice through quality and service.",
        "Keep the best safety record in the industry.",
    ]
)
WELCOME = "Welcome to Innovative Widgets. These are our promises to you."

# Innovative Widgets is Victorian. Consumer Affairs Victoria helps settle disputes between
# consumers and traders; the Victorian Small Business Commission mediates disputes between
# businesses; the ACCC takes reports of conduct against the Australian Consumer Law but does not
# settle individual disputes.
EXTERNAL_DISPUTE_BODY = "\n".join(
    [
        "If you are not satisfied with our final answer, you can take the matter further:",
        "Members of the public: Consumer Affairs Victoria, which helps settle disputes between "
        "consumers and traders. www.consumer.vic.gov.au, telephone 1300 558 181.",
        "Businesses: the Victorian Small Business Commission, which offers low-cost mediation of "
        "disputes between businesses. www.vsbc.vic.gov.au.",
        "To report conduct you believe breaks the Australian Consumer Law: the Australian "
        "Competition and Consumer Commission (ACCC). www.accc.gov.au, telephone 1300 302 502.",
    ]
)

# event, target, unit, percent, scope (type name or segment name), wording
PROMISES = [
    (PromiseEvent.DELIVERY, 3, "business_days", None, None,
     "We deliver your order within 3 business days."),
    (PromiseEvent.COMPLAINT_ACKNOWLEDGE, 1, "business_days", None, None,
     "We acknowledge every complaint within 1 business day."),
    (PromiseEvent.COMPLAINT_ACKNOWLEDGE, 4, "business_hours", None, ("segment", "Key accounts"),
     "Key accounts hear from us within 4 business hours of a complaint."),
    (PromiseEvent.COMPLAINT_RESOLVE, 10, "business_days", None, None,
     "We resolve a complaint, or give our final answer, within 10 business days."),
    (PromiseEvent.COMPLAINT_RESOLVE, 5, "business_days", None,
     ("type", "Mining equipment supplier"),
     "Mining equipment suppliers get a resolution within 5 business days."),
    (PromiseEvent.CALL_ANSWER, 20, "seconds", Decimal("80"), None,
     "We answer 80% of calls within 20 seconds."),
    (PromiseEvent.FOLLOW_UP, 7, "calendar_days", None, None,
     "We check with you within 7 days that a resolution worked."),
    (PromiseEvent.REFUND, 5, "business_days", None, None,
     "An approved refund reaches you within 5 business days."),
]  # fmt: skip

# customer type: (what they need, one per line; what to tell them, and how)
NEEDS = {
    "Mining equipment supplier": (
        [
            "Widgets exactly as ordered: the size, material and tolerance on the order, with test "
            "certificates.",
            "Delivery within 3 business days, and a warning the moment a delivery may be late.",
            "A named account manager and a direct line to someone who can act.",
            "A resolution within 5 business days when something goes wrong.",
            "Stable contract prices and 30-day trade terms.",
        ],
        "Order confirmations, dispatch and tracking by email; problems by telephone or video "
        "with their account manager; a face-to-face account review each quarter with delivery "
        "and quality figures; technical data sheets with every new product.",
    ),
    "Australian business": (
        [
            "The right widget for the job, with technical advice when choosing.",
            "Reliable delivery anywhere in Australia.",
            "Easy reordering and a trade account.",
            "Clear prices, with notice before they change.",
        ],
        "A short monthly email on new products and price changes; orders and questions by web "
        "form, email or telephone; technical support plan customers get a video call with a "
        "product specialist.",
    ),
    "Member of the public": (
        [
            "Plain advice on which widget suits their own use.",
            "Safe products with clear instructions and safety information.",
            "Simple returns and refunds, and the truth about their consumer rights.",
            "A quick answer from a person when they call.",
        ],
        "Plain-language product pages and instructions on the website; telephone and web form "
        "for questions; confirmations by email, or by letter for those who prefer the post.",
    ),
    "Production": (
        [
            "Accurate orders and delivery dates that production can meet.",
            "Early warning of large orders and changes in demand.",
            "Fault and return reports, so causes are fixed at the source.",
        ],
        "A short face-to-face meeting with customer service each morning; the weekly demand "
        "forecast by email; the monthly summary of returns and faults by product.",
    ),
    "Sales": (
        [
            "Current stock levels and lead times before quoting a customer.",
            "Product specifications and prices they can rely on.",
            "Complaints and feedback from the customers they sell to.",
        ],
        "Stock, lead times and complaint patterns on Charter's pages; a weekly meeting with "
        "customer service; an email the same day a key account complains.",
    ),
    "The board": (
        [
            "Monthly figures on service against every promise of the charter.",
            "The causes of any shortfall, and options to fix it with their cost.",
            "What customers say in surveys and complaints, summarised.",
        ],
        "A written monthly report with charts, presented at the board meeting by the customer "
        "service manager; urgent matters (legal action, injury) by telephone the same day.",
    ),
}

# channel, hours, what it suits
CHANNELS = [
    # (channel, opening hours by day (none: the service hours), note on the hours, suited to)
    ("email", WEEKDAYS("08:30", "17:00"), "Answered in these hours (Melbourne time)",
     "Orders, confirmations and tracking; written complaints; anything the customer wants on "
     "record. Business customers' usual channel."),
    ("telephone", WEEKDAYS("08:00", "18:00"), "Melbourne time",
     "Urgent problems, complaints where talking it through helps, and members of the public "
     "who want a quick answer. Key accounts have a direct line to their account manager."),
    ("face_to_face", WEEKDAYS("09:00", "16:00"), "By appointment at our factory",
     "Key account reviews, product demonstrations, complex complaints, and our internal "
     "customers in production."),
    ("video", WEEKDAYS("08:30", "17:00"), "By appointment (Melbourne time)",
     "Interstate business customers: technical walk-throughs, looking at a fault on camera, "
     "and account reviews without the travel."),
    ("web_form", None, "Open at any time; answered on the next business day",
     "Enquiries, feedback and complaints outside business hours; customers who prefer to "
     "write but have no email to hand."),
    ("letter", None, "Answered within 5 business days of arrival",
     "Customers who prefer the post, formal notices, and legal matters."),
]  # fmt: skip


# --- Policies, in the organisation's template -------------------------------------------------
# Each policy: slug, title, the template's fields, the teams it binds (none: all staff), and its
# steps as (procedure, text, what it names), where what it names is ("limit", role, action),
# ("role", role) or ("form", name).

OFFICERS = "Managing complaints: customer service officers"
MANAGER = "Complex complaints: customer service manager"
# The steps as the organisation's procedure numbers them (officers 1 to 10, the manager 1 to 4
# with lettered parts), each meaning, figure and condition kept, in our own words. Step 6 is
# kept as the bare statement of authority it is: it reads two ways, and which reading is in
# force is the manager's setting (``accounts.AuthoritySettings``), shown with the step.
COMPLAINTS = {
    "slug": "complaints",
    "title": "Complaints policy and procedures",
    "fields": {
        "purpose": "Complaints are handled the same way every time: fairly, openly and as the "
        "organisation requires.",
        "scope": "Every customer complaint handled by our employees and contractors.",
        "resources": "These procedures, in Charter and on the intranet.",
        "responsibility": "Every employee and manager who handles customer complaints.",
        "legislation": "Privacy Act 1988 (Cwlth)\nEqual Opportunity Act 2010 (Vic)\n"
        "Competition and Consumer Act 2010 (Cwlth)",
        "authorised_on": date(2011, 10, 1),
        "authorised_by_name": "John Doe CFO",
    },
    "teams": [],
    "steps": [
        (OFFICERS, "Greet the customer courteously and tell them your name.", None),
        (OFFICERS, "Listen to everything the customer says. Gather all the facts of the "
         "complaint and note them down; ask questions and sum up what the customer tells you.",
         None),
        (OFFICERS, "Do not argue with the customer, at any point.", None),
        (OFFICERS, "Apologise for any fault in the product or any poor service, and be "
         "sympathetic. Ask whether the customer will let us send the faulty item to our quality "
         "department to be tested.", None),
        (OFFICERS, "Once you have every detail of the complaint, ask the customer how they "
         "would like it resolved.", None),
        (OFFICERS, "No product replacements are within all staff members' authority.",
         ("limit", "cso", "replace")),
        (OFFICERS, "Every staff member may use their professional judgement to refund an "
         "additional amount of up to 10% of the faulty product's value, at most $25.",
         ("limit", "cso", "goodwill")),
        (OFFICERS, "Our insurance covers complaints involving damage to other property: help "
         "the customer complete the Claims Form, and ask whether they can get quotes for the "
         "repairs.", ("form", "Claims Form")),
        (OFFICERS, "Every complaint involving injury must be referred to the customer service "
         "manager. Agree with the customer a suitable time for the manager to call them.",
         ("role", "csm")),
        (OFFICERS, "Any complaint these procedures do not cover must go to the customer service "
         "manager. Agree with the customer a time for the manager to call them.",
         ("role", "csm")),
        (MANAGER, "When you are told of a complex complaint, gather every detail available "
         "about the customer and about the problem to be addressed.", None),
        (MANAGER, "Before you contact the customer, decide what must be done about the "
         "problem:\na. across the system, so that similar problems do not happen again;\n"
         "b. for the customer who made the complaint.", None),
        (MANAGER, "Once the actions are decided, contact the customer as soon as you can.",
         None),
        (MANAGER, "When you contact the customer:\na. sum up the facts and the problem as you "
         "understand them, and apologise for the mistakes that are ours;\nb. explain what we "
         "will do across the system to prevent such mistakes, or make them rarer, for every "
         "customer in future;\nc. explain what we will do straight away to solve this "
         "customer's own problem;\nd. say when you will follow up to check that their problem "
         "is resolved;\ne. ask whether they need anything else to resolve the matter or to "
         "repair the relationship.", None),
    ],
}  # fmt: skip

RESEARCH_STEPS = "Planning and running customer research"
MARKET_RESEARCH = {
    "slug": "market-research",
    "title": "Collecting customer information and market research",
    "fields": {
        "purpose": "We learn what our internal and external customers need and how they rate "
        "our service from planned research, so that service decisions rest on evidence rather "
        "than on what staff assume.",
        "scope": "All research with customers: feedback forms, surveys, interviews, focus "
        "groups, and complaint and contact records used for research, whether run by our staff "
        "or by an agency for us.",
        "resources": "Charter's feedback forms and surveys, with a question bank built on the "
        "RATER model; customers' consent records; the steps below.",
        "responsibility": "The marketing coordinator plans and runs research and reports what "
        "it finds; the customer service manager approves each plan and acts on the findings; "
        "every employee passes on what customers tell them.",
        "legislation": "Privacy Act 1988 (Cwlth)\nSpam Act 2003 (Cwlth)\n"
        "Do Not Call Register Act 2006 (Cwlth)\nCompetition and Consumer Act 2010 (Cwlth)",
        "authorised_on": date(2024, 3, 1),
        "authorised_by_name": "Grace Whitfield, Customer service manager",
    },
    "teams": [],
    "steps": [
        (RESEARCH_STEPS, "Write down what the research must find out and which customer types "
         "it covers, internal and external, before choosing a method.", None),
        (RESEARCH_STEPS, "Start from what we already hold: complaints, contact records, returns "
         "and refunds, call waiting times and earlier surveys. Reuse earlier questions where "
         "possible so results can be compared over time.", None),
        (RESEARCH_STEPS, "Ask about the five RATER dimensions: reliability (we did what we "
         "promised, such as delivery in 3 business days), assurance (our staff's knowledge and "
         "the confidence it gives), tangibles (products, documents, website and premises), "
         "empathy (attention to the customer's own situation) and responsiveness (how quickly "
         "and willingly we help).", None),
        (RESEARCH_STEPS, "For each dimension ask both what the customer expects and what they "
         "received, so the gap between the two can be measured.", None),
        (RESEARCH_STEPS, "Match the method to the customer: a short online survey for members "
         "of the public, an interview by the account manager for key accounts, a meeting or "
         "focus group for internal customers.", None),
        (RESEARCH_STEPS, "Survey only customers whose consent to surveys is recorded in "
         "Charter. Say who we are, why we ask and how answers are used; answering is optional "
         "and every message offers a way to stop further contact.", None),
        (RESEARCH_STEPS, "Expect few replies: approach about three times as many customers as "
         "the answers needed (300 for 100). A small thank-you, such as a $20 credit to the "
         "account, needs the manager's approval.", ("role", "csm")),
        (RESEARCH_STEPS, "Collect only the personal information the research needs, and keep "
         "answers in Charter, never in personal spreadsheets or mailboxes.", None),
        (RESEARCH_STEPS, "Sort comments by topic, send each group to the manager responsible, "
         "and score each RATER dimension as the gap between expectation and experience.", None),
        (RESEARCH_STEPS, "Present a summary to the managers' monthly meeting; agreed changes "
         "become improvement actions with an owner, a target and a date, and the board "
         "receives the summary with its monthly report.", None),
        (RESEARCH_STEPS, "After each round, review the forms: add questions where feedback "
         "shows a new issue and drop those that tell us nothing.", None),
    ],
}  # fmt: skip

KEEPING = "Keeping records"
RECORDKEEPING = {
    "slug": "recordkeeping",
    "title": "Recordkeeping policy and procedures",
    "fields": {
        "purpose": "Records of customers, orders, complaints and staff are accurate, complete, "
        "secure and easy to find; kept for as long as the law and the business need them, and "
        "then destroyed safely.",
        "scope": "Every record our employees and contractors create or receive at work, on "
        "paper or electronic: emails, call notes, orders, complaint files and coaching notes.",
        "resources": "Charter, the system of record for customers, contacts, complaints and "
        "coaching; the retention periods below; locked bins for secure destruction of paper.",
        "responsibility": "Whoever creates a record keeps it accurate; team leaders check their "
        "team's records in the monthly audit; the systems administrator looks after access and "
        "backups; the customer service manager owns this policy.",
        "legislation": "Privacy Act 1988 (Cwlth)\nCorporations Act 2001 (Cwlth)\n"
        "Income Tax Assessment Act 1936 (Cwlth)\nFair Work Act 2009 (Cwlth)\n"
        "Health Records Act 2001 (Vic)",
        "authorised_on": date(2011, 10, 1),
        "authorised_by_name": "John Doe CFO",
    },
    "teams": [],
    "steps": [
        (KEEPING, "Record every contact in Charter on the day it happens: who, when, on which "
         "channel, what was asked or promised, and what happens next.", None),
        (KEEPING, "Write facts, not opinions, and leave out anything we do not need: never note "
         "card numbers or passwords.", None),
        (KEEPING, "Attach documents (orders, photos of faults, quotes, claim forms) to the "
         "customer's or the case's record, not to personal folders or mailboxes.", None),
        (KEEPING, "Correct a record by editing it in Charter, which keeps the old value and who "
         "changed it. Never delete a record to hide a mistake.", None),
        (KEEPING, "Record each coaching or performance conversation: the date, who took part, "
         "what was discussed, the actions agreed and the follow-up date. The employee sees the "
         "record, and only they and their managers may open it.", None),
        (KEEPING, "Open only the records your work needs; lock your screen when you leave it "
         "and never share a password.", None),
        (KEEPING, "Paper with personal or confidential details goes in the locked bins for "
         "shredding, once anything needed is scanned to the record.", None),
        (KEEPING, "Keep financial records for 7 years, tax records for 5 years, employee "
         "records for 7 years after the record is made, and complaint files for 7 years after "
         "the complaint is closed.", None),
        (KEEPING, "When its period ends, a record is destroyed or de-identified. The "
         "administrator runs the retention check each quarter; a record under legal hold is "
         "kept until the hold ends.", None),
        (KEEPING, "Report a lost or wrongly disclosed record to the customer service manager "
         "at once: it may be a data breach that must be notified (see the privacy policy).",
         ("role", "csm")),
    ],
}  # fmt: skip

RETURNS = "Returns and refunds: customer service and returns officers"
REFUNDS = {
    "slug": "refunds-and-returns",
    "title": "Refunds and returns policy and procedures",
    "fields": {
        "purpose": "Customers who bring goods back are treated fairly and the same way every "
        "time; refunds are authorised at the right level and recorded; and nothing we do or "
        "say takes away a customer's rights under the Australian Consumer Law.",
        "scope": "Returns, exchanges, repairs, replacements and refunds of the products we "
        "sell, handled by the customer service team and the returns and warranty team.",
        "resources": "Charter's returns and refunds records; the returns form; the authority "
        "limits of each role; the steps below.",
        "responsibility": "Customer service officers receive returns and refund within their "
        "authority; returns and warranty officers assess returned goods and arrange repairs, "
        "replacements and warranty claims; supervisors and the customer service manager "
        "approve what is above an officer's limit.",
        "legislation": "Competition and Consumer Act 2010 (Cwlth), Schedule 2: the Australian "
        "Consumer Law\nAustralian Consumer Law and Fair Trading Act 2012 (Vic)\n"
        "Privacy Act 1988 (Cwlth)",
        "authorised_on": date(2011, 10, 1),
        "authorised_by_name": "John Doe CFO",
    },
    "teams": ["Customer service", "Returns and warranty"],
    "steps": [
        (RETURNS, "Ask for proof of purchase: a receipt, invoice, order number or bank "
         "statement. Find the order in Charter.", None),
        (RETURNS, "Establish why the goods are back: a fault, not as described or not fit for "
         "the purpose we were told of (the consumer guarantees), or a change of mind.", None),
        (RETURNS, "Change of mind is our own policy, not the law: we take goods back within two "
         "months of purchase with proof of purchase. Goods that have obviously been used are "
         "not refunded or exchanged for a change of mind.", None),
        (RETURNS, "Never tell a customer there are no refunds, or that the two months or "
         "missing packaging take away their rights: the consumer guarantees apply whatever "
         "this policy says.", None),
        (RETURNS, "A major failure (unsafe; significantly different from its description or "
         "sample; unfit for its purpose and not easily fixed; or one the customer would not "
         "have bought knowing of it): the customer chooses a refund or a replacement.", None),
        (RETURNS, "A minor failure: we choose to repair, replace or refund, and must do it "
         "within a reasonable time. If we do not, the customer may reject the goods or have "
         "them fixed elsewhere at our cost.", None),
        (RETURNS, "When this policy says a refund is due, refund what was paid for the faulty "
         "product: that is within your own authority. Anything on top of it is goodwill "
         "(complaints procedure step 7); above your goodwill limit, ask for approval in "
         "Charter, which sends the request to the most junior role whose limit covers it.",
         ("limit", "cso", "refund")),
        (RETURNS, "Returns and warranty officers assess the returned goods, record the fault "
         "and the outcome on the return, and refund up to their own limit.",
         ("limit", "returns_officer", "refund")),
        (RETURNS, "Refund to the original payment: reverse the card payment, or pay account "
         "customers by bank transfer. Record the amount, the reason and who approved it.",
         ("form", "Returns form")),
        (RETURNS, "Refer to the customer service manager any disagreement over whether a "
         "failure is major, any claim for further loss, and anything involving injury or "
         "damage to property.", ("role", "csm")),
    ],
}  # fmt: skip

HANDLING = "Personal information: all staff"
REQUESTS = "Privacy requests and data breaches: customer service manager"
PRIVACY = {
    "slug": "privacy",
    "title": "Privacy policy and procedures",
    "fields": {
        "purpose": "Personal information is collected, used, kept and disclosed only as the "
        "Privacy Act 1988 and the Australian Privacy Principles allow, and people can see it, "
        "have it corrected and, when we no longer need it, have it erased.",
        "scope": "All personal information we hold, in any form: customers who are "
        "individuals, the contacts at business customers, and people who answer our surveys.",
        "resources": "Our public privacy statement; Charter's consent records, access request "
        "download and erasure; the data breach response steps below.",
        "responsibility": "Every employee and contractor who handles personal information; the "
        "customer service manager is privacy officer for customer information; the systems "
        "administrator keeps our systems secure.",
        "legislation": "Privacy Act 1988 (Cwlth), including the Australian Privacy Principles "
        "and the notifiable data breaches scheme\nSpam Act 2003 (Cwlth)\n"
        "Health Records Act 2001 (Vic)",
        "authorised_on": date(2018, 2, 1),
        "authorised_by_name": "John Doe CFO",
    },
    "teams": [],
    "steps": [
        (HANDLING, "Collect only what we need to supply, deliver, support and bill; do not ask "
         "for a date of birth or identification unless a procedure requires it.", None),
        (HANDLING, "When collecting, tell the person who we are, why we need it, who we may "
         "pass it to (such as the courier), and that our privacy statement explains access and "
         "complaints.", None),
        (HANDLING, "Use it only for the purpose it was collected for, or a related one the "
         "person would expect. Send marketing only with consent recorded in Charter, and "
         "always with a way to opt out.", None),
        (HANDLING, "Before discussing an account, check that you are speaking to the customer "
         "or a contact they have authorised.", None),
        (HANDLING, "Keep it accurate: update details in Charter when you are told of a "
         "change.", None),
        (HANDLING, "Keep it secure: in Charter only, not in personal email, on USB drives or "
         "on paper left on a desk.", None),
        (HANDLING, "Pass any request to see, correct or erase information to the customer "
         "service manager on the day it arrives.", ("role", "csm")),
        (HANDLING, "Report a suspected breach (an email to the wrong customer, a lost laptop) "
         "to the customer service manager straight away.", ("role", "csm")),
        (REQUESTS, "Confirm the person's identity before giving out or changing anything.",
         None),
        (REQUESTS, "Access: give the person a copy of what we hold about them within 30 days "
         "(Charter's access request download). Refuse only on a ground the Principles allow, "
         "in writing, with the reasons and how to complain.", None),
        (REQUESTS, "Correction: correct anything inaccurate, out of date, incomplete, "
         "irrelevant or misleading. If we do not agree, say why in writing and, if asked, keep "
         "the person's statement with the record.", None),
        (REQUESTS, "Erasure: when information is no longer needed for any allowed purpose and "
         "no law requires us to keep it, destroy or de-identify it. Charter's erasure keeps "
         "orders and invoices we must keep, without the person's identity.", None),
        (REQUESTS, "Data breach: contain it first, then assess within 30 days whether serious "
         "harm is likely. If it is, notify the Office of the Australian Information "
         "Commissioner and the people affected as soon as practicable.", None),
        (REQUESTS, "Answer privacy complaints within 30 days; a person still not satisfied may "
         "complain to the Office of the Australian Information Commissioner (www.oaic.gov.au, "
         "1300 363 992).", None),
    ],
}  # fmt: skip

POLICIES = [COMPLAINTS, MARKET_RESEARCH, RECORDKEEPING, REFUNDS, PRIVACY]


def seed(ctx) -> None:
    if ctx.organisation == "bank":
        seed_bank(ctx)
        return
    for spec in POLICIES:
        if seed_policy(ctx, spec):
            ctx.say(f"Approved the policy: {spec['title']}.")
    version = seed_charter(
        ctx,
        vision=VISION,
        mission=MISSION,
        welcome=WELCOME,
        external_dispute_body=EXTERNAL_DISPUTE_BODY,
        promises=PROMISES,
        needs=NEEDS,
        channels=CHANNELS,
    )
    if version:
        ctx.say(
            f"Approved charter version 1 with {len(PROMISES)} promises, the needs of "
            f"{len(NEEDS)} customer types and {len(CHANNELS)} channels."
        )
