#!/usr/bin/env python3
"""Benchmark the public site: PostgreSQL, gunicorn, wrk on loopback. See README.md."""

import argparse
import datetime as dt
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
CORPUS_SCRIPT = ROOT.parent / "shared" / "bench" / "corpus.py"
LUA = ROOT / "bench" / "paths.lua"
HOST = "127.0.0.1"  # the only address this script ever sends requests to
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
# Several checkouts on one machine each use their own: BENCH_DATABASE=newsroom_bench_x.
DB_NAME = os.environ.get("BENCH_DATABASE", "newsroom_bench")
if not DB_NAME.replace("_", "").isalnum():
    sys.exit(f"BENCH_DATABASE must be letters, digits and underscores: {DB_NAME!r}")
# Topic key words of the corpus (TOPIC_SPECS in corpus.py): each matches a share
# of the archive, not all of it.
SEARCH_TERMS = [
    "sequel", "release date", "soundtrack", "ballad", "box office",
    "film festival", "world tour", "casting", "streaming", "awards season",
    "trailer", "remake", "charts", "music video", "franchise", "comeback",
    "behind the scenes", "anniversary", "album release", "lawsuit",
]  # fmt: skip
HOT_ARTICLES = 200  # the cached run: the newest articles, where traffic goes
REDIS_URL = "redis://127.0.0.1:6379/3"  # the benchmark's own Redis database
PROFILE_PAGES = 50  # article pages rendered in process under cProfile
# Issue 9's targets on this 2-core machine.
TARGETS = {
    "article_rps": (">=", 360),
    "article_p99_ms": ("<", 40),
    "render_article_rps": (">=", 1000),
    "cached_article_rps": (">=", 2500),
    "cached_article_p99_ms": ("<", 15),
    "home_rps": (">=", 230),
    "article_queries": ("<=", 10),
    "search_median_ms": ("<", 30),
    "load_seconds": ("<", 15),
    "worker_rss_mib": ("<", 90),
}


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def run(args, env, timeout, **kw):
    """Run a command to completion within ``timeout`` seconds, or fail loudly."""
    result = subprocess.run(
        args, env=env, cwd=ROOT, timeout=timeout, capture_output=True, text=True, **kw
    )
    if result.returncode:
        sys.exit(
            f"{' '.join(map(str, args))} failed ({result.returncode}):\n"
            f"{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
        )
    return result.stdout


# Setup ----------------------------------------------------------------------


def make_corpus(n):
    if not CORPUS_SCRIPT.exists():
        sys.exit(
            f"The corpus generator is missing: {CORPUS_SCRIPT}\n"
            "Expected ../shared/bench/corpus.py next to this repository."
        )
    path = OUT / f"corpus-{n}.jsonl"
    if not path.exists():
        log(f"generating corpus of {n} articles")
        run(
            ["python3", CORPUS_SCRIPT, "--n", str(n), "--seed", "42", "--out", path],
            None,
            timeout=3600,
        )
    return path


def recreate_database():
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=10) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def base_env():
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        STATIC_ROOT=str(OUT / "staticfiles"),
        CONN_MAX_AGE="600",
        CACHE_URL="dummy://",
        PAGE_CACHE_SECONDS="0",
        RENDER_CACHE_SECONDS="0",
        PYTHONPATH=str(ROOT),
        LOG_LEVEL="ERROR",
    )
    return env


def manage(env, *args, timeout=600):
    return run([PYTHON, "manage.py", *args], env, timeout=timeout)


# Inside Django: URLs, query counts, in-process search timing ------------------


