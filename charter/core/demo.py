"""The demo organisation itself: Innovative Widgets, an Australian widget manufacturer."""

from .models import AustralianState, Organisation


def seed(ctx) -> None:
    organisation, created = Organisation.objects.get_or_create(
        name="Innovative Widgets",
        defaults={
            # Its complaints policy cites Victorian law, so it is Victorian.
            "state": AustralianState.VIC,
            "time_zone": "Australia/Melbourne",
            "currency": "AUD",
        },
    )
    ctx.created["organisation"] = organisation
    if created:
        ctx.say(f"Created the organisation {organisation}.")
