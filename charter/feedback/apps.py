from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _install(sender, **kwargs):
    from .services import shipped_install

    shipped_install()


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
