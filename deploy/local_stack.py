"""Run the production stack on this machine: gunicorn behind deploy/nginx.conf.

Used by tests/newsroom/test_deploy.py and bench/nginx.py. Everything lives under
one temporary folder (database, media, collected static files, nginx's cache,
a self-signed certificate), both servers listen on 127.0.0.1 on free ports, and
the nginx site file is deploy/nginx.conf with only its paths, ports and
certificate swapped, so what is tested is what is documented.
"""

import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE_FILE = ROOT / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
PYTHON = ROOT / ".venv" / "bin" / "python"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def swap(text, old, new):
    """Replace old with new, refusing silently stale substitutions."""
    if old not in text:
        raise AssertionError(f"deploy/nginx.conf no longer contains {old!r}")
    return text.replace(old, new)


def site_config(folder, *, app, http_port, https_port, cert, key):
    text = SITE_FILE.read_text()
    text = swap(text, "/var/cache/nginx/newsroom", str(folder / "nginx-cache"))
    text = swap(text, "/srv/newsroom/", f"{folder}/")
    text = swap(text, "server 127.0.0.1:8000;", f"server {app};")
    text = swap(text, "listen 80;", f"listen 127.0.0.1:{http_port};")
    text = swap(text, "listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;")
    text = swap(text, "/etc/letsencrypt/live/news.example.com/fullchain.pem", str(cert))
    text = swap(text, "/etc/letsencrypt/live/news.example.com/privkey.pem", str(key))
    return text


def main_config(folder, site):
    """A whole nginx.conf around the site file, everything under folder."""
    # Workers must read the temporary folder; as root they would run as nobody.
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {name}_temp_path {folder}/nginx-temp/{name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{user}worker_processes auto;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
{temp}
{site}
}}
"""


def app_environment(folder, **extra):
    """The documented production settings, pointed at the temporary folder."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DEBUG": "0",
        "SECRET_KEY": "local-stack-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CSRF_TRUSTED_ORIGINS": "https://127.0.0.1",
        "DATABASE_URL": f"sqlite:///{folder}/newsroom.sqlite3",
        "MEDIA_ROOT": str(folder / "media"),
        "STATIC_ROOT": str(folder / "staticfiles"),
        "CACHE_URL": "",
        "EMAIL_URL": "console://",
        "SECURE_PROXY_SSL_HEADER": "1",
        "USE_X_FORWARDED_HOST": "1",
        "SECURE_SSL_REDIRECT": "1",
        "SECURE_COOKIES": "1",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
        "SECURE_HSTS_PRELOAD": "1",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def manage(env, *args, timeout=300):
    # The project's .env must not leak in: only the environment given here counts.
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import newsroom.env as e; e.load_env_file = lambda path: None;"
        "from django.core.management import execute_from_command_line;"
        "execute_from_command_line(['manage.py', *sys.argv[2:]])"
    )
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [str(PYTHON), "-c", code, str(ROOT), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    ).stdout


def self_signed_certificate(folder):
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(  # noqa: S603
        [OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    return cert, key


def insecure_tls():
    """Our own self-signed certificate: encryption without verification."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def get(url, *, headers=None, timeout=30):
    """(status, headers, body) without following redirects; errors are answers too."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(
        NoRedirect, urllib.request.HTTPSHandler(context=insecure_tls())
    )
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


class LocalStack:
    """gunicorn + nginx under folder; use as a context manager."""

    def __init__(self, folder, *, workers=2, load_demo=True, extra_env=None):
        self.folder = Path(folder)
        self.workers = workers
        self.load_demo = load_demo
        self.app_port = free_port()
        self.http_port = free_port()
        self.https_port = free_port()
        self.env = app_environment(self.folder, **(extra_env or {}))
        self.processes = []

    @property
    def url(self):
        return f"https://127.0.0.1:{self.https_port}"

    @property
    def http_url(self):
        return f"http://127.0.0.1:{self.http_port}"

    def prepare(self):
        for name in ("media", "staticfiles", "nginx-cache", "nginx-temp"):
            (self.folder / name).mkdir(parents=True, exist_ok=True)
        manage(self.env, "migrate", "--noinput", "-v0")
        if self.load_demo:
            manage(self.env, "load_demo")
        manage(self.env, "collectstatic", "--noinput", "-v0")
        cert, key = self_signed_certificate(self.folder)
        site = site_config(
            self.folder,
            app=f"127.0.0.1:{self.app_port}",
            http_port=self.http_port,
            https_port=self.https_port,
            cert=cert,
            key=key,
        )
        self.nginx_conf = self.folder / "nginx.conf"
        self.nginx_conf.write_text(main_config(self.folder, site))

    def start(self):
        env = {
            **self.env,
            "BIND": f"127.0.0.1:{self.app_port}",
            "WEB_CONCURRENCY": str(self.workers),
        }
        self.gunicorn_log = open(self.folder / "gunicorn.log", "w")  # noqa: SIM115
        self.processes.append(
            subprocess.Popen(  # noqa: S603
                [str(GUNICORN), "newsroom.wsgi", "-c", "gunicorn.conf.py"],
                cwd=ROOT,
                env=env,
                stdout=self.gunicorn_log,
                stderr=subprocess.STDOUT,
            )
        )
        nginx = [NGINX, "-p", str(self.folder), "-e", str(self.folder / "nginx-error.log"),
                 "-c", str(self.nginx_conf)]  # fmt: skip
        subprocess.run([*nginx, "-t", "-q"], check=True, capture_output=True)  # noqa: S603
        self.processes.append(
            subprocess.Popen(  # noqa: S603
                [*nginx, "-g", "daemon off;"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        self.wait_until_up()

    def wait_until_up(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for process in self.processes:
                if process.poll() is not None:
                    raise RuntimeError(f"{process.args[0]} exited: {self.logs()}")
            try:
                status, _, _ = get(self.url + "/robots.txt", timeout=5)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the stack did not answer in {timeout}s: {self.logs()}")

    def logs(self):
        parts = []
        for name in ("gunicorn.log", "nginx-error.log"):
            path = self.folder / name
            if path.exists():
                parts.append(f"--- {name}\n{path.read_text()[-3000:]}")
        return "\n".join(parts)

    def stop(self):
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes = []
        if getattr(self, "gunicorn_log", None):
            self.gunicorn_log.close()

    def __enter__(self):
        try:
            self.prepare()
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def shell(self, code):
        """Run Python with Django set up against the stack's database; its stdout."""
        return manage(self.env, "shell", "-c", code)


if __name__ == "__main__":
    # python deploy/local_stack.py FOLDER: start the stack and keep it up.
    with LocalStack(Path(sys.argv[1])) as stack:
        print(f"up: {stack.url}/ (nginx, self-signed) -> gunicorn 127.0.0.1:"
              f"{stack.app_port}", flush=True)  # fmt: skip
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
