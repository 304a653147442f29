"""SRM Trainer settings: one module, driven by environment variables.

Development needs no variables at all. Production (`DJANGO_DEBUG=false`) refuses to start
without `DJANGO_SECRET_KEY` and `DJANGO_ALLOWED_HOSTS`, and turns on secure cookies and HSTS.
Every variable is documented in README.md.
"""

from __future__ import annotations

import os
from pathlib import Path

from srm_trainer.env import (
    env_bool,
    env_cache,
    env_database,
    env_int,
    env_list,
    env_log_level,
    env_rate,
    env_str,
    require,
)
from srm_trainer.ops import logconfig

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", True)

# The IAM action catalogue's prebuilt copy (srm_trainer/iam/catalog.py): on a developer's machine
# and in the tests it is kept under build/, so manage.py commands, the development server's
# restarts and each test process skip its ~0.4 s build; in production only where
# IAM_CATALOG_CACHE_DIR names a directory.
if DEBUG:
    os.environ.setdefault("IAM_CATALOG_CACHE_DIR", str(BASE_DIR / "build" / "iam-catalog"))

SECRET_KEY = env_str("DJANGO_SECRET_KEY", None)
if DEBUG and not SECRET_KEY:
    # Only for a developer's machine; production refuses to start without a real one.
    SECRET_KEY = "dev-only-insecure-key-not-for-production"  # noqa: S105
require("DJANGO_SECRET_KEY", SECRET_KEY, "when DJANGO_DEBUG is false")

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
require("DJANGO_ALLOWED_HOSTS", ALLOWED_HOSTS, "when DJANGO_DEBUG is false")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "srm_trainer.admin_site.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",  # its clearsessions command (our table: srm_trainer/sessions.py)
    "django.contrib.messages",
    "django.contrib.humanize",  # allauth's own security-key list loads it (ours does not)
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "auditlog",
    "django_structlog",
    "srm_trainer.ops",
    "srm_trainer.accounts",
    "srm_trainer.ratelimit",
    "srm_trainer.sandbox",
    "netlab",  # the network lab's pages (engine: srm_trainer/netlab)
    "lessons",
    "quizzes",
    "curriculum",
    "teach",
    "cohorts",  # cohorts, assignments, gradebook (plugs into quizzes through quizzes.hooks)
    "glossary",  # terms from lessons/content/glossary.yaml; links first uses through lessons.hooks
    "certificates",  # course progress, the final exam's certificate (sits on quizzes, lessons)
    "search",  # full-text search over the content (listens to its signals; nothing imports it)
]

MIDDLEWARE = [
    "srm_trainer.middleware.HeadWithoutBodyMiddleware",  # first: a HEAD answer's body dropped
    "srm_trainer.middleware.ApiJsonErrorsMiddleware",  # then: it sees every response
    "srm_trainer.middleware.ContentLengthMiddleware",  # before anything reads the body
    "srm_trainer.middleware.CharsetMiddleware",  # before anything reads the query or body
    "srm_trainer.ops.request_log.RequestLogMiddleware",  # one log line per request, with its id
    "srm_trainer.ops.health.HealthCheckMiddleware",  # /healthz, before host checks and redirects
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "srm_trainer.accounts.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "srm_trainer.accounts.middleware.RequireMFAMiddleware",
    "lessons.timezones.LearnerTimeZoneMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "srm_trainer.middleware.ContentSecurityPolicyMiddleware",
    "srm_trainer.middleware.VersionsReadOnceMiddleware",  # kept values' versions: one read
    "srm_trainer.error_pages.MethodNotAllowedPageMiddleware",  # an empty 405: the 405 page
    "srm_trainer.too_large.BodyLimitMiddleware",  # a body over its door's limit, unread
    "srm_trainer.too_large.FormTooLargeMiddleware",  # last: reads a form before the CSRF check
]

