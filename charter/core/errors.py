"""Domain errors: a service that refuses raises one, with a message a person can act on.

Views turn them into form errors or HTTP 4xx responses; they are never a 500.
"""


class DomainError(Exception):
    """A request the domain refuses. ``message`` is shown to the user as it is."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotPermitted(DomainError):
    """The actor's role does not allow this, whatever the value."""

    status_code = 403


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    """The record is not in a state that allows this step (e.g. already decided)."""

    status_code = 409


class AuditTrailIsAppendOnly(DomainError):
    status_code = 403

    def __init__(self):
        super().__init__("The audit trail is append-only: entries cannot be changed or deleted.")
