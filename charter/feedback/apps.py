from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate


def _install(sender, **kwargs):
    from .services import shipped_install

    shipped_install()


def _train(sender, plan=None, using=DEFAULT_DB_ALIAS, verbosity=1, stdout=None, **kwargs):
    """After ``migrate`` (also on a deploy that changed the training comments or the code),
    train the categoriser unless a stored one is current, so that no request has to. Not after
    a ``flush`` (which sends the same signal with no plan): an emptied database trains on use."""
    if plan is None or using != DEFAULT_DB_ALIAS:
        return
    try:  # migrated back to before the table existed: nothing to store it in
        kwargs["apps"].get_model("feedback", "TrainedCategoriser")
    except (KeyError, LookupError):
        return
    from .services import categoriser_train

    outcome = categoriser_train()
    if verbosity >= 1 and stdout is not None and outcome.trained:
        stdout.write(
            f"  Trained the comment categoriser in {outcome.stored.seconds:.1f} s "
            f"({outcome.stored.examples_count} corrections)."
        )


class FeedbackConfig(AppConfig):
    name = "charter.feedback"
    label = "feedback"
    verbose_name = "Feedback and surveys"

    def ready(self) -> None:

        from charter.core import home, navigation
        from charter.customers.signals import customer_erased

        from . import page_selectors, services, tasks  # noqa: F401 (tasks: periodic)

        customer_erased.connect(services.on_customer_erased, dispatch_uid="feedback-erasure")
        post_migrate.connect(_install, sender=self, dispatch_uid="charter.feedback.shipped")
        post_migrate.connect(_train, sender=self, dispatch_uid="charter.feedback.categoriser")
        navigation.register(
            label="Feedback",
            url_name="feedback:inbox",
            permission="feedback.view_topic",
            order=300,
        )
        navigation.register(
            label="Surveys",
            url_name="feedback:surveys",
            permission="feedback.view_survey",
            order=310,
        )
        home.register_panel(
            key="feedback-for-you",
            title="Feedback for you",
            template="feedback/panels/for_you.html",
            permission="feedback.view_topic",
            order=8,
            context=page_selectors.for_you_panel,
        )