def inspect(out_path):
    """Runs in a child process with Django set up (bench/run.py --inspect FILE)."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from articles.models import Article

    published = Article.objects.published().select_related("section")
    paths = [a.get_absolute_url() for a in published.order_by("pk").iterator()]
    newest = [a.get_absolute_url() for a in published[:HOT_ARTICLES]]
    (OUT / "article_urls.txt").write_text("\n".join(paths) + "\n")
    (OUT / "hot_urls.txt").write_text("\n".join(newest) + "\n")
    (OUT / "home_urls.txt").write_text("/\n")
    search_paths = [f"/search/?q={term.replace(' ', '+')}" for term in SEARCH_TERMS]
    (OUT / "search_urls.txt").write_text("\n".join(search_paths) + "\n")

    # A broken page is a figure too (status 500), not a reason to stop.
    client = Client(raise_request_exception=False)

    def count(path):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        return {"path": path, "status": response.status_code, "queries": len(queries)}

    # Articles with the fewest and the most tags, citations and authors.
    sample = random.Random(42).sample(paths, min(5, len(paths)))
    # Per-process lookups (content types) happen once per worker, not per page.
    client.get(paths[-1])
    article_counts = [count(path) for path in sample]
    home_count = count("/")
    search_counts = [count(path) for path in search_paths[:3]]

    timings = []
    try:
        from articles.search import search_articles, with_snippets

        for term in SEARCH_TERMS:  # warm the caches once
            list(with_snippets(search_articles(term)[:20]))
        for term in SEARCH_TERMS:
            started = time.perf_counter()
            list(with_snippets(search_articles(term)[:20]))
            timings.append((time.perf_counter() - started) * 1000)
    except ImportError:
        pass
    render_ms, profile_text = profile_article_pages(client, paths)
    Path(out_path).write_text(
        json.dumps(
            {
                "articles": len(paths),
                "render_ms": render_ms,
                "profile": profile_text,
                "article_queries": article_counts,
                "home_queries": home_count,
                "search_queries": search_counts,
                "search_in_process_ms": timings,
            },
            indent=2,
        )
    )


def profile_article_pages(client, paths):
    """In-process time per article page (median ms) and a cProfile top 10.

    Random article pages through the test client, caches off, after one warm-up
    page; the profile covers the same pages.
    """
    import cProfile
    import io
    import pstats

    sample = random.Random(7).sample(paths, min(PROFILE_PAGES, len(paths)))
    client.get(sample[0])
    timings = []
    profiler = cProfile.Profile()
    for path in sample:
        started = time.perf_counter()
        profiler.enable()
        client.get(path)
        profiler.disable()
        timings.append((time.perf_counter() - started) * 1000)
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.strip_dirs().sort_stats("tottime").print_stats(10)
    stats.sort_stats("cumulative").print_stats(10)
    return round(statistics.median(timings), 2), text.getvalue()


# The server ---------------------------------------------------------------------


def free_port():
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def port_in_use(port):
    with socket.socket() as sock:
        return sock.connect_ex((HOST, port)) == 0


class Server:
    """gunicorn in its own process group, always stopped on exit."""

    def __init__(self, env, port):
        self.env = dict(env, PORT=str(port), HOST=HOST, WEB_CONCURRENCY="2")
        self.port = port
        self.process = None

    def __enter__(self):
        if port_in_use(self.port):
            sys.exit(f"Port {self.port} is already in use; pick another with --port.")
        self.log = open(OUT / "gunicorn.log", "a")  # noqa: SIM115
        self.process = subprocess.Popen(
            [GUNICORN, "newsroom.wsgi", "-c", "gunicorn.conf.py"],
            env=self.env,
            cwd=ROOT,
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn exited early; see {OUT / 'gunicorn.log'}")
            try:
                urllib.request.urlopen(f"http://{HOST}:{self.port}/", timeout=5)
                return self
            except urllib.error.HTTPError:
                return self  # it answers, even if with an error page
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        self.stop()
        sys.exit("gunicorn did not answer within 60 s")

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()

    def worker_rss_mib(self):
        """Resident memory of each worker (children of the master), in MiB."""
        master = self.process.pid
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        sizes = []
        for pid in children:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(round(int(line.split()[1]) / 1024, 1))
        return sizes

    def url(self, path):
        return f"http://{HOST}:{self.port}{path}"


# Load generation ----------------------------------------------------------------


def wrk_once(server, urls_file, duration, connections):
    env = dict(os.environ, BENCH_URLS=str(urls_file))
    output = run(
        [
            "wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency",
            "--timeout", "5s", "-s", LUA, server.url("/"),
        ],
        env,
        timeout=duration + 60,
    )  # fmt: skip
    line = next(x for x in output.splitlines() if x.startswith("JSON "))
    data = json.loads(line[5:])
    return {
        "rps": round(data["requests"] / (data["duration_us"] / 1e6), 1),
        "p50_ms": round(data["p50_us"] / 1000, 2),
        "p99_ms": round(data["p99_us"] / 1000, 2),
        "errors": data["socket_errors"] + data["non_2xx"],
    }


def python_once(server, urls_file, duration, connections):
    """Fallback load generator when wrk is missing: threads, one connection each."""
    paths = [p for p in Path(urls_file).read_text().splitlines() if p]
    latencies, errors, lock = [], [0], threading.Lock()
    stop_at = time.monotonic() + duration

    def worker(seed):
        rng = random.Random(seed)
        conn = http.client.HTTPConnection(HOST, server.port, timeout=5)
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                conn.request("GET", rng.choice(paths))
                response = conn.getresponse()
                response.read()
                ok = response.status < 400
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
            elapsed = time.perf_counter() - started
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors[0] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=duration + 10)
    latencies.sort()
    if not latencies:
        return {"rps": 0, "p50_ms": None, "p99_ms": None, "errors": errors[0]}
    return {
        "rps": round(len(latencies) / duration, 1),
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 2),
        "errors": errors[0],
    }


def measure(server, urls_file, options):
    once = wrk_once if shutil.which("wrk") else python_once
    once(server, urls_file, 3, options.connections)  # warm-up, not counted
    runs = [
        once(server, urls_file, options.duration, options.connections)
        for _ in range(options.runs)
    ]
    return {
        "rps": statistics.median(r["rps"] for r in runs),
        "p50_ms": statistics.median(r["p50_ms"] or 0 for r in runs),
        "p99_ms": statistics.median(r["p99_ms"] or 0 for r in runs),
        "errors": sum(r["errors"] for r in runs),
        "runs": runs,
    }


def search_over_http(server):
    timings = []
    paths = (OUT / "search_urls.txt").read_text().split()
    for path in paths + paths:  # the first pass warms up
        started = time.perf_counter()
        try:
            urllib.request.urlopen(server.url(path), timeout=10).read()
        except urllib.error.HTTPError:
            return None  # search is broken or missing: no figure
        timings.append((time.perf_counter() - started) * 1000)
    timings = timings[len(paths) :]
    return round(statistics.median(timings), 2)


def flush_redis():
    """Empty the benchmark's Redis database (only db 3, never another)."""
    import redis

    redis.Redis.from_url(REDIS_URL, socket_timeout=5).flushdb()


