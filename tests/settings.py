"""The production settings, with the few changes a test run needs."""

from charter.settings import *  # noqa: F403
from charter.settings import STORAGES, VAR_DIR

# Argon2 is deliberately slow; tests that do not test hashing use a fast hasher.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Plain HTTP on the test and live servers, and no collected static files.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# The demo's printed logins go to a file of the test run, not the developer's var/.
CHARTER_DEMO_LOGINS_FILE = VAR_DIR / "test-demo-logins.txt"
