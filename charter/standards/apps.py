from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "charter.standards"
    label = "standards"
    verbose_name = "The service charter"

    def ready(self) -> None:
        from charter.core import home, memo, navigation

        from . import selectors
        from .models import ChannelOffer, CharterVersion, ServicePromise

        memo.watch(CharterVersion, ServicePromise, ChannelOffer)  # promises and their hours

        navigation.register(
            label="Charter and policies",
            url_name="standards:index",
            permission="standards.view_charterversion",
            order=200,
        )
        navigation.register(
            label="Acknowledgements",
            url_name="standards:acknowledgements",
            permission="standards.view_acknowledgement",
            order=210,
        )
        home.register_panel(
            key="to-acknowledge",
            title="To read and acknowledge",
            template="standards/panels/to_acknowledge.html",
            permission="standards.view_charterversion",
            order=1,
            context=lambda user: {"items": selectors.outstanding_for(user)},
        )
