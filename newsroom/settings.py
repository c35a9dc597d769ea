"""Settings for the newsroom CMS, read from environment variables (see README)."""

import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django_prose_editor.config import html_tags
from js_asset import static_lazy

from newsroom.api.ratelimit import parse_rate
from newsroom.env import (
    env_bool,
    env_int,
    env_list,
    env_str,
    load_env_file,
    parse_cache_url,
    parse_database_url,
    parse_email_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
load_env_file(BASE_DIR / ".env")
DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "data")))

DEBUG = env_bool("DEBUG", default=False)
TESTING = "pytest" in sys.modules or (len(sys.argv) > 1 and sys.argv[1] == "test")

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        # Development and tests only: a key that is useless anywhere else.
        SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY to a long random string "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=1 for local development."
        )

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.redirects",
    "django.contrib.flatpages",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "taggit",
    "django_prose_editor",
    # Django Ninja, for /api/v1/; listed so its docs use its own static files.
    "ninja",
    "franchise",
    "articles",
    "newsroom",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "newsroom.middleware.RejectNullBytesMiddleware",
    # 503 with Retry-After instead of a 500 while the database is unreachable.
    "newsroom.outage.DatabaseOutageMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before CSP: a stored page is replayed whole, its nonce matching its scripts.
    "newsroom.caching.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.redirects.middleware.RedirectFallbackMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsroom.context_processors.site",
            ],
            "builtins": ["franchise.templatetags.datetimes"],
        },
    },
]

DATABASES = {
    "default": parse_database_url(
        env_str("DATABASE_URL"), sqlite_default=DATA_DIR / "newsroom.sqlite3"
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A fresh clone has no data folder yet; SQLite will not create it.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers and one writer work at once; IMMEDIATE avoids
        # "database is locked" on upgrade from a read to a write transaction.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": parse_cache_url(env_str("CACHE_URL"))}
# Whole public pages kept for anonymous readers (newsroom/caching.py). Off in
# development and tests: a local-memory cache cannot hear about changes made by
# another process (load_demo, cron). With several workers use CACHE_URL=redis://.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 0 if DEBUG or TESTING else 300)
# The rendered HTML of article, film, person and song pages, kept until something
# they show changes (dependency keys, see franchise/cache.py); 0 turns it off.
RENDER_CACHE_SECONDS = env_int(
    "RENDER_CACHE_SECONDS", 0 if DEBUG or TESTING else 86400
)
# How often a reader's open live blog asks for new updates (articles/views.py).
LIVE_POLL_SECONDS = env_int("LIVE_POLL_SECONDS", 20)
if not 5 <= LIVE_POLL_SECONDS <= 300:
    raise ImproperlyConfigured(
        f"LIVE_POLL_SECONDS={LIVE_POLL_SECONDS} must be between 5 and 300."
    )
# A CDN endpoint that is POSTed the purged keys after each change ({"tags": [...]},
# and a Surrogate-Key header); empty means no CDN to tell.
CDN_PURGE_URL = env_str("CDN_PURGE_URL")
CDN_PURGE_TIMEOUT = 2

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

if TESTING:
    # Hashing strength is not what tests check; a fast hasher keeps them quick.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
try:
    import zoneinfo

    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(
        f"TIME_ZONE={TIME_ZONE!r} is not a known time zone, e.g. Europe/London."
    ) from None

SITE_ID = 1
SITE_NAME = env_str("SITE_NAME", "PulseBeat Magazine")
# The home page's <meta name="description">, shown under its name in search results.
SITE_DESCRIPTION = env_str(
    "SITE_DESCRIPTION",
    "Film, music and franchise news, with every fact sourced and marked as "
    "rumoured, reported, confirmed or denied.",
)
# Absolute URLs in feeds, sitemaps and JSON-LD when no request is at hand.
SITE_URL = env_str("SITE_URL", "http://localhost:8000").rstrip("/")
SITE_LANGUAGE = env_str("SITE_LANGUAGE", "en")

# The newsroom's published standards (editable flat pages under /about/),
# linked from every footer and from the publisher's JSON-LD.
STANDARDS_PAGES = [
    ("correctionsPolicy", "/about/corrections-policy/", "Corrections policy"),
    (
        "verificationFactCheckingPolicy",
        "/about/verification/",
        "Verification and fact-checking",
    ),
    ("unnamedSourcesPolicy", "/about/unnamed-sources/", "Unnamed sources"),
    ("ethicsPolicy", "/about/ethics/", "Ethics policy"),
    ("masthead", "/about/masthead/", "Masthead"),
]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "newsroom" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# Uploads: refuse anything larger than this before Pillow sees it.
IMAGE_MAX_UPLOAD_BYTES = env_int("IMAGE_MAX_UPLOAD_BYTES", 15 * 1024 * 1024)
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGIN_URL = "admin:login"

# EMAIL_URL: smtp://user:password@host:587?tls=1, smtps://…:465 or console://
# (the default, which prints mail: development only, check --deploy refuses it).
MAILERS = {"default": parse_email_url(env_str("EMAIL_URL"))}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "newsroom@localhost")

# Renditions and workflow mail run as tasks: at once by default (no worker
# needed); point TASKS_BACKEND at a queue backend to run them in a worker.
TASKS = {
    "default": {
        "BACKEND": env_str(
            "TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend"
        )
    }
}

TAGGIT_CASE_INSENSITIVE = True
# Commas separate tags; a multi-word tag stays one (articles/tags.py).
TAGGIT_TAGS_FROM_STRING = "articles.tags.parse_tags"
TAGGIT_STRING_FROM_TAGS = "articles.tags.edit_string_for_tags"

# The JSON API (/api/v1/): requests per client IP, counted in the default cache.
API_RATE_LIMIT = env_str("API_RATE_LIMIT", "120/min")
parse_rate(API_RATE_LIMIT)  # a bad value stops the site at start, not per request
# Proxies whose X-Forwarded-For names the client (e.g. 127.0.0.1 behind nginx).
API_TRUSTED_PROXIES = env_list("API_TRUSTED_PROXIES")

# The body editor's "Embed", "Picture" and "Gallery" buttons
# (newsroom/static/newsroom/prose-embed.js); what they store is checked by
# articles/sanitize.py, not by this allow-list.
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("newsroom/prose-embed.js")],
        "extensions": {
            "Embed": html_tags(
                tags=["figure"],
                attributes={
                    "figure": ["data-embed", "data-embed-title", "data-embed-image"]
                },
            ),
            "InlineImage": html_tags(
                tags=["figure"],
                attributes={"figure": ["data-image", "data-image-caption"]},
            ),
            "Gallery": html_tags(
                tags=["figure"], attributes={"figure": ["data-gallery"]}
            ),
        },
    }
]

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    # Click-to-load embeds only, after the reader's click (articles/embeds.py,
    # FRAME_HOSTS; a test keeps the two lists equal).
    "frame-src": [
        "https://open.spotify.com",
        "https://platform.twitter.com",
        "https://player.vimeo.com",
        "https://www.instagram.com",
        "https://www.tiktok.com",
        "https://www.youtube-nocookie.com",
    ],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Nothing of ours is framed, not even by ourselves (check --deploy: W019).
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Behind TLS (deploy/nginx.conf): all off by default so plain-HTTP development
# and the benchmark work; the production environment in deploy/production.env
# turns them on. HSTS cannot be taken back once browsers have seen it.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False
)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
# Trust the proxy's X-Forwarded-Proto / X-Forwarded-Host only when one sits in
# front and overwrites them; otherwise any client could claim HTTPS or a host.
if env_bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
