"""Sorting customer comments by topic, RATER dimension and sentiment: a transparent baseline.

Each of the three is a logistic regression over tf-idf weighted word 1-2 grams and character
2-4 grams taken within words (so "6mm", "6 mm" and "delievery" still share features with what
was learnt). Every weight can be read off and the fitting is scikit-learn's own. Only the
prediction is done here by hand, with the same arithmetic, because the library's per-call checks
cost more than the sums themselves when a comment is sorted as it arrives; the tests hold the
two to the same probabilities.

Pure Python and scikit-learn: no models, no database.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

TOPICS = (
    "delivery",
    "product_quality",
    "staff_manner",
    "information",
    "pricing_billing",
    "website_systems",
    "waiting_time",
    "other",
)
DIMENSIONS = ("reliability", "assurance", "tangibles", "empathy", "responsiveness")
SENTIMENTS = ("positive", "neutral", "negative")
HEADS = ("topic", "dimension", "sentiment")

STARTER_CSV = Path(__file__).resolve().parent / "data" / "starter_comments.csv"

# Chosen on the starter data (repeated 4-fold cross-validation): characters 2-4 score as well as
# 2-5 or 3-5 with the smallest vocabulary; C=10 and balanced class weights help the rarer labels.
WORD_SETTINGS = {"ngram_range": (1, 2), "sublinear_tf": True, "dtype": np.float32}
CHAR_SETTINGS = {
    "analyzer": "char_wb",
    "ngram_range": (2, 4),
    "sublinear_tf": True,
    "dtype": np.float32,
}
MODEL_SETTINGS = {"C": 10.0, "class_weight": "balanced", "max_iter": 2000}
_CACHE_WORDS = 50_000  # distinct words whose character n-grams are remembered


@dataclass(frozen=True)
class LabelledComment:
    comment: str
    topic: str
    dimension: str
    sentiment: str


@dataclass(frozen=True)
class Sorted:
    """Where one comment was sorted, each with the model's probability for it (0..1)."""

    topic: str
    topic_confidence: float
    dimension: str
    dimension_confidence: float
    sentiment: str
    sentiment_confidence: float


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


def starter_comments() -> list[LabelledComment]:
    """The comments Charter ships with, written for Innovative Widgets and labelled by hand."""
    with STARTER_CSV.open(encoding="utf-8", newline="") as handle:
        return [
            LabelledComment(row["comment"], row["topic"], row["dimension"], row["sentiment"])
            for row in csv.DictReader(handle)
        ]


