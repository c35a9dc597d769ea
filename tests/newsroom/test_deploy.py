"""The production set-up the README documents: settings, nginx in front, media served."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = ROOT / "deploy" / "production.env"


def read_env_file(path):
    variables = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            variables[key] = value
    return variables


def manage(args, variables, cwd, timeout=120):
    """Run manage.py in a fresh process with only these variables (no .env)."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import newsroom.env as e; e.load_env_file = lambda path: None;"
        "from django.core.management import execute_from_command_line;"
        "execute_from_command_line(['manage.py', *sys.argv[2:]])"
    )
    clean = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        **variables,
    }
    return subprocess.run(
        [sys.executable, "-c", code, str(ROOT), *args],
        env=clean,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_check_deploy_is_clean_with_the_documented_production_environment(tmp_path):
    result = manage(
        ["check", "--deploy", "--fail-level", "WARNING"],
        read_env_file(PRODUCTION_ENV),
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_refuses_the_console_mail_backend_and_plain_http(tmp_path):
    """The check above means something: without the production values it fails."""
    variables = read_env_file(PRODUCTION_ENV)
    for name in ("EMAIL_URL", "SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT"):
        del variables[name]
    result = manage(
        ["check", "--deploy", "--fail-level", "WARNING"], variables, tmp_path
    )
    assert result.returncode != 0
    for check in ("mail.E001", "security.W004", "security.W008"):
        assert check in result.stderr


def test_documented_production_environment_lists_only_known_variables():
    documented = (ROOT / ".env.example").read_text() + (ROOT / "README.md").read_text()
    for name in read_env_file(PRODUCTION_ENV):
        assert f"{name}=" in documented or f"`{name}`" in documented, name
