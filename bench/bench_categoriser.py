"""The feedback categoriser: how fast it sorts comments, and how well.

- ``categoriser_batch``: 50,000 comments made by recombining the 480 starter comments' sentences
  (with stray words, order numbers and typos the model has never seen, so its per-word memory
  is not always a hit), sorted 10,000 at a time on one core with one BLAS/OpenMP thread.
  Target: at least 10,000 comments a second, by the clock and in CPU time.
- ``categoriser_single``: 2,000 of them sorted one at a time, as a comment arrives from a form
  or an email. Targets: p50 and p95 under 1 ms.
- ``categoriser_quality``: each head trained on 75% of the training comments and scored on the
  rest, and trained on all of them and scored on the unseen comments written apart from them
  (macro-F1, the mean over labels, so a rare label counts as much as a common one; accuracy;
  and on the unseen comments the mean confidence, which calibrated is close to the accuracy);
  and the time to train all three heads on every training comment. Targets: macro-F1 at least
  0.6 for topic and sentiment held out, and at least 0.75 for sentiment on unseen comments.

Needs no database.
"""

from __future__ import annotations

import contextlib
import csv
import os
import random
import re
import time

from bench.support import Context, figure, percentile
from charter.feedback.categoriser import (
    HEADS,
    TRAINING_CSVS,
    Categoriser,
    starter_comments,
    unseen_comments,
)
from charter.feedback.categoriser_quality import held_out_report, unseen_report

MODULE = "categoriser"
ENTRIES = ("categoriser_batch", "categoriser_single", "categoriser_quality")
SEED = 2026
SIZES = {"batch": 50_000, "single": 2_000}
BATCH = 10_000
PER_SECOND = 10_000
SINGLE_MS = 1.0
MACRO_F1 = {"topic": 0.6, "sentiment": 0.6}
UNSEEN_MACRO_F1 = {"sentiment": 0.75}
TRAIN_SECONDS = 5.0


def run(ctx: Context) -> list[dict]:
    wanted = [entry for entry in ENTRIES if ctx.wants(entry, MODULE)]
    rows: list[dict] = []
    with one_core():
        start = time.perf_counter()
        categoriser = Categoriser.train(starter_comments())
        train_seconds = time.perf_counter() - start
        if "categoriser_batch" in wanted:
            ctx.say("sorting comments in batches")
            rows += _batch(ctx, categoriser)
        if "categoriser_single" in wanted:
            ctx.say("sorting comments one at a time")
            rows += _single(ctx, categoriser)
        if "categoriser_quality" in wanted:
            ctx.say("scoring each head on held-out and on unseen comments")
            rows += _quality(train_seconds)
    return rows


@contextlib.contextmanager
def one_core():
    """Pin this thread (and threads it starts) to one CPU and BLAS/OpenMP to one thread, so the
    figures are per core whatever the machine; put both back afterwards."""
    try:
        before = os.sched_getaffinity(0)
    except AttributeError:  # not Linux: measure as it comes
        before = None
    if before:
        os.sched_setaffinity(0, {0} if 0 in before else {min(before)})
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        limits = contextlib.nullcontext()
    else:
        limits = threadpool_limits(limits=1)
    try:
        with limits:
            yield
    finally:
        if before:
            os.sched_setaffinity(0, before)


def made_up_comments(n: int, seed: int = SEED) -> list[str]:
    """``n`` comments recombined from the 480 starter comments' sentences and words (the same
    workload as before the shorter training comments were added)."""
    rng = random.Random(seed)
    with TRAINING_CSVS[0].open(encoding="utf-8", newline="") as handle:
        starter = [row["comment"] for row in csv.DictReader(handle)]
    sentences = [
        sentence
        for comment in starter
        for sentence in re.split(r"(?<=[.!?])\s+", comment)
        if sentence
    ]
    words = [word for sentence in sentences for word in sentence.split()]
    comments = []
    for _ in range(n):
        text = " ".join(rng.sample(sentences, rng.choice((1, 1, 2, 2, 3)))).split()
        roll = rng.random()
        if roll < 0.3:  # a stray word or two from elsewhere
            for _ in range(rng.randint(1, 2)):
                text.insert(rng.randrange(len(text) + 1), rng.choice(words))
        elif roll < 0.45:  # a reference the model has never seen
            text.append(f"Order {rng.randint(1_000, 999_999)}.")
        elif roll < 0.6:  # a typo: two letters swapped
            at = rng.randrange(len(text))
            word = text[at]
            if len(word) > 3:
                i = rng.randrange(len(word) - 1)
                text[at] = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        comments.append(" ".join(text))
    return comments


