"""Feedback at volume: scores over 1,000,000 answers, and the public pages' submissions.

- ``feedback_datagen``: 1,000,000 survey answers (about 37,000 RATER responses of 22 items
  and a 100-point allocation each, over two years) and 200,000 NPS answers, written in bulk.
- ``survey_scores``: the SERVQUAL scores over all of them by quarter (each respondent's gap
  per dimension aggregated in the database, the weighted score per respondent), the item
  table, and NPS by month. Target: under 2 s each, on PostgreSQL.
- ``public_form``: the always-open feedback form submitted 200 times through Django's test
  client (each from its own address, as the rate limit counts per address): the comment is
  stored, sorted by the categoriser and routed. Target: p50 under 30 ms. The submissions come
  right after a manager's correction, while the worker has still to learn from it (the form
  must not train the categoriser itself); then the retraining is run as the worker runs it, and
  the first submission after it (which loads the new model) and the time to load a stored
  model are reported. The same p50 for answering an NPS survey through a private link.
"""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.test import Client

from bench import datagen
from bench.support import Context, figure, percentile, timed

MODULE = "feedback"
ENTRIES = ("feedback_datagen", "survey_scores", "public_form")
SEED = 2026
SIZES = {"answers": 1_000_000, "nps": 200_000, "submissions": 200}
SCORE_SECONDS = 2.0
FORM_P50_MS = 30
MARKER = "Bench: RATER answers"


def run(ctx: Context) -> list[dict]:
    wanted = [entry for entry in ENTRIES if ctx.wants(entry, MODULE)]
    rows: list[dict] = []
    datagen.seed_demo()
    if "public_form" in wanted:
        ctx.say("submitting the public feedback form and a survey link")
        rows += _public(ctx)
    if "feedback_datagen" in wanted or "survey_scores" in wanted:
        rows += _generate(ctx, report="feedback_datagen" in wanted)
    if "survey_scores" in wanted:
        ctx.say("timing the scores")
        rows += _scores(ctx)
    return rows


# --- Data ---------------------------------------------------------------------------------------
def _generate(ctx: Context, *, report: bool) -> list[dict]:
    from charter.feedback.models import Answer, Question, Questionnaire, Response, Survey

    wanted = ctx.size(SIZES["answers"])
    servqual = Questionnaire.objects.get(code="rater-servqual", version=1)
    survey = Survey.objects.filter(name=MARKER).first()
    if survey is not None and Answer.objects.filter(response__survey=survey).count() >= wanted:
        return []
    ctx.say(f"writing {wanted:,} RATER answers and {ctx.size(SIZES['nps']):,} NPS answers")
    today = datetime.now(ZoneInfo("Australia/Melbourne")).date()
    survey = survey or Survey.objects.create(
        name=MARKER,
        questionnaire=servqual,
        status="closed",
        population="everyone",
        opens_on=today - timedelta(days=730),
        closes_on=today,
    )
    questions = list(Question.objects.filter(section__questionnaire=servqual))
    items = [q for q in questions if q.kind == "servqual"]
    points = next(q for q in questions if q.kind == "points")
    rnd = random.Random(SEED)
    start = time.perf_counter()
    per_response = len(items) + 5
    responses_needed = wanted // per_response + 1
    dims = ["reliability", "assurance", "tangibles", "empathy", "responsiveness"]
    made = 0
    tz = ZoneInfo("Australia/Melbourne")
    first = datetime.combine(today - timedelta(days=730), datetime.min.time(), tz)
    while made < responses_needed:
        size = min(2_000, responses_needed - made)
        with transaction.atomic():
            responses = Response.objects.bulk_create(
                Response(
                    questionnaire=servqual,
                    survey=survey,
                    submitted_at=first + timedelta(minutes=rnd.randint(0, 730 * 24 * 60)),
                )
                for _ in range(size)
            )
            answers = []
            for response in responses:
                for q in items:
                    answers.append(
                        Answer(
                            response=response,
                            question=q,
                            role="servqual",
                            dimension=q.dimension,
                            expectation=rnd.randint(4, 7),
                            perception=rnd.randint(2, 7),
                        )
                    )
                cuts = sorted(rnd.randint(0, 100) for _ in range(4))
                shares = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
                answers.extend(
                    Answer(
                        response=response, question=points, role="weights", dimension=d, number=n
                    )
                    for d, n in zip(dims, shares, strict=True)
                )
            Answer.objects.bulk_create(answers, batch_size=5_000)
        made += size
    nps = Questionnaire.objects.get(code="nps", version=1)
    recommend = Question.objects.get(section__questionnaire=nps, key="recommend")
    left = ctx.size(SIZES["nps"])
    while left:
        size = min(5_000, left)
        with transaction.atomic():
            responses = Response.objects.bulk_create(
                Response(
                    questionnaire=nps,
                    submitted_at=first + timedelta(minutes=rnd.randint(0, 730 * 24 * 60)),
                )
                for _ in range(size)
            )
            Answer.objects.bulk_create(
                (
                    Answer(response=r, question=recommend, role="nps", number=rnd.randint(0, 10))
                    for r in responses
                ),
                batch_size=5_000,
            )
        left -= size
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE feedback_answer; ANALYZE feedback_response")
    seconds = time.perf_counter() - start
    total = Answer.objects.count()
    if not report:
        return []
    return [
        figure("feedback_datagen", "answers written", total, "rows"),
        figure("feedback_datagen", "time to write them", seconds, "s"),
    ]


