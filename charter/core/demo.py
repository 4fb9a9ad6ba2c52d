"""The demo organisations. Charter serves one organisation per database, so each demo is its
own installation: ``seed_demo`` (Innovative Widgets, an Australian widget manufacturer) or
``seed_demo --organisation bank`` (Southern Cross Community Bank, a bank in New South Wales)."""

from .models import AustralianState, Organisation

WIDGETS = "widgets"
BANK = "bank"

# key: the organisation's row
ORGANISATIONS = {
    # Its complaints policy cites Victorian law, so it is Victorian.
    WIDGETS: {
        "name": "Innovative Widgets",
        "state": AustralianState.VIC,
        "time_zone": "Australia/Melbourne",
        "currency": "AUD",
    },
    BANK: {
        "name": "Southern Cross Community Bank",
        "state": AustralianState.NSW,
        "time_zone": "Australia/Sydney",
        "currency": "AUD",
    },
}


def seed(ctx) -> None:
    fields = dict(ORGANISATIONS[ctx.organisation])
    organisation, created = Organisation.objects.get_or_create(
        name=fields.pop("name"), defaults=fields
    )
    ctx.created["organisation"] = organisation
    if created:
        ctx.say(f"Created the organisation {organisation}.")