def _batch(ctx: Context, categoriser: Categoriser) -> list[dict]:
    n = ctx.size(SIZES["batch"])
    comments = made_up_comments(n)
    categoriser.sort(made_up_comments(100, seed=SEED + 1))  # first-call costs, not the sorting
    start, cpu = time.perf_counter(), time.thread_time()
    sorted_ = []
    for at in range(0, n, BATCH):
        sorted_ += categoriser.sort(comments[at : at + BATCH])
    seconds, cpu = time.perf_counter() - start, time.thread_time() - cpu
    words = sum(len(comment.split()) for comment in comments) / n
    return [
        figure("categoriser_batch", f"sort {n:,} comments ({words:.0f} words each)", seconds, "s"),
        figure(
            "categoriser_batch",
            "comments a second, one core",
            n / seconds,
            "comments/s",
            above=PER_SECOND,
        ),
        # The same on the core's own clock: what it does while it runs, whether or not other
        # processes share the core (on a busy machine the figure above falls, this one not).
        figure(
            "categoriser_batch",
            "comments a second of CPU time",
            n / cpu,
            "comments/s",
            above=PER_SECOND,
        ),
        figure("categoriser_batch", "every comment sorted", len(sorted_), "comments", equals=n),
    ]


def _single(ctx: Context, categoriser: Categoriser) -> list[dict]:
    n = ctx.size(SIZES["single"])
    comments = made_up_comments(n, seed=SEED + 2)
    for comment in comments[:20]:
        categoriser.sort_one(comment)
    samples = []
    for comment in comments:
        start = time.perf_counter()
        categoriser.sort_one(comment)
        samples.append((time.perf_counter() - start) * 1000)
    return [
        figure(
            "categoriser_single", "sort_one p50", percentile(samples, 50), "ms", below=SINGLE_MS
        ),
        figure(
            "categoriser_single", "sort_one p95", percentile(samples, 95), "ms", below=SINGLE_MS
        ),
    ]


def _quality(train_seconds: float) -> list[dict]:
    rows = [
        figure(
            "categoriser_quality",
            f"train three heads on the {len(starter_comments()):,} training comments",
            train_seconds,
            "s",
            below=TRAIN_SECONDS,
        )
    ]
    training = starter_comments()
    report = held_out_report(training)
    for head in HEADS:
        evaluation = report[head]
        rows += [
            figure(
                "categoriser_quality",
                f"{head} macro-F1 ({evaluation.n_test} held out)",
                round(evaluation.macro_f1, 3),
                "",
                above=MACRO_F1.get(head),
            ),
            figure("categoriser_quality", f"{head} accuracy", round(evaluation.accuracy, 3), ""),
        ]
    unseen = unseen_report(training, unseen_comments())
    for head in HEADS:
        evaluation = unseen[head]
        rows += [
            figure(
                "categoriser_quality",
                f"{head} macro-F1 ({evaluation.n_test} unseen)",
                round(evaluation.macro_f1, 3),
                "",
                above=UNSEEN_MACRO_F1.get(head),
            ),
            figure("categoriser_quality", f"{head} accuracy", round(evaluation.accuracy, 3), ""),
            figure(
                "categoriser_quality",
                f"{head} mean confidence",
                round(evaluation.mean_confidence, 3),
                "",
            ),
        ]
    return rows