# --- Scores -------------------------------------------------------------------------------------
def _timed(fn, times: int = 5) -> list[float]:
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def _scores(ctx: Context) -> list[dict]:
    from charter.feedback import selectors
    from charter.feedback.models import Answer

    postgres = connection.vendor == "postgresql"
    servqual_scope = selectors.ScoreFilter(code="rater-servqual", group="quarter")
    nps_scope = selectors.ScoreFilter(code="nps", group="month")
    answers = Answer.objects.filter(role__in=["servqual", "weights"]).count()
    rows = [figure("survey_scores", "SERVQUAL answers scored", answers, "rows")]
    for name, fn in (
        (
            "SERVQUAL by quarter (gaps, unweighted, weighted)",
            lambda: selectors.servqual_scores(servqual_scope),
        ),
        ("SERVQUAL items table", lambda: selectors.servqual_items(servqual_scope)),
        ("NPS by month with margins", lambda: selectors.nps_scores(nps_scope)),
    ):
        samples = _timed(fn)
        rows.append(
            figure(
                "survey_scores",
                f"{name}, median of 5",
                percentile(samples, 50),
                "s",
                below=SCORE_SECONDS if postgres else None,
            )
        )
    return rows


# --- The public pages ---------------------------------------------------------------------------
def _public(ctx: Context) -> list[dict]:
    from charter.feedback import services
    from charter.feedback.models import Comment, Survey

    n = ctx.size(SIZES["submissions"])
    client = Client()
    texts = [
        "The delivery was late again and nobody rang to tell us.",
        "Mary was lovely and sorted the invoice in one call.",
        "I waited on hold for thirty minutes before anyone answered.",
        "The 7 mm widgets are excellent, thank you.",
    ]
    for i in range(10):  # warm-up: the stored categoriser is loaded once per process
        client.post(
            "/f/feedback/",
            {"kind": "comment", "text": texts[i % 4]},
            REMOTE_ADDR=f"10.9.0.{i}",
        )
    _correct_one()  # the worker has not learnt from it yet while the form is submitted
    before = Comment.objects.count()
    samples = []
    for i in range(n):
        start = time.perf_counter()
        response = client.post(
            "/f/feedback/",
            {"kind": "comment", "text": f"{texts[i % 4]} ({i})", "rating": "3"},
            REMOTE_ADDR=f"10.{i // 250 % 250}.{i % 250}.1",
        )
        samples.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"The feedback form answered {response.status_code}.")
    stored = Comment.objects.count() - before
    learning = _learn_and_load(client, texts)
    # A survey through its private links.
    survey = Survey.objects.filter(status="open").first()
    links = [services.invitation_token(i) for i in survey.invitations.filter(responded_at=None)]
    answer_samples = []
    for i, token in enumerate(links[:n]):
        start = time.perf_counter()
        response = client.post(
            f"/f/{token}/",
            {"q-recommend": str(i % 11), "q-reason": texts[i % 4]},
            REMOTE_ADDR=f"10.200.{i % 250}.2",
        )
        answer_samples.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"A survey link answered {response.status_code}.")
    rows = [
        figure(
            "public_form",
            f"POST /f/feedback/ p50, after a correction ({n})",
            percentile(samples, 50),
            "ms",
            below=FORM_P50_MS,
        ),
        figure("public_form", "p95", percentile(samples, 95), "ms"),
        figure("public_form", "slowest", max(samples), "ms"),
        figure("public_form", "comments stored, sorted and routed", stored, "rows", equals=n),
        *learning,
    ]
    if answer_samples:
        rows += [
            figure(
                "public_form",
                f"POST /f/<token>/ (an NPS answer) p50 ({len(answer_samples)})",
                percentile(answer_samples, 50),
                "ms",
                below=FORM_P50_MS,
            ),
            figure("public_form", "p95", percentile(answer_samples, 95), "ms"),
        ]
    return rows


def _correct_one() -> None:
    """A manager corrects how the newest comment was sorted: a training example is added and a
    retraining queued (run by ``_learn_and_load``, as the worker would)."""
    from charter.accounts.models import User
    from charter.feedback import services
    from charter.feedback.models import Comment, Topic

    manager = next(
        user
        for user in User.objects.filter(is_active=True).order_by("pk")
        if user.has_perm("feedback.sort_comment")
    )
    comment = Comment.objects.filter(sorted_by="model").order_by("-pk").first()
    services.comment_correct(
        actor=manager,
        comment=comment,
        topic=Topic.objects.get(code="waiting_time"),
        dimension="responsiveness",
        sentiment="negative",
    )


def _learn_and_load(client: Client, texts: list[str]) -> list[dict]:
    """The retraining as the worker runs it, the first submission after it lands (it loads the
    new model), and the time a process takes to load the stored model."""
    from charter.feedback import tasks
    from charter.feedback.models import TrainedCategoriser
    from charter.feedback.services import training

    start = time.perf_counter()
    if not tasks.train_categoriser.call():
        raise RuntimeError("The retraining after the correction did not train.")
    trained = time.perf_counter() - start
    training.forget_in_process()  # a web process, which did not train it, loads it
    start = time.perf_counter()
    client.post("/f/feedback/", {"kind": "comment", "text": texts[0]}, REMOTE_ADDR="10.250.0.1")
    first = (time.perf_counter() - start) * 1000

    def load() -> None:
        training.forget_in_process()  # as a process that has just started
        training.categoriser()

    loads = timed(load, times=10, warmup=1)
    size = len(TrainedCategoriser.objects.values_list("blob", flat=True).first())
    return [
        figure("public_form", "retraining after a correction, in the worker", trained, "s"),
        figure(
            "public_form",
            "first POST in a process after the new model is stored (loads it)",
            first,
            "ms",
        ),
        figure(
            "public_form",
            "loading the stored model in a process, p50 of 10",
            percentile(loads, 50),
            "ms",
        ),
        figure("public_form", "stored model", size / 1_000_000, "MB"),
    ]