def warm(server, urls_file, threads=8):
    """Request every URL once, eight at a time; returns (pages, seconds)."""
    from concurrent.futures import ThreadPoolExecutor

    paths = [p for p in Path(urls_file).read_text().splitlines() if p]
    started = time.perf_counter()

    def fetch(chunk):
        conn = http.client.HTTPConnection(HOST, server.port, timeout=30)
        for path in chunk:
            try:
                conn.request("GET", path)
                conn.getresponse().read()
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(HOST, server.port, timeout=30)
        conn.close()

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(fetch, [paths[i::threads] for i in range(threads)]))
    return len(paths), round(time.perf_counter() - started, 1)


def load_average():
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


# A fixed pure-Python workload: its time says how fast this machine is at the
# moment, so runs on different days (or hosts) compare by ratio, not raw figure.
CALIBRATION = """
import time
started = time.perf_counter()
total = 0
for i in range(5_000_000):
    total += i
print(time.perf_counter() - started)
"""


def machine_speed(runs=5):
    """Median milliseconds of the calibration loop, each run in a fresh Python."""
    times = []
    for _ in range(runs):
        out = run([PYTHON, "-c", CALIBRATION], os.environ.copy(), timeout=120)
        times.append(float(out))
    return round(statistics.median(times) * 1000)


def cpu_times(stat=Path("/proc/stat")):
    """``(steal, total)`` CPU jiffies since boot, or None where there is no /proc."""
    try:
        fields = stat.read_text().split("\n", 1)[0].split()
    except OSError:
        return None
    # user nice system idle iowait irq softirq steal (guest time is in user).
    values = [int(x) for x in fields[1:9]]
    return (values[7] if len(values) > 7 else 0), sum(values)


def steal_share(before, after):
    """Percent of CPU time the hypervisor gave to other guests between two reads."""
    if before is None or after is None or after[1] <= before[1]:
        return None
    return round(100 * (after[0] - before[0]) / (after[1] - before[1]), 1)


# Report -------------------------------------------------------------------------


def verdict(name, value):
    if name not in TARGETS or value is None:
        return "", ""
    op, target = TARGETS[name]
    ok = {
        ">=": value >= target,
        "<": value < target,
        "<=": value <= target,
    }[op]
    return f"{op} {target}", "yes" if ok else "**no**"


def speed_note(speed):
    return ", ".join(f"{when} {ms}" for when, ms in speed.items()) or "?"


