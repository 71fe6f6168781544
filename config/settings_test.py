"""Test settings: tasks run inline, mail stays in memory, hashing is fast."""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdefghij")

from .settings import *  # noqa: E402, F403
from .settings import DATABASES, Q_CLUSTER, VAR_DIR, env  # noqa: E402

ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# django-q2 reads Q_CLUSTER at import time, so sync mode is set here, not per test.
# The worker integration test starts a real qcluster with Q_SYNC=false.
Q_CLUSTER = {**Q_CLUSTER, "sync": env.bool("Q_SYNC", default=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so a worker process can share the test database; one per run, so
    # two test runs in one checkout never write to the same file.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
CHAT_WEBHOOK_URL = "https://chat.example.com/hooks/test"
# The tests' webhook receivers listen on 127.0.0.1.
WEBHOOK_ALLOW_PRIVATE = True
# The inbound email webhook's basic auth (tests sign in with it) and reply domain.
ANYMAIL = {"WEBHOOK_SECRET": "inbound-test:not-a-real-secret-0123456789"}
INBOUND_EMAIL_DOMAIN = "reply.example.com"
