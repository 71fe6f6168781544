"""Test settings: tasks run inline, mail stays in memory, hashing is fast."""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdefghij")

from .settings import *  # noqa: E402, F403
from .settings import Q_CLUSTER  # noqa: E402

ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# django-q2 reads Q_CLUSTER at import time, so sync mode is set here, not per test.
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
CHAT_WEBHOOK_URL = "https://chat.example.com/hooks/test"
