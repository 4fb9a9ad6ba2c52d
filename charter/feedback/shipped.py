"""The questionnaires Charter ships, in its own words.

RATER / SERVQUAL asks 22 items, each twice on a 7-point scale: what an excellent supplier would
do (expectation) and what we do (perception). The gap (perception minus expectation) is the
service quality on that item; the five dimensions are Reliability, Assurance, Tangibles,
Empathy and Responsiveness. A last question asks the customer to share 100 points among the
five, which weights them.
"""

from __future__ import annotations

AGREE = ("Strongly disagree", "Strongly agree")

# (key, dimension, what an excellent supplier does, what we do)
RATER_ITEMS = (
    # Tangibles: what the customer sees and holds.
    (
        "t1",
        "tangibles",
        "An excellent supplier has modern, well-kept equipment and vehicles.",
        "Our equipment and delivery vehicles are modern and well kept.",
    ),
    (
        "t2",
        "tangibles",
        "An excellent supplier's premises and website are clear and pleasant to use.",
        "Our premises and website are clear and pleasant to use.",
    ),
    (
        "t3",
        "tangibles",
        "An excellent supplier's staff are neat and easy to recognise.",
        "Our staff are neat and easy to recognise.",
    ),
    (
        "t4",
        "tangibles",
        "An excellent supplier's invoices, labels and documents are easy to follow.",
        "Our invoices, labels and documents are easy to follow.",
    ),
    # Reliability: doing what was promised, right the first time.
    (
        "r1",
        "reliability",
        "When an excellent supplier promises a delivery date, it keeps it.",
        "When we promise a delivery date, we keep it.",
    ),
    (
        "r2",
        "reliability",
        "An excellent supplier delivers exactly what was ordered.",
        "We deliver exactly what you ordered.",
    ),
    (
        "r3",
        "reliability",
        "An excellent supplier shows real interest in solving a customer's problem.",
        "We show real interest in solving your problems.",
    ),
    (
        "r4",
        "reliability",
        "An excellent supplier gets the service right the first time.",
        "We get the service right the first time.",
    ),
    (
        "r5",
        "reliability",
        "An excellent supplier keeps accurate records of orders and accounts.",
        "We keep accurate records of your orders and account.",
    ),
    # Responsiveness: willing and quick.
    (
        "s1",
        "responsiveness",
        "An excellent supplier tells customers exactly when things will happen.",
        "We tell you exactly when things will happen.",
    ),
    (
        "s2",
        "responsiveness",
        "An excellent supplier's staff answer customers promptly.",
        "Our staff answer you promptly.",
    ),
    (
        "s3",
        "responsiveness",
        "An excellent supplier's staff are always willing to help.",
        "Our staff are always willing to help you.",
    ),
    (
        "s4",
        "responsiveness",
        "An excellent supplier's staff are never too busy to respond to a request.",
        "Our staff are never too busy to respond to your requests.",
    ),
    # Assurance: knowledge, courtesy and trust.
    (
        "a1",
        "assurance",
        "An excellent supplier's staff inspire confidence.",
        "Our staff inspire confidence.",
    ),
    (
        "a2",
        "assurance",
        "Customers of an excellent supplier feel safe in their dealings with it.",
        "You feel safe in your dealings with us.",
    ),
    (
        "a3",
        "assurance",
        "An excellent supplier's staff are consistently courteous.",
        "Our staff are consistently courteous with you.",
    ),
    (
        "a4",
        "assurance",
        "An excellent supplier's staff know enough to answer customers' questions.",
        "Our staff know enough to answer your questions.",
    ),
    # Empathy: care and individual attention.
    (
        "e1",
        "empathy",
        "An excellent supplier gives each customer individual attention.",
        "We give you individual attention.",
    ),
    (
        "e2",
        "empathy",
        "An excellent supplier is open at hours that suit its customers.",
        "We are open at hours that suit you.",
    ),
    (
        "e3",
        "empathy",
        "An excellent supplier has staff who know each customer's needs.",
        "Our staff know your needs.",
    ),
    (
        "e4",
        "empathy",
        "An excellent supplier has its customers' best interests at heart.",
        "We have your best interests at heart.",
    ),
    (
        "e5",
        "empathy",
        "An excellent supplier's staff listen before they answer.",
        "Our staff listen to you before they answer.",
    ),
)

DIMENSION_HELP = {
    "reliability": "Doing what we promised, dependably and accurately.",
    "assurance": "Staff who know their work, are courteous and can be trusted.",
    "tangibles": "Premises, equipment, vehicles, documents and the website.",
    "empathy": "Caring, individual attention to each customer.",
    "responsiveness": "Being willing to help and prompt to do it.",
}


def _scale(key, kind, text, role, low="", high="", required=True, **extra):
    return {
        "key": key,
        "kind": kind,
        "text": text,
        "role": role,
        "low_label": low,
        "high_label": high,
        "required": required,
        **extra,
    }


def _comment(key="comment", text="Is there anything you would like to tell us?"):
    return _scale(key, "text", text, "comment", required=False)


