"""Small, strict readers for settings that come from the environment."""

import os
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None:
        return default
    return parse_bool(name, raw)


def parse_bool(name, raw):
    """``raw`` (the text given for ``name``) as True or False, or a clear error."""
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean; use one of 1/0, true/false, yes/no, on/off."
    )


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def env_list(name, default=()):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def parse_database_url(url, *, sqlite_default):
    """Turn DATABASE_URL into a DATABASES['default'] dict (SQLite or PostgreSQL)."""
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(sqlite_default)}
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # sqlite:///relative/path.db or sqlite:////absolute/path.db
        path = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
        if not path:
            raise ImproperlyConfigured("DATABASE_URL=sqlite:// needs a file path.")
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": path}
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured(
                "DATABASE_URL must name a database, e.g. postgres://user@host:5432/newsroom"
            )
        options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured(
                f"DATABASE_URL has a bad port: {url!r}"
            ) from None
        config = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(port or ""),
            # Persistent connections with a health check before reuse.
            "CONN_MAX_AGE": env_int("CONN_MAX_AGE", 600),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
        # Given in the URL these arrive as text; psycopg and Django need a
        # bool and a number (or none, which turns prepared statements off).
        if "server_side_binding" in options:
            options["server_side_binding"] = parse_bool(
                "DATABASE_URL server_side_binding", options["server_side_binding"]
            )
        if "prepare_threshold" in options:
            raw = options["prepare_threshold"]
            if raw.lower() in {"", "none", "off"}:
                options["prepare_threshold"] = None
            elif raw.isdigit():
                options["prepare_threshold"] = int(raw)
            else:
                raise ImproperlyConfigured(
                    f"DATABASE_URL has prepare_threshold={raw!r}; use a whole number or none."
                )
        if env_bool("DATABASE_PREPARED_STATEMENTS", True):
            # Parameters bound by the server, and a statement run five times on
            # a connection prepared there: PostgreSQL stops planning the same
            # page queries again on every request. Off behind a pooler that
            # cannot keep prepared statements (PgBouncer in transaction mode).
            options.setdefault("server_side_binding", True)
            options.setdefault("prepare_threshold", 5)
        test_name = os.environ.get("TEST_DATABASE_NAME")
        if test_name:
            config["TEST"] = {"NAME": test_name}
        return config
    raise ImproperlyConfigured(
        f"DATABASE_URL scheme {parts.scheme!r} is not supported; "
        "use postgres://… or leave it unset for SQLite."
    )


def parse_cache_url(url):
    """CACHE_URL: unset for local memory, redis://host:port/db for Redis."""
    if not url:
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "newsroom",
        }
    scheme = urlsplit(url).scheme
    if scheme in {"redis", "rediss"}:
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
        }
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        f"CACHE_URL scheme {scheme!r} is not supported; use redis://… or leave it unset."
    )


def load_env_file(path):
    """Read KEY=VALUE lines from a .env file; real environment variables win."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not key.isidentifier():
            raise ImproperlyConfigured(
                f"{path}:{number}: expected KEY=VALUE, got {line!r}"
            )
        os.environ.setdefault(key, value.strip().strip("'\""))


SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"


def parse_email_url(url):
    """EMAIL_URL into a MAILERS entry: smtp://, smtps:// or console://.

    smtp://user:password@host:587?tls=1 sends with STARTTLS, smtps://…:465 over
    TLS from the first byte; console:// prints mail (development). User and
    password are percent-decoded, so an @ in a password is written %40.
    """
    if not url:
        return {"BACKEND": CONSOLE_BACKEND}
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "console":
        return {"BACKEND": CONSOLE_BACKEND}
    if scheme not in {"smtp", "smtps"}:
        raise ImproperlyConfigured(
            f"EMAIL_URL scheme {parts.scheme!r} is not supported; use "
            "smtp://user:password@host:587?tls=1, smtps://user:password@host:465 "
            "or console://."
        )
    if not parts.hostname:
        raise ImproperlyConfigured(
            f"EMAIL_URL={_hide_password(parts)!r} names no mail server, "
            "e.g. smtp://user:password@mail.example.com:587?tls=1"
        )
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(
            f"EMAIL_URL={_hide_password(parts)!r} has a bad port."
        ) from None
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = set(query) - {"tls", "ssl", "timeout"}
    if unknown:
        raise ImproperlyConfigured(
            f"EMAIL_URL has unknown options {', '.join(sorted(unknown))}; "
            "the options are tls=1, ssl=1 and timeout=seconds."
        )
    options = {
        "host": parts.hostname,
        "port": port or (465 if scheme == "smtps" else 25),
        "username": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "use_tls": _email_flag(query, "tls"),
        "use_ssl": scheme == "smtps" or _email_flag(query, "ssl"),
    }
    if options["use_tls"] and options["use_ssl"]:
        raise ImproperlyConfigured(
            "EMAIL_URL cannot use both STARTTLS (tls=1) and implicit TLS "
            "(smtps:// or ssl=1); pick one."
        )
    if "timeout" in query:
        raw = query["timeout"][-1]
        try:
            options["timeout"] = int(raw)
        except ValueError:
            raise ImproperlyConfigured(
                f"EMAIL_URL timeout={raw!r} is not a whole number of seconds."
            ) from None
    return {"BACKEND": SMTP_BACKEND, "OPTIONS": options}


def _email_flag(query, name):
    raw = query.get(name, ["0"])[-1].strip().lower()
    if raw in TRUE:
        return True
    if raw in FALSE:
        return False
    raise ImproperlyConfigured(
        f"EMAIL_URL {name}={raw!r} is not a boolean; use 1 or 0."
    )


def _hide_password(parts):
    """The URL for an error message, without the password in it."""
    netloc = parts.netloc.rpartition("@")
    if netloc[1] and ":" in netloc[0]:
        user = netloc[0].split(":", 1)[0]
        return parts._replace(netloc=f"{user}:***@{netloc[2]}").geturl()
    return parts.geturl()
