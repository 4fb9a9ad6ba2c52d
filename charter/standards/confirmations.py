"""What a page says before an approval that emails staff (see ``charter.core.confirm``)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect

from charter.core.confirm import ask_to_confirm
from charter.core.errors import DomainError
from charter.core.guards import require

from . import selectors
from .models import ChannelOffer, CustomerNeed, ServicePromise, VersionStatus


def _refusal(request, *, permission: str, doing: str, version, back: str):
    """Who may not act, or a version that is no longer a draft, is told so as the service would
    tell them, before being asked anything (the service checks it all again on Confirm)."""
    try:
        require(request.user, permission, doing)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(back)
    if version.status != VersionStatus.DRAFT:
        messages.error(
            request,
            f"Version {version.number} is {version.get_status_display().lower()}: only a draft "
            "can be changed or approved.",
        )
        return redirect(back)
    return None


def ask_to_approve(request, *, version, permission: str, doing: str, what: str, back: str):
    """Approving emails every member of staff the version binds: say how many first."""
    refused = _refusal(request, permission=permission, doing=doing, version=version, back=back)
    if refused:
        return refused
    staff = selectors.staff_bound_by(version)
    bound = staff.count()
    emailed = staff.exclude(email="").count()
    return ask_to_confirm(
        request,
        title=f"Approve version {version.number} of {what}?",
        consequences=[
            f"Version {version.number} comes into force at once and the version in force now "
            "is superseded.",
            f"Approving version {version.number} emails "
            + (f"all {emailed} staff" if emailed != 1 else "the one member of staff")
            + " it applies to"
            + (
                f" ({bound - emailed} without an email address will not hear)"
                if bound > emailed
                else ""
            )
            + ", asking each to read and acknowledge it. Emails cannot be taken back.",
        ],
        confirm_label=f"Approve and email {emailed} staff",
        cancel_url=back,
    )


def ask_to_remove(request, *, permission: str, doing: str, version, what: str, back: str):
    """Removing part of a draft deletes what was written there: ask first, of someone who may."""
    refused = _refusal(request, permission=permission, doing=doing, version=version, back=back)
    if refused:
        return refused
    where = f"draft version {version.number}"
    return ask_to_confirm(
        request,
        title=f"Remove {what}?",
        consequences=[f"{what[0].upper()}{what[1:]} is deleted from {where}: its words are lost."],
        confirm_label="Remove it",
        cancel_url=back,
        danger=True,
    )


def ask_to_remove_part(request, item: ServicePromise | CustomerNeed | ChannelOffer, *, back: str):
    permission, doing = "standards.change_charterversion", "edit the charter"
    if isinstance(item, ServicePromise):
        what = f"the promise “{item.wording}”"
        permission, doing = "standards.delete_servicepromise", "remove the charter's promises"
    elif isinstance(item, CustomerNeed):
        what = f"the needs of {item.customer_type}"
    else:
        what = f"the {item.get_channel_display()} channel"
    return ask_to_remove(
        request, permission=permission, doing=doing, version=item.version, what=what, back=back
    )