SERVQUAL = {
    "code": "rater-servqual",
    "kind": "servqual",
    "title": "How well do we serve you? (RATER)",
    "intro": (
        "Twenty-two short statements, each answered twice: first for an excellent supplier of "
        "your choosing, then for us. 1 means you strongly disagree, 7 that you strongly agree. "
        "It takes about ten minutes."
    ),
    "thanks": "Thank you. Your answers show us where we fall short of what you expect.",
    "sections": [
        {
            "title": title,
            "intro": DIMENSION_HELP[dimension],
            "questions": [
                _scale(
                    key,
                    "servqual",
                    perception,
                    "servqual",
                    *AGREE,
                    dimension=dimension,
                    expectation_text=expectation,
                )
                for key, item_dimension, expectation, perception in RATER_ITEMS
                if item_dimension == dimension
            ],
        }
        for title, dimension in (
            ("What you see", "tangibles"),
            ("Doing what we promise", "reliability"),
            ("Prompt help", "responsiveness"),
            ("Confidence in our staff", "assurance"),
            ("Attention to you", "empathy"),
        )
    ]
    + [
        {
            "title": "What matters most to you",
            "intro": (
                "Share 100 points among the five to show how much each matters to you: the "
                "more it matters, the more points."
            ),
            "questions": [
                _scale(
                    "weights",
                    "points",
                    "How important is each of these to you? (100 points in all)",
                    "weights",
                )
            ],
        },
        {"title": "In your own words", "intro": "", "questions": [_comment()]},
    ],
}

CSAT = {
    "code": "case-csat",
    "kind": "csat",
    "title": "How did we handle your case?",
    "intro": "Two questions about the case we have just closed for you.",
    "thanks": "Thank you for telling us.",
    "sections": [
        {
            "title": "Your case",
            "intro": "",
            "questions": [
                _scale(
                    "satisfaction",
                    "likert5",
                    "Overall, how satisfied are you with how we handled your case?",
                    "csat",
                    "Very dissatisfied",
                    "Very satisfied",
                ),
                _comment("why", "What made the biggest difference, good or bad?"),
            ],
        }
    ],
}

NPS = {
    "code": "nps",
    "kind": "nps",
    "title": "Would you recommend us?",
    "intro": "One question, and a box for your reason if you would like to give it.",
    "thanks": "Thank you.",
    "sections": [
        {
            "title": "Recommending us",
            "intro": "",
            "questions": [
                _scale(
                    "recommend",
                    "nps",
                    "How likely are you to recommend us to a colleague or friend?",
                    "nps",
                    "Not at all likely",
                    "Extremely likely",
                ),
                _comment("reason", "What is the main reason for your score?"),
            ],
        }
    ],
}

CES = {
    "code": "ces",
    "kind": "ces",
    "title": "How easy was it?",
    "intro": "About the help you had from us this time.",
    "thanks": "Thank you.",
    "sections": [
        {
            "title": "Effort",
            "intro": "",
            "questions": [
                _scale(
                    "effort",
                    "likert7",
                    "We made it easy for me to get what I needed.",
                    "ces",
                    *AGREE,
                ),
                _comment("harder", "What could have made it easier?"),
            ],
        }
    ],
}

KPI = {
    "code": "service-kpis",
    "kind": "kpi",
    "title": "Our customer service team's promises",
    "intro": (
        "Our charter promises answers, deliveries and resolutions by set times. Tell us how "
        "we kept those promises over the last few months."
    ),
    "thanks": "Thank you: your answers are set beside our own figures for each promise.",
    "sections": [
        {
            "title": "Reaching us",
            "intro": "",
            "questions": [
                _scale(
                    "answered",
                    "likert5",
                    "When you called, we answered without a long wait on hold.",
                    "",
                    "Strongly disagree",
                    "Strongly agree",
                ),
                _scale(
                    "first_contact",
                    "single",
                    "The last time you contacted us, was it sorted out in that one contact?",
                    "",
                    choices=["Yes", "No, it took more contacts", "It is not sorted out yet"],
                ),
                _scale(
                    "channels",
                    "multiple",
                    "How do you prefer to reach us?",
                    "",
                    required=False,
                    choices=["Telephone", "Email", "Web form", "Face to face", "Video call"],
                ),
            ],
        },
        {
            "title": "Keeping promises",
            "intro": "",
            "questions": [
                _scale(
                    "on_time",
                    "likert5",
                    "Orders arrived on the day we promised.",
                    "",
                    "Strongly disagree",
                    "Strongly agree",
                ),
                _scale(
                    "right_goods",
                    "likert5",
                    "Orders arrived complete and as ordered.",
                    "",
                    "Strongly disagree",
                    "Strongly agree",
                ),
                _scale(
                    "complaint_time",
                    "likert5",
                    "A complaint was resolved within the time we promised.",
                    "",
                    "Strongly disagree",
                    "Strongly agree",
                    required=False,
                ),
                _comment("improve", "Which promise should we keep better, and how?"),
            ],
        },
    ],
}

QUESTIONNAIRES = (SERVQUAL, CSAT, NPS, CES, KPI)

TOPICS = (
    ("delivery", "Delivery", "Late, early, missing or wrong deliveries."),
    ("product_quality", "Product quality", "Faults, sizes, finish and fitness for use."),
    ("staff_manner", "Staff manner", "How our people treated the customer."),
    ("information", "Information", "What we told the customer, or did not."),
    ("pricing_billing", "Pricing and billing", "Prices, invoices, credits and refunds."),
    ("website_systems", "Website and systems", "The website, order tracking and our systems."),
    ("waiting_time", "Waiting time", "Time on hold, in queues or for an answer."),
    ("other", "Other", "Anything else."),
)
