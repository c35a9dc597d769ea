"""The production set-up the README documents: settings, nginx in front, media served."""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

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


# --- gunicorn behind deploy/nginx.conf, both on 127.0.0.1 -----------------------

sys.path.insert(0, str(ROOT / "deploy"))
import local_stack  # noqa: E402


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    if not Path(local_stack.NGINX).exists():
        message = "nginx is missing: apt-get install -y nginx (scripts/test does)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with local_stack.LocalStack(tmp_path_factory.mktemp("stack")) as running:
        yield running


@pytest.fixture(scope="module")
def demo_article(stack):
    """The demo article with a lead image: its URL, its image and renditions."""
    output = stack.shell(
        "from articles.models import Article\n"
        "a = Article.objects.published().exclude(lead_image=None).first()\n"
        "print('URL', a.get_absolute_url())\n"
        "print('URL', a.lead_image.file.url)\n"
        "for r in a.lead_image.renditions.all(): print('URL', r.file.url)\n"
    )
    lines = [line[4:] for line in output.splitlines() if line.startswith("URL ")]
    return {"url": lines[0], "image": lines[1], "renditions": lines[2:]}


def test_article_lead_image_and_renditions_answer_200_through_nginx(
    stack, demo_article
):
    status, _, body = local_stack.get(stack.url + demo_article["url"])
    assert status == 200
    page = body.decode()
    shown = set(re.findall(r"/media/[^\s\"',]+", page))
    assert demo_article["renditions"], "the demo image has no renditions"
    assert shown & set(demo_article["renditions"]), "the page shows no rendition"
    for url in {demo_article["image"], *demo_article["renditions"], *shown}:
        status, headers, body = local_stack.get(stack.url + url)
        assert status == 200, url
        assert headers["Content-Type"].startswith("image/"), url
        assert len(body) > 0


def test_nginx_serves_collected_static_files(stack):
    status, headers, body = local_stack.get(stack.url + "/")
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', body.decode()).group(1)
    status, headers, _ = local_stack.get(stack.url + stylesheet)
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert "immutable" in headers["Cache-Control"]


def test_microcache_keeps_an_anonymous_page_for_a_second(stack, demo_article):
    url = stack.url + demo_article["url"]
    local_stack.get(url)
    status, headers, _ = local_stack.get(url)
    assert status == 200
    # Served from the microcache either way. A slow machine can take more than
    # the second between the two requests: then the expired copy is served while
    # nginx refreshes it, as STALE (this request started the background refresh)
    # or UPDATING (another request did).
    assert headers["X-Cache-Status"] in {"HIT", "STALE", "UPDATING"}
    # The app's own Cache-Control reaches readers unchanged.
    assert "public" in headers["Cache-Control"]


def test_microcache_never_keeps_what_the_app_marks_private(stack):
    for _ in range(2):
        status, headers, _ = local_stack.get(stack.url + "/admin/login/")
        assert status == 200
        assert (
            "private" in headers["Cache-Control"]
            or "no-store" in headers["Cache-Control"]
        )
        assert headers["X-Cache-Status"] != "HIT"


def test_microcache_is_bypassed_for_a_signed_in_session(stack, demo_article):
    url = stack.url + demo_article["url"]
    local_stack.get(url)
    status, headers, _ = local_stack.get(url, headers={"Cookie": "sessionid=abc"})
    assert status == 200
    assert headers["X-Cache-Status"] == "BYPASS"


