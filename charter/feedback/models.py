"""Feedback and surveys: what customers tell us, asked or not.

- A **questionnaire** (sections of questions) is what a survey asks; the project ships RATER /
  SERVQUAL, CSAT, NPS, CES and a KPI questionnaire. Each has numbered versions; a published
  version is never edited (a change is a new version), so answers always mean what was asked.
- A **survey** is a campaign: a questionnaire sent to a population, with the responses wanted,
  invitations (each a private single-use token), reminders, dates and an incentive.
- A **response** holds one person's **answers**. Answers carry their question's kind and RATER
  dimension so that scores are sums over one table.
- A **comment** is any piece of qualitative feedback (the always-open feedback form, a survey's
  free text, a complaint): sorted into a topic, a RATER dimension and a sentiment, each with a
  confidence, and routed to the manager responsible for its topic.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from charter.customers.models import Channel, Customer


class Dimension(models.TextChoices):
    RELIABILITY = "reliability", "Reliability"
    ASSURANCE = "assurance", "Assurance"
    TANGIBLES = "tangibles", "Tangibles"
    EMPATHY = "empathy", "Empathy"
    RESPONSIVENESS = "responsiveness", "Responsiveness"


class Sentiment(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEUTRAL = "neutral", "Neutral"
    NEGATIVE = "negative", "Negative"


# --- Questionnaires -----------------------------------------------------------------------------
class QuestionnaireKind(models.TextChoices):
    SERVQUAL = "servqual", "RATER / SERVQUAL"
    CSAT = "csat", "Customer satisfaction (CSAT)"
    NPS = "nps", "Net Promoter Score (NPS)"
    CES = "ces", "Customer effort (CES)"
    KPI = "kpi", "Customer service KPIs"
    CUSTOM = "custom", "Other"


class Questionnaire(models.Model):
    """A questionnaire as a family of versions (``code`` is shared by all of them)."""

    code = models.SlugField(max_length=60)
    version = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(max_length=12, choices=QuestionnaireKind.choices)
    title = models.CharField(max_length=200)
    intro = models.TextField(blank=True, help_text="Shown above the questions.")
    thanks = models.TextField(blank=True, help_text="Shown once the answers are in.")
    shipped = models.BooleanField(default=False, help_text="One of Charter's own templates.")
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    change_note = models.TextField(blank=True, help_text="What changed from the last version.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="one_questionnaire_version")
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Section(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="sections"
    )
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    intro = models.TextField(blank=True)

    class Meta:
        ordering = ["questionnaire", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    LIKERT5 = "likert5", "Scale of 1 to 5"
    LIKERT7 = "likert7", "Scale of 1 to 7"
    NPS = "nps", "Likelihood to recommend, 0 to 10"
    SINGLE = "single", "One choice"
    MULTIPLE = "multiple", "Several choices"
    TEXT = "text", "Free text"
    # A RATER item asked twice on a 7-point scale: what an excellent company would do
    # (expectation) and what we do (perception).
    EXPECTATION_PERCEPTION = "servqual", "Expectation and perception, 1 to 7"
    POINTS = "points", "100 points across the five RATER dimensions"


class QuestionRole(models.TextChoices):
    """What a question's answers count towards (the scores read this, not the wording)."""

    NONE = "", "Nothing"
    CSAT = "csat", "CSAT"
    NPS = "nps", "NPS"
    CES = "ces", "CES"
    SERVQUAL = "servqual", "SERVQUAL gap"
    WEIGHTS = "weights", "SERVQUAL weights"
    COMMENT = "comment", "A comment to sort and route"


