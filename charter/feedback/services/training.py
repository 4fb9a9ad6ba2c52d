"""The categoriser every process uses: trained once per change of its training data, stored in
the database, and loaded by every web and worker process instead of trained by each.

- ``categoriser()`` runs on every sort: one query for the newest stored model of this code. A
  process keeps the model it loaded until a newer one is stored, then loads that (tens of
  milliseconds, once per process per model), so no request waits for training.
- ``categoriser_train()`` trains (seconds) on the shipped comments and every correction, unless
  a stored model was trained on exactly these. It runs in the worker after a correction (and
  hourly, to catch up on anything missed), after ``migrate``, and from ``train_categoriser``.
  Until it lands, every process keeps sorting with the model it has.

Only an installation with no stored model of this code (one that never ran ``migrate``, or a
database emptied since) trains while sorting: once, because a comment must be sorted and routed
as it arrives and there is nothing else to sort it with.

The pickles are signed with the secret key and loaded only when the signature matches, so
someone able to write to this one table cannot make every process run code of their choosing.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import time
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from .. import categoriser as model
from ..models import TrainedCategoriser, TrainingExample

log = logging.getLogger(__name__)

KEEP = 3  # stored models kept: the one in use and the few before it
_SALT = "charter.feedback.TrainedCategoriser"
_HERE = Path(model.__file__).resolve().parent
# What training reads besides the corrections: the code that turns comments into features and
# fits the heads, and the libraries whose objects are pickled or whose word list is read.
_CODE = (_HERE / "categoriser.py", _HERE / "cues.py")
_LIBRARIES = ("scikit-learn", "numpy", "scipy", "threadpoolctl", "vaderSentiment")

# How often this process trained and loaded a model (tests count them; nothing else reads them).
stats = {"trained": 0, "loaded": 0}
# The model this process sorts with, and the (pk, fingerprint) of its stored row.
_in_use: dict = {}
_refused: set[int] = set()  # stored models that did not load here


# --- Fingerprints -------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def shipped_fingerprint() -> str:
    """A digest of the shipped training comments, the categoriser's code, the lexicon and the
    libraries' versions: what a model was trained with besides the corrections. Files do not
    change under a running process, so it is read once."""
    digest = hashlib.sha256()
    lexicon = resources.files("vaderSentiment").joinpath("vader_lexicon.txt")
    for name, content in (
        *((path.name, path.read_bytes()) for path in (*model.TRAINING_CSVS, *_CODE)),
        ("vader_lexicon.txt", lexicon.read_bytes()),
    ):
        digest.update(f"{name}\0{len(content)}\0".encode())
        digest.update(content)
    for library in _LIBRARIES:
        digest.update(f"{library}=={metadata.version(library)}\0".encode())
    return digest.hexdigest()[:16]


def _fingerprint(count: int, last_pk: int | None, last_added) -> str:
    # A correction made again updates its example's time, so re-sorting one comment counts.
    when = last_added.isoformat(timespec="microseconds") if last_added else "-"
    return f"{shipped_fingerprint()}:{count}:{last_pk or 0}:{when}"


def current_fingerprint() -> str:
    """The fingerprint of a model trained on the training data as it is now (one query)."""
    stamp = TrainingExample.objects.aggregate(n=Count("pk"), last=Max("pk"), at=Max("added_at"))
    return _fingerprint(stamp["n"], stamp["last"], stamp["at"])


# --- The model in use ---------------------------------------------------------------------------
def categoriser() -> model.Categoriser:
    """The categoriser to sort with: the newest stored one of this code that loads (one query
    tells whether the one this process holds is still it)."""
    newest = TrainedCategoriser.objects.filter(shipped=shipped_fingerprint()).values_list(
        "pk", "fingerprint"
    )[:KEEP]
    held = _in_use.get("row")
    for row in newest:
        if held is not None and held[1] == row[1]:  # trained on the same data
            return _use(row, _in_use["model"])
        if row[0] in _refused:
            continue
        loaded = _load(row[0])
        if loaded is not None:
            return _use(row, loaded)
        _refused.add(row[0])  # not tried again by this process: the one before it serves
    return _first_model()


def _first_model() -> model.Categoriser:
    """Nothing stored for this code (or it would not load): store the model this process holds
    if it was trained on exactly the current data (a database emptied under a running process),
    else train one now."""
    fingerprint = current_fingerprint()
    held = _in_use.get("row")
    if held is not None and held[1] == fingerprint:
        row = _store(_in_use["model"], fingerprint, TrainingExample.objects.count(), 0.0)
        _make_newest(row)
        return _use((row.pk, row.fingerprint), _in_use["model"])
    log.warning("No stored categoriser for this code: training one while sorting.")
    return _trained_now(force=True).model


def _use(row: tuple[int, str], categoriser_: model.Categoriser) -> model.Categoriser:
    _in_use.update(row=row, model=categoriser_)
    return categoriser_


def forget_in_process() -> None:
    """Drop the model this process holds, as a new process starts (tests use it)."""
    _in_use.clear()
    _refused.clear()


def _sign(blob: bytes, secret: str | None = None) -> str:
    return salted_hmac(_SALT, blob, secret=secret, algorithm="sha256").hexdigest()


def _load(pk: int) -> model.Categoriser | None:
    """The stored model, if its signature matches (under the secret key or a fallback) and it
    unpickles; otherwise None, said in the log."""
    found = TrainedCategoriser.objects.filter(pk=pk).values_list("blob", "signature").first()
    if found is None:  # pruned since it was named: the caller trains or keeps what it has
        return None
    blob, signature = bytes(found[0]), found[1]
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if not any(constant_time_compare(signature, _sign(blob, secret)) for secret in secrets):
        log.warning("Stored categoriser %s has a signature that does not match: ignored.", pk)
        return None
    try:
        loaded = pickle.loads(blob)  # signed by us: checked just above
    except Exception:  # a pickle of other code: a new model is trained in its place
        log.warning("Stored categoriser %s does not load with this code: ignored.", pk)
        return None
    stats["loaded"] += 1
    return loaded


# --- Training -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Training:
    """What ``categoriser_train`` did: ``trained`` is False when a stored model was current."""

    stored: TrainedCategoriser
    trained: bool
    model: model.Categoriser | None = None


def categoriser_train(*, force: bool = False, forget_older: bool = False) -> Training:
    """Train the categoriser on the shipped comments and every correction, store it, and use it
    in this process; unless a stored model was trained on exactly these (``force`` trains
    anyway). ``forget_older`` deletes every model trained before this one (after an erasure:
    their vocabularies hold the erased customer's words)."""
    if not force:
        current = (
            TrainedCategoriser.objects.filter(fingerprint=current_fingerprint())
            .defer("blob")
            .first()
        )
        if current is not None:
            _make_newest(current)
            if forget_older:
                _forget_before(current)
            return Training(stored=current, trained=False)
    return _trained_now(force=force, forget_older=forget_older)


def _trained_now(*, force: bool, forget_older: bool = False) -> Training:
    read_at = timezone.now()
    examples = list(
        TrainingExample.objects.order_by("pk").values_list(
            "pk", "added_at", "text", "topic", "dimension", "sentiment"
        )
    )
    # The fingerprint of exactly the rows read, whatever was added while training.
    fingerprint = _fingerprint(
        len(examples),
        max((e[0] for e in examples), default=None),
        max((e[1] for e in examples), default=None),
    )
    start = time.perf_counter()
    trained = model.Categoriser.train(
        [*model.starter_comments(), *(model.LabelledComment(*e[2:]) for e in examples)]
    )
    stats["trained"] += 1
    seconds = time.perf_counter() - start
    row = _store(trained, fingerprint, len(examples), seconds, read_at=read_at, replace=force)
    if forget_older:
        _forget_before(row)
    _use((row.pk, row.fingerprint), trained)
    return Training(stored=row, trained=True, model=trained)


def _store(
    trained: model.Categoriser,
    fingerprint: str,
    examples_count: int,
    seconds: float,
    *,
    read_at=None,
    replace: bool = False,
) -> TrainedCategoriser:
    """Store a model and keep only the ``KEEP`` newest. When another process stored one with
    the same fingerprint first, theirs stands (unless ``replace``)."""
    blob = pickle.dumps(trained, protocol=pickle.HIGHEST_PROTOCOL)
    fields = {
        "shipped": shipped_fingerprint(),
        "examples_count": examples_count,
        "data_read_at": read_at or timezone.now(),
        "trained_at": timezone.now(),
        "seconds": round(seconds, 3),
        "blob": blob,
        "signature": _sign(blob),
    }
    try:
        with transaction.atomic():
            if replace:
                row, _ = TrainedCategoriser.objects.update_or_create(
                    fingerprint=fingerprint, defaults=fields
                )
            else:
                row, _ = TrainedCategoriser.objects.get_or_create(
                    fingerprint=fingerprint, defaults=fields
                )
            kept = list(TrainedCategoriser.objects.values_list("pk", flat=True)[:KEEP])
            TrainedCategoriser.objects.exclude(pk__in=kept).delete()
    except IntegrityError:  # stored by another process between our look and our write
        row = TrainedCategoriser.objects.defer("blob").get(fingerprint=fingerprint)
    return row


def _make_newest(row: TrainedCategoriser) -> None:
    """The data went back to what an older stored model learnt (a correction or an erasure
    undone): that model is current again, so it must be the one in use."""
    newest = TrainedCategoriser.objects.values_list("pk", flat=True).first()
    if newest != row.pk:
        row.data_read_at = timezone.now()
        TrainedCategoriser.objects.filter(pk=row.pk).update(data_read_at=row.data_read_at)


def _forget_before(row: TrainedCategoriser) -> None:
    TrainedCategoriser.objects.filter(data_read_at__lt=row.data_read_at).delete()