def test_plain_http_is_redirected_and_https_carries_hsts(stack):
    status, headers, _ = local_stack.get(stack.http_url + "/search/?q=x")
    assert status == 301
    assert headers["Location"].startswith("https://")
    status, headers, _ = local_stack.get(stack.url + "/")
    assert status == 200
    hsts = headers["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts
    assert "includeSubDomains" in hsts
    assert "preload" in hsts


# --- scripts/demo ------------------------------------------------------------------

LINKED = ["manage.py", "newsroom", "articles", "franchise", "templates", ".venv"]
LINKED += ["pyproject.toml", ".python-version"]


def test_demo_on_another_port_writes_that_port_into_feed_links(tmp_path):
    """PORT=8001 scripts/demo used to write localhost:8000 into every feed link."""
    project = tmp_path / "project"
    (project / "scripts").mkdir(parents=True)
    # A copy of the scripts with the code linked in, so the demo writes its own
    # .env and cannot see the developer's.
    for name in ("demo", "_setup.sh"):
        shutil.copy2(ROOT / "scripts" / name, project / "scripts" / name)
    for name in LINKED:
        if (ROOT / name).exists():
            (project / name).symlink_to(ROOT / name)
    port = local_stack.free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "PORT": str(port),
        "DEBUG": "1",
        "DATA_DIR": str(tmp_path / "data"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PYTHONUNBUFFERED": "1",
    }
    log = open(tmp_path / "demo.log", "w")  # noqa: SIM115
    demo = subprocess.Popen(
        [str(project / "scripts" / "demo")],
        env=env,
        cwd=project,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        feed = wait_for(f"http://127.0.0.1:{port}/feeds/rss/", demo, timeout=300)
    finally:
        os.killpg(demo.pid, signal.SIGTERM)
        demo.wait(timeout=30)
        log.close()
    assert f"http://127.0.0.1:{port}/" in feed, (tmp_path / "demo.log").read_text()
    assert "localhost:8000" not in feed


def wait_for(url, process, *, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"scripts/demo exited with {process.returncode}")
        try:
            status, _, body = local_stack.get(url, timeout=10)
            if status == 200:
                return body.decode()
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {timeout}s")


EMBARGOED_IMAGE = """
import datetime as dt
from django.core.files.base import ContentFile
from django.utils import timezone
from articles.images import make_renditions
from articles.models import Article, Image
source = Article.objects.published().exclude(lead_image=None).first().lead_image
image = Image.objects.create(
    title="Held still", alt_text="A held still", credit="Studio",
    file_format=source.file_format,
    embargo_until=timezone.now() + dt.timedelta(hours=1),
    file=ContentFile(source.file.read(), name="held." + source.file_format),
)
make_renditions(image)
print("ID", image.pk)
for url in [image.file.url, *(r.file.url for r in image.renditions.all())]:
    print("URL", url)
"""

RELEASE_IMAGE = """
import datetime as dt
from django.core.management import call_command
from django.utils import timezone
from articles.models import Image
Image.objects.filter(pk={pk}).update(embargo_until=timezone.now() - dt.timedelta(seconds=1))
call_command("publish_scheduled")
image = Image.objects.get(pk={pk})
for url in [image.file.url, *(r.file.url for r in image.renditions.all())]:
    print("URL", url)
"""


def urls_in(output):
    return [line[4:] for line in output.splitlines() if line.startswith("URL ")]


def test_an_embargoed_pictures_files_are_unreachable_through_nginx_until_released(
    stack,
):
    output = stack.shell(EMBARGOED_IMAGE)
    pk = next(line[3:] for line in output.splitlines() if line.startswith("ID "))
    held = urls_in(output)
    assert len(held) > 1, "the picture has renditions"
    for url in held:
        assert url.startswith("/media/embargoed/"), url
        status, headers, _ = local_stack.get(stack.url + url)
        assert status == 404, url  # nginx hands the prefix to the app: no file
        # The same name under the served folder is no way round it either.
        public = url.replace("/media/embargoed/", "/media/", 1)
        assert local_stack.get(stack.url + public)[0] == 404, public

    released = urls_in(stack.shell(RELEASE_IMAGE.format(pk=int(pk))))
    assert released == [u.replace("/media/embargoed/", "/media/", 1) for u in held]
    for url in released:
        status, headers, body = local_stack.get(stack.url + url)
        assert status == 200, url
        assert headers["Content-Type"].startswith("image/"), url
    for url in held:
        assert local_stack.get(stack.url + url)[0] == 404, url