class Question(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    key = models.SlugField(max_length=60, help_text="Stable within the questionnaire's versions.")
    kind = models.CharField(max_length=12, choices=QuestionKind.choices)
    role = models.CharField(max_length=12, choices=QuestionRole.choices, blank=True)
    text = models.TextField()
    help = models.CharField(max_length=300, blank=True)
    # For a perception item the wording of the expectation twin (asked of "an excellent
    # company") is ``expectation_text``.
    expectation_text = models.TextField(blank=True)
    choices = models.JSONField(default=list, blank=True, help_text="For one or several choices.")
    low_label = models.CharField(max_length=60, blank=True)
    high_label = models.CharField(max_length=60, blank=True)
    dimension = models.CharField(max_length=16, choices=Dimension.choices, blank=True)
    reverse_scored = models.BooleanField(
        default=False, help_text="Negatively worded: 1 is good, so it is turned round for scores."
    )
    required = models.BooleanField(default=False)

    class Meta:
        ordering = ["section__position", "position", "pk"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def scale(self) -> tuple[int, int] | None:
        return {
            QuestionKind.LIKERT5: (1, 5),
            QuestionKind.LIKERT7: (1, 7),
            QuestionKind.NPS: (0, 10),
            QuestionKind.EXPECTATION_PERCEPTION: (1, 7),
        }.get(self.kind)


# --- Surveys (campaigns) ------------------------------------------------------------------------
class Population(models.TextChoices):
    SEGMENT = "segment", "Customers in a segment"
    CASES_CLOSED = "cases_closed", "Customers whose case closed in a period"
    ORDERED = "ordered", "Everyone who ordered in a period"
    EVERYONE = "everyone", "Every active customer"


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Survey(models.Model):
    name = models.CharField(max_length=200)
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="surveys"
    )
    status = models.CharField(
        max_length=8, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    population = models.CharField(max_length=16, choices=Population.choices)
    segment = models.ForeignKey(
        "customers.Segment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    responses_wanted = models.PositiveIntegerField(default=100)
    margin_wanted = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True, help_text="± points, e.g. 5.0"
    )
    expected_response_rate = models.DecimalField(
        max_digits=4, decimal_places=1, default=33.3, help_text="Per cent who answer."
    )
    invitations_planned = models.PositiveIntegerField(default=300)
    incentive = models.CharField(
        max_length=200, blank=True, help_text="What is offered for answering, e.g. a $20 credit."
    )
    opens_on = models.DateField()
    closes_on = models.DateField()
    remind_after_days = models.PositiveSmallIntegerField(default=7)
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The last run of the same questionnaire, to compare with.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opens_on", "-pk"]
        permissions = [("send_survey", "Can open a survey and send its invitations")]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="survey_closes_after_open"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Invitation(models.Model):
    """One person's private, single-use link to a survey (see ``tokens``): only the token's
    digest is stored."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.EmailField(blank=True)
    nonce = models.CharField(max_length=32)
    token_hash = models.CharField(max_length=64, unique=True)
    # What a case survey is about: its officer and team are scored.
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    send_problem = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["survey", "responded_at"], name="invitation_by_survey")]

    def __str__(self) -> str:
        return f"Invitation #{self.pk}"


class Response(models.Model):
    """One person's answers. Where they came from (survey, invitation, case) and who they are
    about (segment, team, officer) are kept on the row for the scores to group by."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="responses"
    )
    survey = models.ForeignKey(
        Survey, null=True, blank=True, on_delete=models.PROTECT, related_name="responses"
    )
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="response"
    )
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["survey", "submitted_at"], name="response_by_survey"),
            models.Index(fields=["questionnaire", "submitted_at"], name="response_by_q"),
        ]

    def __str__(self) -> str:
        return f"Response #{self.pk}"


class Answer(models.Model):
    """One answer. ``number`` holds a scale, a 0-10 or a dimension's points; a SERVQUAL item
    holds ``expectation`` and ``perception``. Role and dimension are copied from the question
    (they never change on a published version) so that scores read this table alone."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    role = models.CharField(max_length=12, choices=QuestionRole.choices, blank=True)
    dimension = models.CharField(max_length=16, choices=Dimension.choices, blank=True)
    number = models.SmallIntegerField(null=True, blank=True)
    expectation = models.SmallIntegerField(null=True, blank=True)
    perception = models.SmallIntegerField(null=True, blank=True)
    choices = models.JSONField(default=list, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        # Scores read one role's answers per respondent and dimension, in this order.
        indexes = [models.Index(fields=["role", "response", "dimension"], name="answer_by_role")]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "dimension"], name="one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"Answer #{self.pk}"


# --- Comments: qualitative feedback, sorted and routed -----------------------------------------
class Topic(models.Model):
    """What a comment is about, and the manager responsible for acting on it (a person, or a
    team whose lead acts)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=100)
    shipped = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_topics",
    )
    responsible_team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["position", "name"]
        permissions = [("route_topic", "Can change who is responsible for a feedback topic")]

    def __str__(self) -> str:
        return self.name


class CommentKind(models.TextChoices):
    COMPLIMENT = "compliment", "Compliment"
    COMPLAINT = "complaint", "Complaint"
    SUGGESTION = "suggestion", "Suggestion"
    COMMENT = "comment", "Comment"


class CommentSource(models.TextChoices):
    FORM = "form", "Feedback form"
    SURVEY = "survey", "Survey"
    STAFF = "staff", "Entered by staff"
    CASE = "case", "Complaint or enquiry"


