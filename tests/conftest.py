from decimal import Decimal

import pytest
from django.core.management import call_command

from charter.accounts import services
from charter.accounts.models import RoleCode, User


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: a rolled-back test leaves ids (and the
    permissions cached under them) that the next test's new rows may take again."""
    from django.core.cache import cache

    from charter.core import memo

    cache.clear()
    memo.forget()  # settings kept by the process: a rolled-back test's may not be the next's
    yield


@pytest.fixture
def make_user(db):
    counter = {"n": 0}

    def make(role: str | None = RoleCode.CUSTOMER_SERVICE_OFFICER, **fields) -> User:
        counter["n"] += 1
        username = fields.pop("username", f"{role or 'user'}{counter['n']}")
        services.roles_sync()
        return services.user_create(
            username=username,
            first_name=fields.pop("first_name", username.title()),
            email=fields.pop("email", f"{username}@example.com"),
            password=fields.pop("password", "a-long-test-password"),
            roles=[role] if role else [],
            **fields,
        )

    return make


@pytest.fixture
def admin_user(make_user):
    return make_user(RoleCode.ADMINISTRATOR, username="omar")


@pytest.fixture
def demo_limits(admin_user):
    """The Innovative Widgets authority limits of the demo (CSO: 10% up to $25, ...)."""
    from charter.accounts.demo import LIMITS, authority_limits_seed

    authority_limits_seed(actor=admin_user)
    return LIMITS


@pytest.fixture
def demo(db, monkeypatch):
    """The demo organisation, without its year of calls and complaints (tests that need the
    history use ``demo_with_history``)."""
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    call_command("seed_demo", verbosity=0, history=False)


@pytest.fixture
def demo_with_history(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    call_command("seed_demo", verbosity=0)


D = Decimal


@pytest.fixture
def run_worker():
    """Run the real database worker until the queue is empty (needs committed data)."""

    def run() -> int:
        from django_tasks_db.models import DBTaskResult

        call_command("db_worker", batch=True, startup_delay=False, verbosity=0, interval=0)
        return DBTaskResult.objects.finished().count()

    return run


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on localhost (aiosmtpd); Django sends to it. Yields the messages."""
    import socket

    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Collect(Message):
        def handle_message(self, message):
            received.append(message)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield received
    finally:
        controller.stop()