# --- Features ---------------------------------------------------------------------------------
class _Features:
    """Word and character n-grams, each block tf-idf weighted and of unit length on its own."""

    def __init__(self, texts: Sequence[str]):
        self.words = _fitted(TfidfVectorizer(**WORD_SETTINGS), texts)
        self.chars = _fitted(TfidfVectorizer(**CHAR_SETTINGS), texts)
        if self.words is None and self.chars is None:
            raise ValueError("The comments have no words to learn from: they are all blank.")
        self.n_words = len(self.words.vocabulary_) if self.words else 0
        self.width = self.n_words + (len(self.chars.vocabulary_) if self.chars else 0)
        idf = [v.idf_ for v in (self.words, self.chars) if v is not None]
        self.idf = np.concatenate(idf).astype(np.float32)
        self._word_grams = self.words.build_analyzer() if self.words else None
        self._word_columns = self.words.vocabulary_ if self.words else {}
        self._char_grams = self.chars.build_analyzer() if self.chars else None
        self._char_columns = (
            {gram: i + self.n_words for gram, i in self.chars.vocabulary_.items()}
            if self.chars
            else {}
        )
        # char_wb n-grams never cross a space, so a word's columns are worth remembering: the
        # same few thousand words make up most comments.
        self._columns_of_word: dict[str, list[int]] = {}

    def fitted_matrix(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """The library's own transform, used for training (and to check ours against)."""
        blocks = [v.transform(texts) for v in (self.words, self.chars) if v is not None]
        return sparse.hstack(blocks, format="csr", dtype=np.float32)

    def columns(self, text: str) -> list[int]:
        """The column of every known n-gram in ``text``, once per occurrence."""
        found: list[int] = []
        if self._word_grams is not None:
            get = self._word_columns.get
            found = [i for i in map(get, self._word_grams(text)) if i is not None]
        if self._char_grams is not None:
            remembered = self._columns_of_word
            for word in text.lower().split():
                columns = remembered.get(word)
                if columns is None:
                    get = self._char_columns.get
                    columns = [i for i in map(get, self._char_grams(word)) if i is not None]
                    if len(remembered) >= _CACHE_WORDS:
                        remembered.clear()
                    remembered[word] = columns
                found += columns
        return found

    def matrix(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """The same numbers as ``fitted_matrix``, several times faster."""
        indices: list[int] = []
        indptr = [0]
        for text in texts:
            indices += self.columns(text)
            indptr.append(len(indices))
        counts = sparse.csr_matrix(
            (
                np.ones(len(indices), dtype=np.float32),
                np.asarray(indices, dtype=np.int32),
                np.asarray(indptr, dtype=np.int32),
            ),
            shape=(len(texts), self.width),
        )
        counts.sum_duplicates()
        rows = np.repeat(np.arange(len(texts)), np.diff(counts.indptr))
        counts.data = self._weigh(counts.data, counts.indices, rows, len(texts))
        return counts

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """One comment's non-zero (columns, values), without building a sparse matrix."""
        tally = Counter(self.columns(text))
        columns = np.fromiter(tally.keys(), dtype=np.int32, count=len(tally))
        counts = np.fromiter(tally.values(), dtype=np.float32, count=len(tally))
        return columns, self._weigh(counts, columns, np.zeros(len(tally), dtype=np.intp), 1)

    def _weigh(self, counts, columns, rows, n_rows) -> np.ndarray:
        # As TfidfVectorizer does: 1 + log(count), times idf, then each block of a row scaled to
        # unit length (the word and the character blocks separately, as two vectorisers would).
        values = (1 + np.log(counts)) * self.idf[columns]
        block = rows * 2 + (columns >= self.n_words)
        norms = np.sqrt(np.bincount(block, weights=values * values, minlength=2 * n_rows))
        return (values / norms[block]).astype(np.float32)


def _fitted(vectoriser: TfidfVectorizer, texts: Sequence[str]) -> TfidfVectorizer | None:
    try:
        return vectoriser.fit(texts)
    except ValueError:  # an empty vocabulary (say, no word of two letters): the other block copes
        return None


# --- Linear heads -----------------------------------------------------------------------------
class _Heads:
    """Fitted features and linear models whose weights sit side by side in one matrix, so that
    one multiplication scores every label of every head."""

    def __init__(self, features: _Features, models: dict[str, LogisticRegression]):
        self.features = features
        self.models = models
        self.spans: dict[str, tuple[slice, np.ndarray]] = {}
        weights, biases, start = [], [], 0
        for name, model in models.items():
            coef, intercept = model.coef_, model.intercept_
            if len(model.classes_) == 2:
                # Two labels give one row of log-odds; the softmax of (0, z) is the logistic of z.
                coef = np.vstack([np.zeros_like(coef), coef])
                intercept = np.concatenate([[0.0], intercept])
            weights.append(coef)
            biases.append(intercept)
            stop = start + len(model.classes_)
            self.spans[name] = (slice(start, stop), np.asarray(model.classes_, dtype=object))
            start = stop
        self.weights = np.ascontiguousarray(np.vstack(weights).T, dtype=np.float32)
        self.bias = np.concatenate(biases).astype(np.float32)

    @classmethod
    def fit(cls, texts: Sequence[str], labels: dict[str, Sequence[str]]) -> _Heads:
        texts = [_text(text) for text in texts]
        if len(texts) < 2:
            raise ValueError(f"Training needs at least 2 labelled comments; got {len(texts)}.")
        for name, values in labels.items():
            if len(values) != len(texts):
                raise ValueError(
                    f"There are {len(texts)} comments but {len(values)} {name} labels."
                )
            distinct = sorted(set(values))
            if len(distinct) < 2:
                raise ValueError(
                    f"Training needs at least 2 different {name} labels; "
                    f"got {', '.join(map(repr, distinct)) or 'none'}."
                )
        features = _Features(texts)
        matrix = features.fitted_matrix(texts)
        # One BLAS thread: the problem is small, and a second thread waiting on a busy core
        # made training twenty times slower when the machine had other work.
        with threadpool_limits(limits=1, user_api="blas"):
            models = {
                name: LogisticRegression(**MODEL_SETTINGS).fit(matrix, list(values))
                for name, values in labels.items()
            }
        return cls(features, models)

    def labels(self, name: str) -> tuple[str, ...]:
        return tuple(self.spans[name][1])

    def predict(self, texts: Sequence[str]) -> dict[str, tuple[list[str], list[float]]]:
        """Each head's best label and its probability, for every text."""
        scores = self.features.matrix([_text(text) for text in texts]) @ self.weights
        return self._best(scores + self.bias)

    def predict_one(self, text: str) -> dict[str, tuple[list[str], list[float]]]:
        columns, values = self.features.vector(_text(text))
        scores = values @ self.weights[columns] + self.bias
        return self._best(scores[np.newaxis, :])

    def probabilities(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Every label's probability (columns in ``labels`` order), for checks and reports."""
        scores = self.features.matrix([_text(text) for text in texts]) @ self.weights + self.bias
        return {name: _softmax(scores[:, span]) for name, (span, _) in self.spans.items()}

    def _best(self, scores: np.ndarray) -> dict[str, tuple[list[str], list[float]]]:
        best = {}
        for name, (span, classes) in self.spans.items():
            probabilities = _softmax(scores[:, span])
            top = probabilities.argmax(axis=1)
            confidence = probabilities[np.arange(len(top)), top].astype(np.float64)
            best[name] = (classes[top].tolist(), np.round(confidence, 3).tolist())
        return best


def _softmax(scores: np.ndarray) -> np.ndarray:
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def _text(value) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


# --- One head, any labels ---------------------------------------------------------------------
class TextClassifier:
    """One head: comments in, one label of any set the training examples use (at least two)."""

    def __init__(self) -> None:
        self._heads: _Heads | None = None

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> TextClassifier:
        self._heads = _Heads.fit(list(texts), {"label": list(labels)})
        return self

    @property
    def labels(self) -> tuple[str, ...]:
        return self._fitted().labels("label")

    def predict(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        """The most likely label of each text, with its probability (rounded to 3 places)."""
        labels, confidences = self._fitted().predict(list(texts))["label"]
        return list(zip(labels, confidences, strict=True))

    def predict_one(self, text: str) -> tuple[str, float]:
        labels, confidences = self._fitted().predict_one(text)["label"]
        return labels[0], confidences[0]

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Every label's probability for each text, columns in ``labels`` order."""
        return self._fitted().probabilities(list(texts))["label"]

    def _fitted(self) -> _Heads:
        if self._heads is None:
            raise ValueError("The classifier has not been trained yet: call fit() first.")
        return self._heads


# --- The three heads together -----------------------------------------------------------------
class Categoriser:
    """Topic, RATER dimension and sentiment: one vectoriser, three linear models."""

    def __init__(self, heads: _Heads):
        self._heads = heads

    @classmethod
    def train(cls, rows: Iterable[LabelledComment]) -> Categoriser:
        rows = list(rows)
        texts = [row.comment for row in rows]
        return cls(
            _Heads.fit(texts, {head: [getattr(row, head) for row in rows] for head in HEADS})
        )

    @property
    def labels(self) -> dict[str, tuple[str, ...]]:
        """The labels each head can give, e.g. ``labels["topic"]``."""
        return {head: self._heads.labels(head) for head in HEADS}

    def sort(self, comments: Sequence[str]) -> list[Sorted]:
        if len(comments) == 0:
            return []
        best = self._heads.predict(comments)
        return [Sorted(*values) for values in zip(*_interleave(best), strict=True)]

    def sort_one(self, comment: str) -> Sorted:
        best = self._heads.predict_one(comment)
        return Sorted(*(values[0] for values in _interleave(best)))

    def probabilities(self, comments: Sequence[str]) -> dict[str, np.ndarray]:
        """Every label's probability per head, columns in ``labels[head]`` order."""
        return self._heads.probabilities(comments)


def _interleave(best: dict[str, tuple[list, list]]) -> list[list]:
    # Sorted's field order: topic, its confidence, dimension, its confidence, ...
    return [column for head in HEADS for column in best[head]]


@lru_cache(maxsize=1)
def starter_categoriser() -> Categoriser:
    """The categoriser trained on the starter comments (once per process)."""
    return Categoriser.train(starter_comments())


# --- Evaluation -------------------------------------------------------------------------------
def evaluate(train: Sequence[tuple[str, str]], test: Sequence[tuple[str, str]]) -> Evaluation:
    """Train a TextClassifier on (comment, label) pairs and score it on others."""
    if not test:
        raise ValueError("There are no test comments to score the classifier on.")
    classifier = TextClassifier().fit([c for c, _ in train], [label for _, label in train])
    truth = [label for _, label in test]
    predicted = [label for label, _ in classifier.predict([c for c, _ in test])]
    labels = sorted(set(classifier.labels) | set(truth))
    return Evaluation(
        accuracy=float(accuracy_score(truth, predicted)),
        # Averaged over the labels the test set has or was given, as scikit-learn does: a label
        # only in training is neither right nor wrong here.
        macro_f1=float(f1_score(truth, predicted, average="macro", zero_division=0)),
        labels=labels,
        confusion=confusion_matrix(truth, predicted, labels=labels).tolist(),
        n_train=len(train),
        n_test=len(test),
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
        report[head] = evaluate(train, test)
    return report