class CommentStatus(models.TextChoices):
    NEW = "new", "New"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    CASE_OPENED = "case_opened", "Case opened"
    ACTIONED = "actioned", "Action recorded"


class SortedBy(models.TextChoices):
    MODEL = "model", "The categoriser"
    STAFF = "staff", "A person"


class FeedbackFormVersion(models.Model):
    """The always-open feedback form's design: a new version when the organisation reviews
    it (the seeds' "review and change the feedback form")."""

    number = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=200, default="Tell us how we did")
    intro = models.TextField(blank=True)
    ask_rating = models.BooleanField(default=True)
    rating_question = models.CharField(
        max_length=200, default="Overall, how satisfied are you with our service?"
    )
    extra = models.ForeignKey(
        Questionnaire,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Extra questions the form asks (a section added at a review).",
    )
    change_note = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"Feedback form v{self.number}"


class Comment(models.Model):
    kind = models.CharField(max_length=12, choices=CommentKind.choices, default=CommentKind.COMMENT)
    source = models.CharField(max_length=8, choices=CommentSource.choices)
    channel = models.CharField(
        max_length=16, choices=Channel.choices, blank=True, help_text="How it reached us."
    )
    text = models.TextField()
    rating = models.PositiveSmallIntegerField(null=True, blank=True, help_text="1 to 5")
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    wants_reply = models.BooleanField(default=False)
    form_version = models.ForeignKey(
        FeedbackFormVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    response = models.ForeignKey(
        Response, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(default=timezone.now)
    # Sorting: the categoriser's guess, or a person's correction.
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.PROTECT, related_name="comments"
    )
    topic_confidence = models.FloatField(null=True, blank=True)
    dimension = models.CharField(max_length=16, choices=Dimension.choices, blank=True)
    dimension_confidence = models.FloatField(null=True, blank=True)
    sentiment = models.CharField(max_length=8, choices=Sentiment.choices, blank=True)
    sentiment_confidence = models.FloatField(null=True, blank=True)
    sorted_by = models.CharField(max_length=6, choices=SortedBy.choices, blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    corrected_at = models.DateTimeField(null=True, blank=True)
    # Routing: the manager responsible for the topic acts on it.
    routed_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments_routed",
    )
    status = models.CharField(
        max_length=14, choices=CommentStatus.choices, default=CommentStatus.NEW
    )
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acted_at = models.DateTimeField(null=True, blank=True)
    action_taken = models.TextField(blank=True)
    opened_case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["routed_to", "status", "-received_at"], name="comment_inbox"),
            models.Index(fields=["received_at"], name="comment_by_time"),
            models.Index(fields=["topic", "received_at"], name="comment_by_topic"),
        ]
        permissions = [("sort_comment", "Can correct how a comment was sorted")]

    def __str__(self) -> str:
        return f"Comment #{self.pk}"


class TrainingExample(models.Model):
    """A labelled comment the categoriser learns from: a staff correction (or an example an
    organisation adds for a topic of its own)."""

    text = models.TextField()
    topic = models.CharField(max_length=40)
    dimension = models.CharField(max_length=16, choices=Dimension.choices)
    sentiment = models.CharField(max_length=8, choices=Sentiment.choices)
    comment = models.OneToOneField(
        Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="training"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.text[:60]


class TrainedCategoriser(models.Model):
    """The categoriser trained on the shipped comments and the corrections, pickled, so that
    every web and worker process loads it (milliseconds) instead of training it (seconds).

    Written only by ``services.categoriser_train``; the few newest are kept."""

    # What it was trained on: ``shipped`` digests the shipped training files, the code and the
    # libraries that fit it (a process only loads a model of its own code); the rest says which
    # corrections (their count, newest id and time).
    fingerprint = models.CharField(max_length=100, unique=True)
    shipped = models.CharField(max_length=16)
    examples_count = models.PositiveIntegerField(help_text="Corrections it learnt from.")
    # When its training data was read: the model on the newest data is the one in use, whichever
    # of two trainings finished last.
    data_read_at = models.DateTimeField()
    trained_at = models.DateTimeField(default=timezone.now)
    seconds = models.FloatField(help_text="How long training took.")
    blob = models.BinaryField(editable=False)
    signature = models.CharField(
        max_length=64, help_text="HMAC of the blob: loaded only if it matches."
    )

    class Meta:
        ordering = ["-data_read_at", "-pk"]

    def __str__(self) -> str:
        return f"Categoriser of {self.trained_at:%Y-%m-%d %H:%M}, {self.examples_count} corrections"