ROOT_URLCONF = "srm_trainer.urls"
WSGI_APPLICATION = "srm_trainer.wsgi.application"
ASGI_APPLICATION = "srm_trainer.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "quizzes.context_processors.review_due",
                "teach.context_processors.teaching",
                "cohorts.context_processors.cohort_work",  # assigned work on the home page
                "certificates.context_processors.course_progress",  # home page, lazily
            ],
            # {% url %} with its answers kept per process (srm_trainer/kept_urls.py).
            # {% static %} likewise, for templates that do not load Django's (base.html), and
            # {% extends %} with the page frame's blocks found once (srm_trainer/kept_blocks.py);
            # {% kept %}: a part drawn once per few values, {% live %} holes drawn every time.
            # {% announce %}: a live update's words for the page's status region (live_status.py).
            "builtins": [
                "srm_trainer.kept_urls",
                "srm_trainer.kept_static",
                "srm_trainer.kept_blocks",
                "srm_trainer.kept_fragments",
                "srm_trainer.live_status",
                # {{ field|error_focused }}: a refused page opens on its first error.
                "srm_trainer.error_focus",
                # {% pager %}: a list's pager keeping the page's other parameters, drawn once
                # and kept (srm_trainer/pager.py, templates/_pager.html).
                "srm_trainer.pager",
            ],
        },
    },
]
# Form fields drawn in Python with Django's own markup, byte for byte (teach/rendering.py): the
# admin's pages draw a widget or two per row (list_editable, inline rows, action checkboxes),
# each about ten template renders otherwise. Templates it does not reproduce, or that an app
# overrides, still go through the engine.
FORM_RENDERER = "teach.rendering.TeachFormRenderer"

DATABASES = {
    "default": env_database(
        "DATABASE_URL",
        f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Keep each worker's connection between requests (opening one per request cost 12-17%
        # of worker time), checked before reuse so a restarted database is not an error.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets pages render while an answer is saved; IMMEDIATE transactions take the write lock
    # up front, so two requests saving at once queue (up to `timeout` seconds) instead of one
    # failing with "database is locked" when a read lock cannot be upgraded.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        transaction_mode="IMMEDIATE",
        timeout=20,
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Accounts on django-allauth (see docs/accounts.md). People sign in with their
# username; an e-mail address is optional and only needed to reset a forgotten password.
AUTHENTICATION_BACKENDS = [
    # Django's and allauth's backends, loading the user's role with the user (no extra query
    # per page for the header's Teaching link); see srm_trainer/accounts/backends.py.
    "srm_trainer.accounts.backends.ModelBackend",
    "srm_trainer.accounts.backends.AuthenticationBackend",
    # The plain ones, so sessions signed in before the role-aware backends still load.
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "srm_trainer.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "password1*", "password2*"]
ACCOUNT_FORMS = {  # the username rule, what "keep me signed in" means, both password mistakes
    "signup": "srm_trainer.accounts.forms.SignupForm",
    "login": "srm_trainer.accounts.forms.LoginForm",
    "change_password": "srm_trainer.accounts.forms.ChangePasswordForm",
    "set_password": "srm_trainer.accounts.forms.SetPasswordForm",
    "reset_password_from_key": "srm_trainer.accounts.forms.ResetPasswordKeyForm",
    "add_email": "srm_trainer.accounts.forms.AddEmailForm",  # no browser maxlength
    "reset_password": "srm_trainer.accounts.forms.ResetPasswordForm",
    "reauthenticate": "srm_trainer.accounts.forms.ReauthenticateForm",  # opens on its field
}
ACCOUNT_EMAIL_VERIFICATION = "optional"
# How long a link mailed to verify an address, or to choose a new password, works. The mails say
# "for 3 days" (locale/en/LC_MESSAGES/django.po); tests/accounts/test_mail_wording.py fails
# when these change without them.
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
PASSWORD_RESET_TIMEOUT = 3 * 24 * 60 * 60
# "Confirm it's you" (before closing the account or changing two-factor sign-in) takes the
# password or the second factor, never a code mailed to the account: on a phone found signed
# in, the mail app is usually signed in too (allauth offers "code" by default).
ACCOUNT_REAUTHENTICATION_METHODS = ["password", "mfa"]
# Adding, removing or making primary an e-mail address asks too: a reset link goes to any
# address on the account, so a browser left signed in was enough to add one's own, reset the
# password and shut the owner out (docs/accounts.md).
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
# Verifying an address while signed in (usually one added on the E-mail page) lands back there,
# where the address now shows as verified; allauth's default was the home page.
ACCOUNT_EMAIL_CONFIRMATION_AUTHENTICATED_REDIRECT_URL = "account_email"
# At most this many e-mail addresses an account: the E-mail page draws each (~0.3 ms and
# ~600 bytes), and adding one (10 a minute) never stopped: 5,000 made the page 1.6 s of CPU and
# 3 MB (docs/limits.md). allauth refuses the next add, and the page says why.
ACCOUNT_MAX_EMAIL_ADDRESSES = 5
# Mail the account's owner (when they gave an address) when its password, e-mail or
# two-factor settings change, so a takeover does not go unnoticed.
ACCOUNT_EMAIL_NOTIFICATIONS = True
# "strict": sign-in, password reset and sign-up never say whether an e-mail address is known
# (two accounts may then share an unverified address). A taken *username* cannot be hidden at
# sign-up; the adapter throttles those answers instead (`signup_username_taken`).
ACCOUNT_PREVENT_ENUMERATION = "strict"
# allauth counts in Django's cache. `login_failed` locks a username after 5 failures in 5 minutes
# and a client address after 10 failures in a minute, even for the right password.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "signup_username_taken": "10/10m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
# The authenticator app's entry and the security-key prompt name the site as the e-mails do.
MFA_ADAPTER = "srm_trainer.accounts.adapter.MFAAdapter"
# The code step of signing in and "Confirm it's you" open with the focus in the code's field.
# Adding a security key is refused past `forms.MAX_PASSKEYS` (10), before it is registered.
MFA_FORMS = {
    "add_webauthn": "srm_trainer.accounts.forms.AddWebAuthnForm",
    "authenticate": "srm_trainer.accounts.forms.AuthenticateForm",
    "reauthenticate": "srm_trainer.accounts.forms.ReauthenticateCodeForm",
    "authenticate_webauthn": "srm_trainer.accounts.forms.AuthenticateWebAuthnForm",
    "reauthenticate_webauthn": "srm_trainer.accounts.forms.ReauthenticateWebAuthnForm",
}
# A code stays good for one 30-second step after its own (RFC 6238 allows for the delay between
# reading a code and the server checking it): with none, a code typed in its last seconds failed.
# allauth refuses a code already used, so the wider window cannot be replayed.
MFA_TOTP_TOLERANCE = 1
# WebAuthn needs https, except on a developer's http://localhost.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG

# Account mail (reset and verification links, notes of changes): printed to the console in
# development; SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST", None)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = EMAIL_HOST or "localhost"
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "") or ""
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "SRM Trainer <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# django-auditlog records content changes; AuditContextMiddleware supplies actor and address.
AUDITLOG_INCLUDE_ALL_MODELS = False

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
# allauth's pages, form labels and messages in the site's words: an English catalogue re-wording
# allauth's msgids (locale/en/LC_MESSAGES/django.po says why; `make messages` compiles it).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
# Only production collects static files; in development whitenoise serves them from the finders.
STATIC_ROOT = None if DEBUG else BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            # whitenoise's compressed manifest storage, each URL kept (srm_trainer/storage.py)
            else "srm_trainer.storage.KeptURLsStorage"
        )
    },
}