def write_report(results):
    (OUT / "results.json").write_text(json.dumps(results, indent=2))
    f = results["figures"]
    rows = [
        ("Bulk load, s (N articles with search vectors)", "load_seconds"),
        ("(a) Article pages, req/s (page + render cache off, random)", "article_rps"),
        ("(a) Article pages, p50 ms", "article_p50_ms"),
        ("(a) Article pages, p99 ms", "article_p99_ms"),
        ("(b) Article pages, req/s (render cache warm, random; see warm-up below)",
         "render_article_rps"),
        ("(b) Article pages, p50 ms", "render_article_p50_ms"),
        ("(b) Article pages, p99 ms", "render_article_p99_ms"),
        ("(c) Article pages, req/s (page cache in Redis, newest 200)",
         "cached_article_rps"),
        ("(c) Article pages, p50 ms", "cached_article_p50_ms"),
        ("(c) Article pages, p99 ms", "cached_article_p99_ms"),
        ("Article page render, ms in process (median of 50)", "render_ms"),
        ("Article pages, SQL queries (max of sample)", "article_queries"),
        ("Article SQL queries constant across sample", "article_queries_constant"),
        ("Home page, req/s (uncached)", "home_rps"),
        ("Home page, p99 ms (uncached)", "home_p99_ms"),
        ("Home page, SQL queries", "home_queries"),
        ("(b) Home page, req/s (cards from the render cache)", "render_home_rps"),
        ("(b) Home page, p99 ms (cards from the render cache)", "render_home_p99_ms"),
        ("Search, req/s (uncached, 20 terms)", "search_rps"),
        ("Search, p99 ms (uncached)", "search_p99_ms"),
        ("Search, SQL queries", "search_queries"),
        ("Search median ms (in process, 20 terms)", "search_median_ms"),
        ("Search median ms (over HTTP, 20 terms)", "search_http_median_ms"),
        ("Worker memory, MiB RSS (largest worker)", "worker_rss_mib"),
    ]  # fmt: skip
    lines = [
        f"# Benchmark results — {results['date']}",
        "",
        f"N = {results['n']} articles; {results['runs']} runs × {results['duration']} s"
        f" per figure (median); {results['connections']} connections; load "
        f"generator: {results['load_generator']}; gunicorn 2 sync workers, "
        "DEBUG off, PostgreSQL on 127.0.0.1.",
        "",
        "| Figure | Measured | Target | Met |",
        "|---|---|---|---|",
    ]
    for label, key in rows:
        target, met = verdict(key, f.get(key))
        lines.append(f"| {label} | {f.get(key)} | {target} | {met} |")
    load = ", ".join(f"{x:.2f}" for x in results.get("load_average", ()))
    lines += [
        "",
        f"Errors during load runs: {results['errors']}.",
        f"Load average before the run: {results.get('load_before', '?')}; "
        f"at the end: {load} (2 cores: above 2 means other work shared them).",
        "Load average before each mode: "
        + "; ".join(f"{m}: {v}" for m, v in results.get("load_by_mode", {}).items())
        + ".",
        f"Render cache warm-up: {results.get('warm', '?')}.",
        "Machine speed (5,000,000 Python additions, median of 5, ms; lower is "
        f"faster): {speed_note(results.get('machine_speed_ms', {}))}. CPU stolen "
        "by other guests during each mode: "
        + "; ".join(
            f"{m}: {'?' if v is None else f'{v}%'}"
            for m, v in results.get("steal_by_mode", {}).items()
        )
        + ".",
        "",
        "## In-process profile of article pages (cProfile, top 10)",
        "",
        "```",
        results.get("profile", "").strip(),
        "```",
        "",
    ]
    (OUT / "results.md").write_text("\n".join(lines))
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--duration", type=int, default=20, help="seconds per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--port", type=int, default=0, help="default: a free one")
    parser.add_argument(
        "--render-pages",
        type=int,
        default=0,
        help="(b) over this many random article pages, all warmed (default: all)",
    )
    parser.add_argument(
        "--skip-load", action="store_true", help="reuse the loaded database"
    )
    parser.add_argument("--inspect", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.inspect:
        return inspect(options.inspect)

    OUT.mkdir(parents=True, exist_ok=True)
    load_before = load_average()
    speed = {"before": machine_speed()}
    log(f"machine speed: {speed['before']} ms for the calibration loop")
    options.port = options.port or free_port()
    env = base_env()
    load_seconds = None
    if not options.skip_load:
        corpus = make_corpus(options.n)
        log(f"recreating database {DB_NAME}")
        recreate_database()
        manage(env, "migrate", "--noinput", "-v0")
        log("loading corpus")
        started = time.perf_counter()
        print(manage(env, "load_corpus", str(corpus), "-v2", timeout=1800).strip())
        load_seconds = round(time.perf_counter() - started, 2)
    manage(env, "collectstatic", "--noinput", "-v0")
    log("counting queries and timing search in process")
    run([PYTHON, "bench/run.py", "--inspect", OUT / "inspect.json"], env, timeout=3600)
    facts = json.loads((OUT / "inspect.json").read_text())
    figures = {"load_seconds": load_seconds}
    article_counts = [c["queries"] for c in facts["article_queries"]]
    figures["article_queries"] = max(article_counts)
    figures["article_queries_constant"] = len(set(article_counts)) == 1
    figures["home_queries"] = facts["home_queries"]["queries"]
    figures["search_queries"] = max(c["queries"] for c in facts["search_queries"])
    timings = facts["search_in_process_ms"]
    figures["render_ms"] = facts["render_ms"]
    figures["search_median_ms"] = (
        round(statistics.median(timings), 2) if timings else None
    )

    errors = 0
    measured = {}
    load_by_mode = {}

    def record(name, result):
        nonlocal errors
        measured[name] = result
        figures[f"{name}_rps"] = result["rps"]
        figures[f"{name}_p50_ms"] = result["p50_ms"]
        figures[f"{name}_p99_ms"] = result["p99_ms"]
        errors += result["errors"]

    steal_by_mode = {}
    log("(a) page cache and render cache off: article pages, home, search")
    load_by_mode["a"] = load_average()
    cpu = cpu_times()
    with Server(env, options.port) as server:
        for name in ("article", "home", "search"):
            record(name, measure(server, OUT / f"{name}_urls.txt", options))
        figures["search_http_median_ms"] = search_over_http(server)
        rss = server.worker_rss_mib()
        figures["worker_rss_mib"] = max(rss) if rss else None
        figures["worker_rss_all_mib"] = rss
    steal_by_mode["a"], cpu = steal_share(cpu, cpu_times()), cpu_times()

    redis_env = dict(env, CACHE_URL=REDIS_URL, RENDER_CACHE_SECONDS="86400")
    log("(b) render cache in Redis, warmed over every article page; page cache off")
    flush_redis()
    render_urls = OUT / "article_urls.txt"
    if options.render_pages:
        # On a busy machine warming every page takes too long; a random subset
        # (reported) keeps (b) a measure of hits.
        paths = render_urls.read_text().split()
        subset = random.Random(3).sample(paths, min(options.render_pages, len(paths)))
        render_urls = OUT / "render_urls.txt"
        render_urls.write_text("\n".join(subset) + "\n")
    with Server(redis_env, options.port) as server:
        pages, seconds = warm(server, render_urls)
        warm_note = f"{pages} article pages in {seconds} s"
        log(f"warmed {warm_note}")
        load_by_mode["b"] = load_average()
        record("render_article", measure(server, render_urls, options))
        # Lists are never stored whole with the page cache off; their cards are.
        record("render_home", measure(server, OUT / "home_urls.txt", options))
        rss = server.worker_rss_mib()
        figures["worker_rss_render_mib"] = max(rss) if rss else None
    steal_by_mode["b"], cpu = steal_share(cpu, cpu_times()), cpu_times()

    log("(c) page cache in Redis: the newest article pages")
    flush_redis()
    with Server(dict(redis_env, PAGE_CACHE_SECONDS="300"), options.port) as server:
        # Each page is stored once before the runs: misses are (a)'s figure.
        warm(server, OUT / "hot_urls.txt")
        load_by_mode["c"] = load_average()
        record("cached_article", measure(server, OUT / "hot_urls.txt", options))
    steal_by_mode["c"] = steal_share(cpu, cpu_times())
    flush_redis()
    speed["after"] = machine_speed()

    results = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "n": facts["articles"],
        "runs": options.runs,
        "duration": options.duration,
        "connections": options.connections,
        "load_generator": "wrk" if shutil.which("wrk") else "python threads",
        "errors": errors,
        "figures": figures,
        "queries": facts,
        "measurements": measured,
        "load_average": os.getloadavg(),
        "load_before": load_before,
        "load_by_mode": load_by_mode,
        "warm": warm_note,
        "machine_speed_ms": speed,
        "steal_by_mode": steal_by_mode,
        "profile": facts["profile"],
    }
    print(write_report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
