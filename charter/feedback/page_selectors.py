"""What the feedback pages show, shaped for their templates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from . import rules, selectors
from .models import (
    Dimension,
    FeedbackFormVersion,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireKind,
    Survey,
)


def for_you_panel(user) -> dict:
    waiting = selectors.inbox(user)
    return {"rows": list(waiting[:5]), "count": waiting.count()}


def feedback_form_version() -> FeedbackFormVersion | None:
    return FeedbackFormVersion.objects.filter(published_at__isnull=False).first()


# --- A questionnaire as a page ------------------------------------------------------------------
@dataclass
class ShownQuestion:
    question: Question
    name: str
    error: str = ""
    value: str = ""
    values: list = field(default_factory=list)  # several choices, or points per dimension
    expectation: str = ""
    perception: str = ""
    scale: list = field(default_factory=list)


def survey_page(questionnaire: Questionnaire, data, problems: dict[str, str]) -> dict:
    """Sections and their questions, with what was entered and the problem, if any."""
    sections = []
    for section in questionnaire.sections.prefetch_related("questions"):
        shown = []
        for question in section.questions.all():
            name = f"q-{question.key}"
            item = ShownQuestion(question, name, problems.get(question.key, ""))
            if question.scale:
                low, high = question.scale
                item.scale = list(range(low, high + 1))
            if data is not None:
                item.value = data.get(name, "")
                item.values = data.getlist(name)
                item.expectation = data.get(f"{name}-e", "")
                item.perception = data.get(f"{name}-p", "")
            if question.kind == QuestionKind.POINTS:
                item.values = [
                    (value, label, data.get(f"{name}-{value}", "") if data is not None else "")
                    for value, label in Dimension.choices
                ]
            shown.append(item)
        sections.append((section, shown))
    return {"questionnaire": questionnaire, "sections": sections, "problems": problems}


# --- The monthly summary ------------------------------------------------------------------------
def month_from(value: str | None) -> date:
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


def summary_page(month: date) -> dict:
    data = selectors.monthly_summary(month)
    biggest = max((t["n"] for t in data.by_topic), default=0)
    topics = [
        {
            **t,
            "share": round(100 * t["n"] / biggest) if biggest else 0,
            "before": data.previous_by_topic.get(t["topic__code"], 0),
            "examples": data.examples.get(t["topic__code"] or "", []),
        }
        for t in data.by_topic
    ]
    previous = (month.replace(day=1) - timezone.timedelta(days=1)).replace(day=1)
    following = (month.replace(day=28) + timezone.timedelta(days=4)).replace(day=1)
    return {
        "summary": data,
        "topics": topics,
        "sentiments": [
            (label, data.by_sentiment.get(value, 0))
            for value, label in (
                ("negative", "Negative"),
                ("neutral", "Neutral"),
                ("positive", "Positive"),
            )
        ],
        "dimensions": [
            (Dimension(d["dimension"]).label if d["dimension"] else "Unsorted", d["n"])
            for d in data.by_dimension
        ],
        "previous": previous,
        "following": following if following <= timezone.localdate() else None,
    }


# --- The categoriser's quality ------------------------------------------------------------------
def categoriser_page() -> dict:
    from . import categoriser, categoriser_quality
    from .models import TrainedCategoriser, TrainingExample
    from .services.training import current_fingerprint, shipped_fingerprint

    report = categoriser_quality.shipped_report()
    # The newest of this code's: the one sorting.
    in_use = TrainedCategoriser.objects.filter(shipped=shipped_fingerprint()).defer("blob").first()

    def heads(evaluations: dict) -> list[dict]:
        return [
            {
                "name": head,
                "evaluation": evaluation,
                "rows": list(zip(evaluation.labels, evaluation.confusion, strict=True)),
            }
            for head, evaluation in evaluations.items()
        ]

    summary = [
        {
            "name": head,
            "unseen": report["unseen"][head],
            "held_out": report["held_out"][head],
            "wanted": SENTIMENT_WANTED if head == "sentiment" else None,
        }
        for head in categoriser.HEADS
    ]
    return {
        "summary": summary,
        "unseen": heads(report["unseen"]),
        "held_out": heads(report["held_out"]),
        "n_training": report["unseen"]["topic"].n_train,
        "corrections": TrainingExample.objects.count(),
        "in_use": in_use,
        # A correction not yet learnt: the worker is training on it.
        "learning": in_use is not None and in_use.fingerprint != current_fingerprint(),
    }


# The sentiment macro-F1 on unseen comments a manager needs to trust the monthly summary.
SENTIMENT_WANTED = 0.75


# --- Surveys ------------------------------------------------------------------------------------
def survey_detail_page(survey: Survey) -> dict:
    progress = selectors.survey_progress(survey)
    scope = selectors.ScoreFilter(survey=survey)
    headline = headline_scores(survey.questionnaire.kind, scope)
    previous = None
    if survey.previous_id:
        previous = headline_scores(
            survey.previous.questionnaire.kind, selectors.ScoreFilter(survey=survey.previous)
        )
    return {
        "survey": survey,
        "progress": progress,
        "headline": headline,
        "previous": previous,
        "change": rules.change(
            headline.get("value") if headline else None,
            previous.get("value") if previous else None,
        ),
        "wanted_share": min(100, round(100 * progress.responded / survey.responses_wanted))
        if survey.responses_wanted
        else 0,
    }


def headline_scores(kind: str, scope) -> dict:
    """The one figure a questionnaire is known by, with its count."""
    if kind == QuestionnaireKind.NPS:
        [row] = selectors.nps_scores(scope) or [None]
        s = row.score if row else rules.nps_from_counts(0, 0, 0)
        return {"label": "NPS", "value": s.score, "n": s.n, "margin": s.margin}
    if kind == QuestionnaireKind.CSAT:
        [row] = selectors.csat_scores(scope) or [None]
        s = row.score if row else rules.csat_from_counts(0, 0)
        return {"label": "CSAT (% satisfied)", "value": s.value, "n": s.n}
    if kind == QuestionnaireKind.CES:
        [row] = selectors.ces_scores(scope) or [None]
        s = row.score if row else rules.Mean(None, 0)
        return {"label": "CES (mean of 7)", "value": s.value, "n": s.n}
    if kind == QuestionnaireKind.SERVQUAL:
        [row] = selectors.servqual_scores(scope) or [None]
        if row is None:
            return {"label": "SERVQUAL gap", "value": None, "n": 0}
        return {
            "label": "SERVQUAL gap (unweighted)",
            "value": row.score.unweighted,
            "n": row.score.respondents,
            "weighted": row.score.weighted.value,
        }
    return {"label": "Responses", "value": selectors.response_counts(scope), "n": None}


# --- Scores -------------------------------------------------------------------------------------
SCORE_KINDS = {
    "servqual": ("RATER / SERVQUAL gap", selectors.servqual_scores),
    "nps": ("Net Promoter Score", selectors.nps_scores),
    "csat": ("Customer satisfaction (CSAT)", selectors.csat_scores),
    "ces": ("Customer effort (CES)", selectors.ces_scores),
}


def _date(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def scores_page(params) -> dict:
    kind = params.get("score") if params.get("score") in SCORE_KINDS else "servqual"
    group = params.get("group") if params.get("group") in selectors.GROUPS else "quarter"
    survey = (
        Survey.objects.filter(pk=params.get("survey") or 0).first()
        if ((params.get("survey") or "").isdigit())
        else None
    )
    scope = selectors.ScoreFilter(
        survey=survey,
        since=_date(params.get("since")),
        until=_date(params.get("until")),
        group=group,
    )
    label, compute = SCORE_KINDS[kind]
    rows = compute(scope)
    chart = _chart(kind, rows) if group in ("month", "quarter") else None
    context = {
        "kind": kind,
        "label": label,
        "group": group,
        "groups": selectors.GROUPS,
        "kinds": {k: v[0] for k, v in SCORE_KINDS.items()},
        "rows": rows,
        "scope": scope,
        "chart": chart,
        "surveys": Survey.objects.order_by("-opens_on")[:50],
        "survey": survey,
        "dimensions": Dimension.choices,
    }
    if kind == "servqual":
        context["items"] = selectors.servqual_items(scope)
    return context


def _value(kind: str, score) -> float | None:
    if kind == "servqual":
        return score.unweighted
    if kind == "nps":
        return score.score
    return score.value


def _chart(kind: str, rows) -> dict | None:
    """A line per series over the periods, as SVG points (the page draws it; a table beside
    it holds the same figures for those who would rather read)."""
    if len(rows) < 2:
        return None
    series = {"Score": [_value(kind, r.score) for r in rows]}
    if kind == "servqual":
        series = {
            label: [r.score.dimensions[value].value for r in rows]
            for value, label in Dimension.choices
        }
    values = [v for vs in series.values() for v in vs if v is not None]
    if not values:
        return None
    low, high = min([*values, 0]), max([*values, 0])
    if high == low:
        high = low + 1
    width, height, pad = 640, 220, 30
    step = (width - 2 * pad) / (len(rows) - 1)

    def y(v):
        return round(height - pad - (v - low) / (high - low) * (height - 2 * pad), 1)

    lines = []
    for index, (name, vs) in enumerate(series.items()):
        points = " ".join(
            f"{round(pad + i * step, 1)},{y(v)}" for i, v in enumerate(vs) if v is not None
        )
        lines.append({"name": name, "points": points, "tone": index})
    return {
        "width": width,
        "height": height,
        "lines": lines,
        "zero": y(0),
        "labels": [(round(pad + i * step, 1), r.label) for i, r in enumerate(rows)],
        "low": round(low, 2),
        "high": round(high, 2),
        "top": pad,
        "bottom": height - pad,
    }