# The database cache by default (its table comes with `migrate`); Redis when CACHE_URL says so.
CACHES = {"default": env_cache("CACHE_URL")}

# How many proxies in front of the app append to X-Forwarded-For (srm_trainer/clientip.py);
# 0: the app faces clients directly and trusts no forwarded header.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0, minimum=0)
if env_bool("DJANGO_TRUST_X_FORWARDED_PROTO", TRUSTED_PROXY_COUNT > 0):
    # Only a proxy we trust may say the client used https; without one, anyone could.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Requests per client per window ("COUNT/SECONDS"); see srm_trainer/ratelimit/. A client is a
# signed-in user, or an anonymous browser at one address.
RATE_LIMITS = {
    "sandbox": env_rate("RATE_LIMIT_SANDBOX", "240/60"),  # a person typing sends ~1 update a second
    "api": env_rate("RATE_LIMIT_API", "120/60"),
    "answer": env_rate("RATE_LIMIT_ANSWER", "120/60"),  # quiz and review answers: saves, checks
    "start": env_rate("RATE_LIMIT_START", "20/60"),  # quiz attempts started
    "signup": env_rate("RATE_LIMIT_SIGNUP", "20/600"),
    "join": env_rate("RATE_LIMIT_JOIN", "20/600"),  # cohort join codes typed or links opened
    "search": env_rate("RATE_LIMIT_SEARCH", "120/60"),  # live search sends ~1 a second of typing
    "export": env_rate("RATE_LIMIT_EXPORT", "10/3600"),  # "Download my data" (signed in only)
    # /teach/import/ previews and confirms: each reads, checks and draws up to 512 KB
    "import": env_rate("RATE_LIMIT_IMPORT", "30/600"),
    # /teach/: the quiz preview's check, the editors' Markdown preview and live engine checks
    # (policy, least privilege, network, WAF), as generous as the sandbox the editors mirror
    "teach_check": env_rate("RATE_LIMIT_TEACH_CHECK", "240/60"),
    # /teach/: saves of every kind of question; those an engine checks (policy, least privilege,
    # network, WAF, findings routing) cost up to ~0.2 s of CPU each (the engine, and the Markdown
    # of the prompt, explanation and scenario), the others 65-100 ms of Markdown
    "teach_save": env_rate("RATE_LIMIT_TEACH_SAVE", "30/60"),
    # /teach/: a cohort's gradebook and answers CSVs, their lists of parts and each part: up to
    # ~1 s of CPU each (exports.ANSWERS_PER_FILE, GRADEBOOK_ROWS_PER_FILE); 60 are a 900,000-
    # answer class's 18 parts, its gradebook's 5 and their lists twice over
    "class_files": env_rate("RATE_LIMIT_CLASS_FILES", "60/600"),
}
# The ceiling for all anonymous clients of one address together (a classroom behind one NAT).
RATE_LIMITS_PER_ADDRESS = {
    "sandbox": env_rate("RATE_LIMIT_SANDBOX_ADDRESS", "2400/60"),
    "api": env_rate("RATE_LIMIT_API_ADDRESS", "600/60"),
    "answer": env_rate("RATE_LIMIT_ANSWER_ADDRESS", "1200/60"),
    "start": env_rate("RATE_LIMIT_START_ADDRESS", "200/60"),
    "signup": env_rate("RATE_LIMIT_SIGNUP_ADDRESS", "60/600"),
    "join": env_rate("RATE_LIMIT_JOIN_ADDRESS", "200/600"),
    "search": env_rate("RATE_LIMIT_SEARCH_ADDRESS", "1200/60"),
    "export": env_rate("RATE_LIMIT_EXPORT_ADDRESS", "100/3600"),
    "import": env_rate("RATE_LIMIT_IMPORT_ADDRESS", "300/600"),
    "teach_check": env_rate("RATE_LIMIT_TEACH_CHECK_ADDRESS", "2400/60"),
    "teach_save": env_rate("RATE_LIMIT_TEACH_SAVE_ADDRESS", "300/60"),
    "class_files": env_rate("RATE_LIMIT_CLASS_FILES_ADDRESS", "600/600"),
}

