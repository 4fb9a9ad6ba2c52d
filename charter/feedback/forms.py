"""Forms of the feedback and survey pages. They parse input; the services decide."""

from __future__ import annotations

from django import forms

from charter.core.forms import AccessibleForm
from charter.customers.models import Channel

from .models import CommentKind, Dimension, Population, QuestionKind, Sentiment

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
STARS = [("", "No rating"), *[(n, f"{n} of 5") for n in range(5, 0, -1)]]


class FeedbackForm(AccessibleForm):
    """The always-open form: what a customer tells us, and how to reach them if they wish."""

    kind = forms.ChoiceField(
        choices=CommentKind.choices,
        widget=forms.RadioSelect,
        initial=CommentKind.COMMENT,
        label="It is a",
    )
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5_000,
        label="What would you like to tell us?",
    )
    rating = forms.TypedChoiceField(
        choices=STARS, coerce=int, empty_value=None, required=False, label="Your rating"
    )
    name = forms.CharField(required=False, max_length=200, label="Your name (optional)")
    email = forms.EmailField(required=False, label="Your email (optional)")
    wants_reply = forms.BooleanField(required=False, label="Please reply to me")
    # A field people do not see: a form that fills it is a robot's, and is not kept.
    website = forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )


class StaffFeedbackForm(FeedbackForm):
    channel = forms.ChoiceField(
        choices=[
            (Channel.TELEPHONE, "Telephone"),
            (Channel.LETTER, "Letter"),
            (Channel.FACE_TO_FACE, "In person"),
            (Channel.EMAIL, "Email"),
            (Channel.SOCIAL, "Social media"),
        ],
        label="It reached us by",
    )
    customer = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["website"]
        self.fields["name"].label = "Their name"
        self.fields["email"].label = "Their email"
        self.fields["wants_reply"].label = "They would like a reply"
        self.fields["text"].label = "What they told us"


class CorrectForm(AccessibleForm):
    topic = forms.ChoiceField(choices=())
    dimension = forms.ChoiceField(choices=Dimension.choices, label="RATER dimension")
    sentiment = forms.ChoiceField(choices=Sentiment.choices)

    def __init__(self, *args, topics=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [(t.code, t.name) for t in topics]


class ActionForm(AccessibleForm):
    action = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=2_000, label="What was done"
    )


class SurveyForm(AccessibleForm):
    name = forms.CharField(max_length=200)
    questionnaire = forms.ChoiceField(choices=())
    population = forms.ChoiceField(choices=Population.choices, label="Who is surveyed")
    segment = forms.ChoiceField(choices=(), required=False)
    period_start = forms.DateField(required=False, widget=DATE, label="Period from")
    period_end = forms.DateField(required=False, widget=DATE, label="Period to")
    responses_wanted = forms.IntegerField(min_value=1, initial=100)
    margin_wanted = forms.DecimalField(
        required=False,
        min_value=0.5,
        max_value=25,
        decimal_places=1,
        label="Margin of error wanted (± points)",
        help_text="Leave empty to plan for the responses wanted instead.",
    )
    expected_response_rate = forms.DecimalField(
        min_value=1,
        max_value=100,
        decimal_places=1,
        initial=33.3,
        label="Expected response rate (%)",
        help_text="One in three is usual: to get 100 answers, send up to 300.",
    )
    invitations_planned = forms.IntegerField(
        required=False,
        min_value=1,
        label="Invitations to send",
        help_text="Leave empty and Charter works it out from the above.",
    )
    incentive = forms.CharField(
        required=False, max_length=200, help_text="e.g. a $20 credit on their account."
    )
    opens_on = forms.DateField(widget=DATE)
    closes_on = forms.DateField(widget=DATE)
    remind_after_days = forms.IntegerField(min_value=1, max_value=60, initial=7)

    def __init__(self, *args, questionnaires=(), segments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].choices = [(q.pk, str(q)) for q in questionnaires]
        self.fields["segment"].choices = [("", "—"), *[(s.pk, s.name) for s in segments]]


class TopicRouteForm(AccessibleForm):
    responsible = forms.ChoiceField(choices=(), required=False, label="Person responsible")
    team = forms.ChoiceField(choices=(), required=False, label="or the team (its lead acts)")

    def __init__(self, *args, people=(), teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].choices = [
            ("", "—"),
            *[(p.pk, p.get_full_name() or p.username) for p in people],
        ]
        self.fields["team"].choices = [("", "—"), *[(t.pk, t.name) for t in teams]]


class TopicAddForm(AccessibleForm):
    name = forms.CharField(max_length=100, label="New topic")
    description = forms.CharField(max_length=300, required=False)


class FeedbackFormVersionForm(AccessibleForm):
    title = forms.CharField(max_length=200)
    intro = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    ask_rating = forms.BooleanField(required=False, label="Ask for a rating (1 to 5 stars)")
    rating_question = forms.CharField(max_length=200, required=False)
    extra = forms.ChoiceField(
        choices=(),
        required=False,
        label="Extra questions",
        help_text="A published questionnaire whose questions the form also asks.",
    )
    change_note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        label="What changed, and why",
        help_text="e.g. Added questions on delivery after the October summary.",
    )

    def __init__(self, *args, extras=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["extra"].choices = [("", "None"), *[(q.pk, str(q)) for q in extras]]


class QuestionForm(AccessibleForm):
    """A question added to a draft questionnaire."""

    section_title = forms.CharField(max_length=200, label="Section")
    kind = forms.ChoiceField(choices=QuestionKind.choices)
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Question",
        help_text="For a RATER item, what we do (the perception).",
    )
    expectation_text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Expectation wording (RATER items)",
        help_text="What an excellent supplier would do.",
    )
    dimension = forms.ChoiceField(
        choices=[("", "—"), *Dimension.choices], required=False, label="RATER dimension"
    )
    role = forms.ChoiceField(
        choices=[("", "Nothing"), ("csat", "CSAT (on 1 to 5)"), ("ces", "CES (on 1 to 7)")],
        required=False,
        label="A scale counts towards",
    )
    choices = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="For one or several choices: one per line.",
    )
    low_label = forms.CharField(max_length=60, required=False, label="Label of the low end")
    high_label = forms.CharField(max_length=60, required=False, label="Label of the high end")
    required = forms.BooleanField(required=False, label="An answer is needed")
    reverse_scored = forms.BooleanField(
        required=False, label="Negatively worded (RATER items: turned round for scores)"
    )
