"""How well the categoriser sorts: on comments held out of its training, on comments written
apart from it in other voices, and how far its confidences can be believed.

Pure Python and scikit-learn: no models, no database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.optimize import minimize_scalar
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
from sklearn.model_selection import StratifiedKFold, train_test_split

from .categoriser import (
    CUE_HEADS,
    HEADS,
    Categoriser,
    LabelledComment,
    TextClassifier,
    starter_comments,
    unseen_comments,
)


@dataclass
class Evaluation:
    """How a classifier trained on one set of comments did on another.

    ``labels`` are every label seen in training or test, sorted; ``confusion[i][j]`` counts test
    comments whose label is ``labels[i]`` that were predicted ``labels[j]``.
    """

    accuracy: float
    macro_f1: float
    labels: list[str]
    confusion: list[list[int]]
    n_train: int
    n_test: int
    mean_confidence: float | None = None  # the mean probability of the labels given


def score(
    truth: Sequence[str],
    predicted: Sequence[str],
    known: Sequence[str],
    n_train: int,
    confidences: Sequence[float] | None = None,
) -> Evaluation:
    """An Evaluation of ``predicted`` against ``truth``; ``known`` are the labels trained on."""
    labels = sorted(set(known) | set(truth))
    return Evaluation(
        accuracy=float(accuracy_score(truth, predicted)),
        # Averaged over the labels the test set has or was given, as scikit-learn does: a label
        # only in training is neither right nor wrong here.
        macro_f1=float(f1_score(truth, predicted, average="macro", zero_division=0)),
        labels=labels,
        confusion=confusion_matrix(truth, predicted, labels=labels).tolist(),
        n_train=n_train,
        n_test=len(truth),
        mean_confidence=float(np.mean(confidences)) if confidences else None,
    )


def evaluate(
    train: Sequence[tuple[str, str]], test: Sequence[tuple[str, str]], cues: bool = False
) -> Evaluation:
    """Train a TextClassifier on (comment, label) pairs and score it on others; with ``cues``,
    the classifier reads the sentiment cues as the categoriser's sentiment head does."""
    if not test:
        raise ValueError("There are no test comments to score the classifier on.")
    classifier = TextClassifier(cues=cues).fit([c for c, _ in train], [label for _, label in train])
    predicted = classifier.predict([c for c, _ in test])
    return score(
        [label for _, label in test],
        [label for label, _ in predicted],
        classifier.labels,
        len(train),
    )


def held_out_report(
    rows: Sequence[LabelledComment], test_share: float = 0.25, seed: int = 2026
) -> dict[str, Evaluation]:
    """Each head trained on part of ``rows`` and scored on the rest, split by that head's labels
    so every label has its share in both parts."""
    report = {}
    for head in HEADS:
        pairs = [(row.comment, getattr(row, head)) for row in rows]
        labels = [label for _, label in pairs]
        # Stratifying needs two of each label; a label with one comment goes wherever it falls.
        stratify = labels if min(Counter(labels).values(), default=0) >= 2 else None
        try:
            train, test = train_test_split(
                pairs, test_size=test_share, random_state=seed, stratify=stratify
            )
        except ValueError:  # too few comments for a test share of every label
            train, test = train_test_split(pairs, test_size=test_share, random_state=seed)
        report[head] = evaluate(train, test, cues=head in CUE_HEADS)
    return report


def unseen_report(
    train: Sequence[LabelledComment], test: Sequence[LabelledComment]
) -> dict[str, Evaluation]:
    """The categoriser trained on ``train`` and scored, head by head, on ``test``, with the
    mean confidence it gave (calibrated, it is close to the accuracy)."""
    if not test:
        raise ValueError("There are no test comments to score the categoriser on.")
    categoriser = Categoriser.train(train)
    results = categoriser.sort([row.comment for row in test])
    return {
        head: score(
            [getattr(row, head) for row in test],
            [getattr(result, head) for result in results],
            categoriser.labels[head],
            len(train),
            [getattr(result, f"{head}_confidence") for result in results],
        )
        for head in HEADS
    }


@lru_cache(maxsize=1)
def shipped_report() -> dict[str, dict[str, Evaluation]]:
    """Both reports for the comments Charter ships (they never change while it runs):
    ``{"held_out": {head: ...}, "unseen": {head: ...}}``."""
    training = starter_comments()
    return {
        "held_out": held_out_report(training),
        "unseen": unseen_report(training, unseen_comments()),
    }


def fit_temperatures(
    rows: Sequence[LabelledComment], folds: int = 5, seed: int = 2026
) -> dict[str, float]:
    """Each head's temperature: the one that makes the probabilities the model gave comments
    held out of its training (``folds``-fold cross-validation) most likely, so that its
    confidences mean what they say. Not run when sorting: its result is ``TEMPERATURES``."""
    rows = list(rows)
    scores: dict[str, list[np.ndarray]] = {head: [] for head in HEADS}
    truth: dict[str, list[int]] = {head: [] for head in HEADS}
    splits = StratifiedKFold(folds, shuffle=True, random_state=seed)
    for train, test in splits.split(rows, [row.sentiment for row in rows]):
        categoriser = Categoriser.train([rows[i] for i in train], temperatures={})
        # Log-probabilities at temperature 1 are the scores, less a constant per comment.
        probabilities = categoriser.probabilities([rows[i].comment for i in test])
        for head in HEADS:
            labels = categoriser.labels[head]
            scores[head].append(np.log(np.clip(probabilities[head], 1e-12, 1)))
            truth[head] += [labels.index(getattr(rows[i], head)) for i in test]
    temperatures = {}
    for head in HEADS:
        logits, right = np.vstack(scores[head]), np.asarray(truth[head])
        temperatures[head] = round(
            float(
                minimize_scalar(
                    lambda t, logits=logits, right=right: _log_loss(logits / t, right),
                    bounds=(0.1, 10.0),
                    method="bounded",
                ).x
            ),
            2,
        )
    return temperatures


def _log_loss(scores: np.ndarray, right: np.ndarray) -> float:
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probabilities = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-log_probabilities[np.arange(len(right)), right].mean())
