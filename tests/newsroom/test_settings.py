"""Settings read from the environment refuse bad values with a clear message."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from newsroom import env

ROOT = Path(__file__).resolve().parents[2]


def start_django(tmp_path, **variables):
    """Run django.setup() in a fresh process with only the given variables."""
    clean = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        **variables,
    }
    # Skip the project's .env so the developer's own settings cannot leak in.
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import newsroom.env as e; e.load_env_file = lambda path: None;"
        "import django; django.setup()"
    )
    return subprocess.run(
        [sys.executable, "-c", code, str(ROOT)],
        env=clean,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_site_refuses_to_start_without_secret_key_when_debug_is_off(tmp_path):
    result = start_django(tmp_path, DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_site_starts_without_secret_key_in_debug(tmp_path):
    result = start_django(tmp_path, DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_site_starts_with_secret_key_and_debug_off(tmp_path):
    result = start_django(tmp_path, DEBUG="0", SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr


def test_bad_debug_value_stops_the_site_with_a_clear_message(tmp_path):
    result = start_django(tmp_path, DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_live_poll_interval_out_of_range_stops_the_site_with_a_clear_message(
    tmp_path,
):
    result = start_django(tmp_path, DEBUG="1", LIVE_POLL_SECONDS="1")
    assert result.returncode != 0
    assert "LIVE_POLL_SECONDS=1 must be between 5 and 300" in result.stderr


def test_unknown_time_zone_stops_the_site_with_a_clear_message(tmp_path):
    result = start_django(tmp_path, DEBUG="1", TIME_ZONE="Mars/Olympus")
    assert result.returncode != 0
    assert "TIME_ZONE='Mars/Olympus' is not a known time zone" in result.stderr


def test_unsupported_database_scheme_stops_the_site_with_a_clear_message(tmp_path):
    result = start_django(tmp_path, DEBUG="1", DATABASE_URL="mysql://root@db/newsroom")
    assert result.returncode != 0
    assert "DATABASE_URL scheme 'mysql' is not supported" in result.stderr


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        ("YES", True),
        ("on", True),
        ("0", False),
        ("false", False),
        ("no", False),
        ("off", False),
        ("", False),
    ],
)
def test_env_bool_reads_common_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert env.env_bool("FLAG") is expected


def test_env_bool_uses_default_when_unset(monkeypatch):
    monkeypatch.delenv("FLAG", raising=False)
    assert env.env_bool("FLAG", default=True) is True


def test_env_bool_rejects_anything_else(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG='maybe' is not a boolean"):
        env.env_bool("DEBUG")


def test_env_int_rejects_words(monkeypatch):
    monkeypatch.setenv("CONN_MAX_AGE", "ten")
    with pytest.raises(ImproperlyConfigured, match="CONN_MAX_AGE='ten' is not a whole"):
        env.env_int("CONN_MAX_AGE", 600)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", " example.com, ,www.example.com ")
    assert env.env_list("ALLOWED_HOSTS") == ["example.com", "www.example.com"]


def test_no_database_url_means_sqlite_file(tmp_path):
    config = env.parse_database_url("", sqlite_default=tmp_path / "db.sqlite3")
    assert config == {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(tmp_path / "db.sqlite3"),
    }


def test_sqlite_url_gives_absolute_path():
    config = env.parse_database_url("sqlite:////srv/news.db", sqlite_default="x")
    assert config["NAME"] == "/srv/news.db"


def test_postgres_url_is_parsed_with_health_checks(monkeypatch):
    monkeypatch.delenv("CONN_MAX_AGE", raising=False)
    monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS", raising=False)
    monkeypatch.delenv("TEST_DATABASE_NAME", raising=False)
    config = env.parse_database_url(
        "postgres://news%40room:p%2Fss@db.example.com:5433/newsroom?sslmode=require",
        sqlite_default="unused",
    )
    assert config == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "newsroom",
        "USER": "news@room",
        "PASSWORD": "p/ss",
        "HOST": "db.example.com",
        "PORT": "5433",
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            "sslmode": "require",
            "server_side_binding": True,
            "prepare_threshold": 5,
        },
    }


def test_prepared_statements_can_be_turned_off_for_a_pooler(monkeypatch):
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "0")
    config = env.parse_database_url(
        "postgres://postgres@127.0.0.1/newsroom", sqlite_default="unused"
    )
    assert config["OPTIONS"] == {}


def test_binding_options_in_the_url_are_read_as_values(monkeypatch):
    monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS", raising=False)
    config = env.parse_database_url(
        "postgres://postgres@127.0.0.1/newsroom"
        "?server_side_binding=false&prepare_threshold=none",
        sqlite_default="unused",
    )
    assert config["OPTIONS"] == {
        "server_side_binding": False,
        "prepare_threshold": None,
    }
    config = env.parse_database_url(
        "postgres://postgres@127.0.0.1/newsroom?prepare_threshold=0",
        sqlite_default="unused",
    )
    assert config["OPTIONS"]["prepare_threshold"] == 0


def test_postgres_url_reads_conn_max_age_and_test_database_name(monkeypatch):
    monkeypatch.setenv("CONN_MAX_AGE", "0")
    monkeypatch.setenv("TEST_DATABASE_NAME", "ci_newsroom")
    config = env.parse_database_url(
        "postgresql://postgres@127.0.0.1/newsroom", sqlite_default="unused"
    )
    assert config["CONN_MAX_AGE"] == 0
    assert config["PORT"] == ""
    assert config["TEST"] == {"NAME": "ci_newsroom"}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://root@db/newsroom", "scheme 'mysql' is not supported"),
        ("postgres://postgres@db:5432/", "must name a database"),
        ("postgres://postgres@db:99999/newsroom", "bad port"),
        ("sqlite://", "needs a file path"),
        ("postgres://postgres@db/newsroom?prepare_threshold=often", "prepare_threshold"),
    ],
)
def test_bad_database_urls_are_refused(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        env.parse_database_url(url, sqlite_default="unused")


def test_cache_url_chooses_redis_or_local_memory():
    assert env.parse_cache_url("")["BACKEND"].endswith("LocMemCache")
    redis = env.parse_cache_url("redis://127.0.0.1:6379/1")
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["LOCATION"] == "redis://127.0.0.1:6379/1"


def test_cache_url_refuses_unknown_scheme():
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL scheme 'memcached'"):
        env.parse_cache_url("memcached://127.0.0.1:11211")


def test_env_file_does_not_override_real_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_NAME", "Real")
    monkeypatch.delenv("SITE_URL", raising=False)
    path = tmp_path / ".env"
    path.write_text("# comment\nSITE_NAME=From file\nSITE_URL='https://x.test'\n")
    env.load_env_file(path)
    assert os.environ["SITE_NAME"] == "Real"
    assert os.environ["SITE_URL"] == "https://x.test"


def test_env_file_with_a_bad_line_names_the_line(tmp_path):
    path = tmp_path / ".env"
    path.write_text("DEBUG=1\nnot a setting\n")
    with pytest.raises(ImproperlyConfigured, match=r"\.env:2: expected KEY=VALUE"):
        env.load_env_file(path)


def test_env_example_and_readme_list_every_variable_the_settings_read():
    code = (ROOT / "newsroom" / "settings.py").read_text() + (
        ROOT / "newsroom" / "env.py"
    ).read_text()
    names = set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', code))
    names |= set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', code))
    assert "SECRET_KEY" in names
    example = (ROOT / ".env.example").read_text()
    readme = (ROOT / "README.md").read_text()
    assert not {n for n in names if not re.search(rf"^#? ?{n}=", example, re.M)}
    assert not {n for n in names if f"`{n}`" not in readme}


def test_email_url_unset_or_console_prints_mail():
    console = "django.core.mail.backends.console.EmailBackend"
    assert env.parse_email_url("") == {"BACKEND": console}
    assert env.parse_email_url("console://") == {"BACKEND": console}


def test_email_url_smtp_with_starttls_and_encoded_password():
    mailer = env.parse_email_url(
        "smtp://news%40example.com:p%40ss@mail.example.com:587?tls=1"
    )
    assert mailer == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": "mail.example.com",
            "port": 587,
            "username": "news@example.com",
            "password": "p@ss",
            "use_tls": True,
            "use_ssl": False,
        },
    }


def test_email_url_smtps_uses_implicit_tls_on_port_465():
    options = env.parse_email_url("smtps://user:secret@mail.example.com?timeout=10")[
        "OPTIONS"
    ]
    assert options["port"] == 465
    assert options["use_ssl"] is True
    assert options["use_tls"] is False
    assert options["timeout"] == 10


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("smtp+tls://mail.example.com", "scheme 'smtp\\+tls' is not supported"),
        ("smtp://user:hunter2@:587", "names no mail server"),
        ("smtp://mail.example.com:http", "bad port"),
        ("smtp://mail.example.com?starttls=1", "unknown options starttls"),
        ("smtp://mail.example.com?tls=maybe", "tls='maybe' is not a boolean"),
        ("smtps://mail.example.com?tls=1", "cannot use both"),
        ("smtp://mail.example.com?timeout=soon", "timeout='soon'"),
    ],
)
def test_bad_email_urls_are_refused_with_a_clear_message(url, message):
    with pytest.raises(ImproperlyConfigured, match=message) as caught:
        env.parse_email_url(url)
    assert "hunter2" not in str(caught.value)


def test_bad_email_url_stops_the_site_with_a_clear_message(tmp_path):
    result = start_django(tmp_path, DEBUG="1", EMAIL_URL="mailto://news@example.com")
    assert result.returncode != 0
    assert "EMAIL_URL scheme 'mailto' is not supported" in result.stderr


def gunicorn_bind(**variables):
    code = "import runpy, sys; print(runpy.run_path(sys.argv[1])['bind'])"
    clean = {"PATH": os.environ.get("PATH", ""), **variables}
    result = subprocess.run(
        [sys.executable, "-c", code, str(ROOT / "gunicorn.conf.py")],
        env=clean,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return result.stdout.strip()


def test_gunicorn_listens_on_loopback_unless_told_otherwise():
    assert gunicorn_bind() == "127.0.0.1:8000"
    assert gunicorn_bind(PORT="8141") == "127.0.0.1:8141"
    assert gunicorn_bind(HOST="192.0.2.10", PORT="9000") == "192.0.2.10:9000"
    assert gunicorn_bind(BIND="unix:/run/newsroom.sock") == "unix:/run/newsroom.sock"