# Secure defaults; production adds transport security on top.
# Database sessions, each row with its account, their per-request read compiled once
# (srm_trainer/sessions.py; the table is srm_trainer.accounts.models.Session).
SESSION_ENGINE = "srm_trainer.sessions"
# Django's cookie-then-session messages, the cookie's signer made only when a request has one.
MESSAGE_STORAGE = "srm_trainer.messages_storage.MessageStorage"
SESSION_COOKIE_HTTPONLY = True
# A multipart body over twice DATA_UPLOAD_MAX_MEMORY_SIZE is refused before it is read (Django
# counts a form's fields, not its files): srm_trainer/uploads.py.
FILE_UPLOAD_HANDLERS = [
    "srm_trainer.uploads.BoundedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
CSRF_FAILURE_VIEW = "srm_trainer.csrf_failure.csrf_failure"  # our words, and a notice for htmx
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# One line per request (django-structlog) and every other log line carry the request's id;
# JSON in production, readable lines in development (srm_trainer/ops/logconfig.py).
LOGGING = logconfig.configure(
    json=env_bool("DJANGO_LOG_JSON", not DEBUG), level=env_log_level("DJANGO_LOG_LEVEL", "INFO")
)
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False  # srm_trainer/ops/request_log.py binds client_ip
DJANGO_STRUCTLOG_STATUS_START_LOG_LEVEL = 10  # DEBUG: "request_started" only when debugging
