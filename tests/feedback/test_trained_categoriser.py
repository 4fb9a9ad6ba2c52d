"""The categoriser is trained once per change of its training data, in the worker, stored in the
database and loaded by every process: no request trains it."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from charter.feedback import services, tasks
from charter.feedback.models import Comment, TrainedCategoriser, TrainingExample
from charter.feedback.services import training

# The shipped comments sort this as product quality; one correction teaches otherwise.
BLUE = "The blue widgets are a nice colour."
CORRECTED = ("waiting_time", "responsiveness", "negative")


def sorted_as(comment: Comment) -> tuple[str, str, str]:
    return comment.topic.code, comment.dimension, comment.sentiment


def correct(comment: Comment, manager) -> None:
    from charter.feedback.models import Topic

    topic, dimension, sentiment = CORRECTED
    services.comment_correct(
        actor=manager,
        comment=comment,
        topic=Topic.objects.get(code=topic),
        dimension=dimension,
        sentiment=sentiment,
    )


def queued_trainings() -> int:
    return DBTaskResult.objects.filter(task_path="charter.feedback.tasks.train_categoriser").count()


@pytest.mark.django_db(transaction=True)
def test_a_correction_is_learnt_in_the_worker_and_sorts_the_next_comment(manager, run_worker):
    first = services.feedback_give(kind="comment", text=BLUE)
    before = sorted_as(first)
    assert before != CORRECTED
    correct(first, manager)
    assert queued_trainings() == 1  # queued when the correction committed
    trained = training.stats["trained"]
    # Until the worker has trained, comments are sorted by the model before, at once.
    pending = services.feedback_give(kind="comment", text=BLUE)
    assert sorted_as(pending) == before
    assert training.stats["trained"] == trained
    run_worker()
    assert (
        DBTaskResult.objects.successful()
        .filter(task_path="charter.feedback.tasks.train_categoriser")
        .exists()
    )
    assert training.stats["trained"] == trained + 1  # in the worker, once
    newest = TrainedCategoriser.objects.first()
    assert newest.examples_count == 1
    assert newest.fingerprint == training.current_fingerprint()
    # A process that had the old model picks the new one up at its next sort.
    training.forget_in_process()
    assert sorted_as(services.feedback_give(kind="comment", text=BLUE)) == CORRECTED
    assert training.stats["trained"] == trained + 1


def test_until_the_retraining_lands_the_stored_model_before_it_sorts(
    routes, manager, client, django_capture_on_commit_callbacks
):
    first = services.feedback_give(kind="comment", text=BLUE)
    before = sorted_as(first)
    in_use = TrainedCategoriser.objects.get().pk
    with django_capture_on_commit_callbacks(execute=True):
        correct(first, manager)
    assert queued_trainings() == 1
    trained, loaded = training.stats["trained"], training.stats["loaded"]
    # A new process, as much as one that was running: neither trains; the new one loads.
    training.forget_in_process()
    pending = services.feedback_give(kind="comment", text=BLUE)
    assert sorted_as(pending) == before != CORRECTED
    assert pending.sorted_by == "model"
    assert training.stats == {"trained": trained, "loaded": loaded + 1}
    assert TrainedCategoriser.objects.get().pk == in_use
    client.force_login(manager)
    page = client.get("/feedback/categoriser/").content.decode()
    assert "and 0 corrections. It is learning from the latest corrections now" in page


def test_a_second_process_loads_the_stored_model_and_never_trains(routes):
    first = services.feedback_give(kind="comment", text=BLUE)
    trained, loaded = training.stats["trained"], training.stats["loaded"]
    training.forget_in_process()  # as a process that has just started
    again = services.feedback_give(kind="comment", text=BLUE)
    assert training.stats == {"trained": trained, "loaded": loaded + 1}
    assert sorted_as(again) == sorted_as(first)
    assert again.sentiment_confidence == first.sentiment_confidence
    # From then on, one query a sort says the model is still the newest.
    with CaptureQueriesContext(connection) as queries:
        model = services.categoriser()
    assert len(queries) == 1 and "feedback_trainedcategoriser" in queries[0]["sql"]
    assert model is services.categoriser()
    assert training.stats == {"trained": trained, "loaded": loaded + 1}


def test_migrate_left_a_model_trained_on_the_current_data(client, analyst):
    stored = TrainedCategoriser.objects.get(fingerprint=training.current_fingerprint())
    assert stored.examples_count == 0 and stored.shipped == training.shipped_fingerprint()
    assert stored.seconds > 0 and len(stored.signature) == 64
    client.force_login(analyst)
    page = client.get("/feedback/categoriser/").content.decode()
    assert "on the shipped comments and 0 corrections." in page and "learning" not in page


def test_a_correction_made_again_is_a_new_lesson(routes, manager):
    comment = services.feedback_give(kind="comment", text=BLUE)
    correct(comment, manager)
    TrainingExample.objects.filter(comment=comment).update(
        added_at=timezone.now() - timedelta(minutes=5)
    )
    changed = training.current_fingerprint()
    correct(comment, manager)  # the same comment corrected again: the same row, updated
    assert TrainingExample.objects.count() == 1
    assert training.current_fingerprint() != changed


def test_a_stored_model_whose_signature_does_not_match_is_never_unpickled(routes):
    services.feedback_give(kind="comment", text=BLUE)
    loaded = training.stats["loaded"]
    # Someone able to write this table (not the secret key) puts a newer model in it.
    good = TrainedCategoriser.objects.get()
    forged = TrainedCategoriser.objects.create(
        fingerprint="forged",
        shipped=good.shipped,
        examples_count=0,
        data_read_at=timezone.now() + timedelta(days=1),
        seconds=0,
        blob=b"cos\nsystem\n(S'echo forged'\ntR.",
        signature="0" * 64,
    )
    comment = services.feedback_give(kind="comment", text="Delivery was late again.")
    assert comment.topic.code == "delivery"
    assert training.stats["loaded"] == loaded  # the forged one was not loaded
    assert TrainedCategoriser.objects.filter(pk=forged.pk).exists()


def test_train_categoriser_trains_on_demand_and_says_when_there_is_nothing_to_do(db, capsys):
    call_command("train_categoriser")
    assert "is current: nothing to do" in capsys.readouterr().out
    before = TrainedCategoriser.objects.get()
    trained = training.stats["trained"]
    call_command("train_categoriser", "--force")
    assert "Trained the categoriser on the shipped comments and 0 correction(s)" in (
        capsys.readouterr().out
    )
    assert training.stats["trained"] == trained + 1
    after = TrainedCategoriser.objects.get()  # the same data: replaced, not added
    assert after.fingerprint == before.fingerprint and after.trained_at > before.trained_at


def test_erasing_a_customer_retrains_without_their_words_and_drops_the_older_models(
    routes, manager, make_customer, django_capture_on_commit_callbacks
):
    from charter.customers import services as customer_services

    zoe = make_customer(name="Zoe Quill", email="zoe@example.com")
    comment = services.feedback_give(
        kind="comment", text="Zoe Quill here: the blue widgets are a nice colour.", customer=zoe
    )
    correct(comment, manager)
    tasks.train_categoriser.call()
    assert TrainedCategoriser.objects.count() == 2
    assert "quill" in services.categoriser()._heads.features.words.vocabulary_
    with django_capture_on_commit_callbacks(execute=True):
        customer_services.customer_erase(actor=manager, customer=zoe, reason="She asked")
    queued = DBTaskResult.objects.get(task_path="charter.feedback.tasks.train_categoriser")
    assert queued.args_kwargs["kwargs"] == {"forget_older": True}
    assert tasks.train_categoriser.call(forget_older=True) is False  # migrate's model is current
    [left] = TrainedCategoriser.objects.all()
    assert left.examples_count == 0
    assert "quill" not in services.categoriser()._heads.features.words.vocabulary_
