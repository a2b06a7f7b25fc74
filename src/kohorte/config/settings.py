"""Kohorte settings: one file, read from the environment.

Production differs from a developer's machine only by environment variables. ``KOHORTE_ENV``
is ``production`` (set by ``kohorte serve`` unless given), ``demo`` (set by ``kohorte demo``) or
``development`` (the default, also used by the tests).
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from kohorte.core.mailurl import MailURLError, mailers_from_url

PACKAGE_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = PACKAGE_DIR.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


KOHORTE_ENV = env("KOHORTE_ENV", "development")
if KOHORTE_ENV not in {"production", "demo", "development"}:
    raise ImproperlyConfigured(
        f"KOHORTE_ENV must be production, demo or development, not {KOHORTE_ENV!r}."
    )
PRODUCTION = KOHORTE_ENV == "production"

DATA_DIR = Path(env("KOHORTE_DATA_DIR", "var")).resolve()
NODE_MODULES_DIR = Path(env("KOHORTE_NODE_MODULES", str(REPO_DIR / "node_modules"))).resolve()

DEBUG = env_bool("KOHORTE_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("KOHORTE_DEBUG must not be set in production.")


# Django's own deploy check (security.W009) asks for as many; a key of one repeated
# character is 50 characters long and worthless.
SECRET_KEY_MIN_DISTINCT_CHARACTERS = 5


def _secret_key() -> str:
    key = env("SECRET_KEY")
    if key:
        if PRODUCTION and (len(key) < 50 or key.startswith("django-insecure")):
            raise ImproperlyConfigured(
                "SECRET_KEY is too weak for production: use at least 50 random characters."
            )
        if PRODUCTION and len(set(key)) < SECRET_KEY_MIN_DISTINCT_CHARACTERS:
            raise ImproperlyConfigured(
                f"SECRET_KEY is too weak for production: it has only {len(set(key))} distinct "
                f"characters (at least {SECRET_KEY_MIN_DISTINCT_CHARACTERS} needed). Use at least "
                '50 random characters: python -c "import secrets; '
                'print(secrets.token_urlsafe(64))"'
            )
        return key
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production refuses to start without a real secret key: "
            'generate one with  python -c "import secrets; print(secrets.token_urlsafe(64))"'
        )
    # Development and demo: a random key, kept in the data folder so that sessions survive
    # a restart.
    key_file = DATA_DIR / "secret_key"
    try:
        return key_file.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(64)
        try:
            DATA_DIR.mkdir(parents=True, exist_ok=True)
            key_file.write_text(key)
            key_file.chmod(0o600)
        except OSError:
            pass  # a read-only checkout still runs, with a key per process
        return key


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # modeltranslation must come before the admin so that its admin widgets win.
    "modeltranslation",
    # Ours first, so that our templates (404, allauth's layout) win over the libraries'.
    "kohorte.core",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.forms",  # the form renderer below finds Django's own widget templates here
    "whitenoise.runserver_nostatic",
    "kohorte.core.staticfiles.KohorteStaticFilesConfig",
    "django_htmx",
    "allauth",
    "allauth.account",
    "django_tasks_db",
    "kohorte.accounts",
    "kohorte.comms",
    "kohorte.catalog",
    "kohorte.admissions",
    "kohorte.selection",
    "kohorte.teaching",
    "kohorte.events",
    "kohorte.assessments",
    "kohorte.backoffice",
    "kohorte.credentials",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kohorte.core.http.TokenPageReferrerPolicyMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "kohorte.config.urls"
FORM_RENDERER = "kohorte.core.forms.KohorteFormRenderer"
WSGI_APPLICATION = "kohorte.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "kohorte.core.context_processors.site",
                "kohorte.admissions.context_processors.portal",
                "kohorte.teaching.context_processors.participant",
                "kohorte.teaching.context_processors.lecturer",
                "kohorte.demo.loading",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
SQLITE_PATH = DATA_DIR / "kohorte.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}",
        conn_max_age=int(env("KOHORTE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at the
        # start of a transaction, so that a busy database waits (timeout) instead of failing.
        "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # The test database is a file, so that tests can run a real worker process against it.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-kohorte.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "kohorte",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
# An applicant lands in their application after log-in (others on the public home page).
LOGIN_REDIRECT_URL = "admissions:mine"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Confirming the address (in the same browser) logs the person in: no second password entry.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_ADAPTER = "kohorte.comms.allauth.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "kohorte.accounts.forms.SignupForm"
# Sign-up with a known address does the same work as with a new one (accounts/signup.py).
ACCOUNT_FORMS = {"signup": "kohorte.accounts.signup.SignupForm"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_PRESERVE_USERNAME_CASING = False
# Rate limits (allauth; counted in the cache, so per process unless the cache is shared).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
}
KOHORTE_SIGNUP_OPEN = env_bool("KOHORTE_SIGNUP_OPEN", True)
# The version of the privacy notice that people accept when they sign up.
KOHORTE_PRIVACY_VERSION = env("KOHORTE_PRIVACY_VERSION", "2026-11-25.2")

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
# One date style per language: "5. Januar 2027, 23:59 Uhr", "5 January 2027, 11:59 pm".
FORMAT_MODULE_PATH = ["kohorte.formats"]
USE_TZ = True
TIME_ZONE = env("TIME_ZONE", "Europe/Berlin")
MODELTRANSLATION_DEFAULT_LANGUAGE = "de"
MODELTRANSLATION_LANGUAGES = ("de", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("de",)

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [
    ("vendor/kern", NODE_MODULES_DIR / "@kern-ux" / "native" / "dist"),
    ("vendor/htmx", NODE_MODULES_DIR / "htmx.org" / "dist"),
]
STATICFILES_DIRS = [(prefix, path) for prefix, path in STATICFILES_DIRS if path.is_dir()]
# Collected, hashed and compressed files where the server runs (demo, production); the finders
# serve the sources directly while developing and testing.
COLLECTED_STATIC = KOHORTE_ENV in {"production", "demo"}
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DATA_DIR / "private", "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if COLLECTED_STATIC
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not COLLECTED_STATIC
WHITENOISE_MAX_AGE = 3600

# Uploads: the largest accepted file, in MiB ("10 MB" in the brochure's sense).
KOHORTE_MAX_UPLOAD_BYTES = int(float(env("KOHORTE_MAX_UPLOAD_MB", "10")) * 1024 * 1024)
# PDF checks: the most pages any document may have (a cohort's rule or the default per kind
# below may only be lower), the node budget and the time budget of the active-content scan.
KOHORTE_PDF_MAX_PAGES = min(int(env("KOHORTE_PDF_MAX_PAGES", "200")), 32767)
KOHORTE_PDF_DEFAULT_MAX_PAGES = {
    "cv": 50,
    "motivation_letter": 50,
    "recommendation_letter": 50,
    "other": 100,
}
KOHORTE_PDF_MAX_OBJECTS = int(env("KOHORTE_PDF_MAX_OBJECTS", "100000"))
KOHORTE_PDF_MAX_NODES = int(env("KOHORTE_PDF_MAX_NODES", "2000000"))
KOHORTE_PDF_CHECK_SECONDS = float(env("KOHORTE_PDF_CHECK_SECONDS", "10"))

# --- Tasks and mail -------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
KOHORTE_SMTP_URL = env("KOHORTE_SMTP_URL")
DEFAULT_FROM_EMAIL = env("KOHORTE_MAIL_FROM", "Kohorte <kohorte@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The public address of this site, for links in mails (unsubscribe, referee links).
KOHORTE_BASE_URL = env("KOHORTE_BASE_URL", "http://127.0.0.1:8000")
# Retries: base × 2^(attempt−1) seconds, at most an hour; a mail fails after MAX attempts.
KOHORTE_MAIL_RETRY_BASE_SECONDS = float(env("KOHORTE_MAIL_RETRY_BASE_SECONDS", "30"))
KOHORTE_MAIL_MAX_ATTEMPTS = int(env("KOHORTE_MAIL_MAX_ATTEMPTS", "8"))
# A mail "sending" for longer than this was interrupted by a dying worker: send it again.
KOHORTE_MAIL_STALE_SECONDS = int(env("KOHORTE_MAIL_STALE_SECONDS", "300"))
# Referee mails one application can cause (docs/security.md, "Rate limits"): requests in
# total (asking another person counts), reminders per request, and hours between two mails
# to the same referee.
KOHORTE_REFEREE_MAX_REQUESTS = int(env("KOHORTE_REFEREE_MAX_REQUESTS", "3"))
KOHORTE_REFEREE_MAX_REMINDERS = int(env("KOHORTE_REFEREE_MAX_REMINDERS", "3"))
KOHORTE_REFEREE_REMINDER_HOURS = float(env("KOHORTE_REFEREE_REMINDER_HOURS", "24"))
# Certificate signing (docs/credentials.md): a PKCS#12 file, or PEM key + certificate + chain;
# neither: the local CA that `kohorte setup-issuer` makes in DATA_DIR / "issuer".
KOHORTE_ISSUER_PKCS12 = env("KOHORTE_ISSUER_PKCS12")
KOHORTE_ISSUER_PKCS12_PASSWORD = env("KOHORTE_ISSUER_PKCS12_PASSWORD")
KOHORTE_ISSUER_KEY = env("KOHORTE_ISSUER_KEY")
KOHORTE_ISSUER_CERT = env("KOHORTE_ISSUER_CERT")
KOHORTE_ISSUER_CHAIN = env_list("KOHORTE_ISSUER_CHAIN", "")
KOHORTE_ISSUER_CRLS = env_list("KOHORTE_ISSUER_CRLS", "")
# Open Badges credentials (docs/credentials.md): key folder (default DATA_DIR/credential-keys)
KOHORTE_CREDENTIAL_KEYS_DIR = env("KOHORTE_CREDENTIAL_KEYS_DIR")
try:
    MAILERS = mailers_from_url(KOHORTE_SMTP_URL, DATA_DIR / "mail")
except MailURLError as exc:
    raise ImproperlyConfigured(str(exc)) from exc

# --- Security -------------------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "kohorte.core.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("KOHORTE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = int(env("KOHORTE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
BEHIND_PROXY = env_bool("KOHORTE_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # allauth's rate limits count per client IP: behind the load balancer that is the address
    # the trusted proxies appended to X-Forwarded-For (counted from the right), not the proxy's
    # own address, which every visitor would share. Or name a header the proxy sets itself.
    try:
        ALLAUTH_TRUSTED_PROXY_COUNT = int(env("KOHORTE_TRUSTED_PROXY_COUNT", "1"))
    except ValueError as exc:
        raise ImproperlyConfigured("KOHORTE_TRUSTED_PROXY_COUNT must be a whole number.") from exc
    if ALLAUTH_TRUSTED_PROXY_COUNT < 1:
        raise ImproperlyConfigured(
            "KOHORTE_TRUSTED_PROXY_COUNT must be at least 1 when KOHORTE_BEHIND_PROXY is set."
        )
    if env("KOHORTE_TRUSTED_CLIENT_IP_HEADER"):
        ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("KOHORTE_TRUSTED_CLIENT_IP_HEADER")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": env("KOHORTE_LOG_LEVEL", "WARNING")},
}

# Public pages are cached per process for this many seconds at most (see core/pagecache.py).
KOHORTE_PAGE_CACHE_SECONDS = int(env("KOHORTE_PAGE_CACHE_SECONDS", "30"))
# How often a process re-reads the content version: the bound on how long another instance
# may serve a page from before an edit.
KOHORTE_PAGE_VERSION_SECONDS = float(env("KOHORTE_PAGE_VERSION_SECONDS", "1"))

# The operator of this site, for the imprint, the privacy notice and the accessibility statement.
KOHORTE_OPERATOR = {
    "name": env("KOHORTE_OPERATOR_NAME", "Hertie School gGmbH"),
    "address": env("KOHORTE_OPERATOR_ADDRESS", "Friedrichstraße 180, 10117 Berlin"),
    "email": env("KOHORTE_OPERATOR_EMAIL", "ki-zertifikat@hertie-school.org"),
    "representative": env("KOHORTE_OPERATOR_REPRESENTATIVE", ""),
    "privacy_contact": env("KOHORTE_PRIVACY_CONTACT", "ki-zertifikat@hertie-school.org"),
    "accessibility_contact": env(
        "KOHORTE_ACCESSIBILITY_CONTACT", "ki-zertifikat@hertie-school.org"
    ),
    # The date the accessibility statement was written or last reviewed (ISO).
    "accessibility_reviewed_on": env("KOHORTE_ACCESSIBILITY_REVIEWED_ON", "2026-11-25"),
    "is_demo": env_bool("KOHORTE_OPERATOR_IS_DEMO", True),
}
