#!/usr/bin/env python
"""nginx's microcache against nginx's static files: the deploy/ stack under wrk.

Starts gunicorn behind deploy/nginx.conf on 127.0.0.1 (deploy/local_stack.py: demo
data, SQLite, everything in a temporary folder), warms one article page, then
measures with wrk over HTTPS: a collected static file served from disk, and the
hot article page served through the 1-second microcache. The target: the page
reaches at least half the static file's rate.

    .venv/bin/python bench/nginx.py [--duration 10] [--connections 32] [--runs 3]
"""

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "deploy"))

import local_stack  # noqa: E402

WRK = shutil.which("wrk") or "/usr/bin/wrk"


def wrk(url, *, duration, connections, threads):
    result = subprocess.run(
        [WRK, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 60,
    )
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", result.stdout)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    transfer = re.search(r"Transfer/sec:\s+([\d.]+)(B|KB|MB|GB)", result.stdout)
    unit = {"B": 1e-6, "KB": 1 / 1024, "MB": 1, "GB": 1024}[transfer.group(2)]
    return (
        rate,
        float(p99.group(1)) * scale,
        int(errors.group(1)) if errors else 0,
        float(transfer.group(1)) * unit,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not Path(WRK).exists():
        sys.exit("wrk is missing: apt-get install -y wrk")

    with (
        tempfile.TemporaryDirectory(prefix="newsroom-nginx-bench-") as folder,
        local_stack.LocalStack(Path(folder), workers=args.workers) as stack,
    ):
        article = stack.shell(
            "from articles.models import Article\n"
            "print('URL', Article.objects.published().first().get_absolute_url())"
        )
        article = re.search(r"^URL (\S+)$", article, re.M).group(1)
        _, _, body = local_stack.get(stack.url + article)
        page_bytes = len(body)
        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', body.decode()).group(1)
        same_size = static_file_near(stack.folder / "staticfiles", page_bytes)
        targets = {
            f"static file, the site's CSS ({size_of(stack, stylesheet)} B)": stylesheet,
            f"static file, the page's size ({size_of(stack, same_size)} B)": same_size,
            f"hot page through the microcache ({page_bytes} B)": article,
        }
        figures = {name: [] for name in targets}
        for _ in range(args.runs):
            for name, path in targets.items():
                figures[name].append(
                    wrk(
                        stack.url + path,
                        duration=args.duration,
                        connections=args.connections,
                        threads=args.threads,
                    )
                )

    print(f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s over HTTPS,")
    print(f"median of {args.runs} runs; gunicorn {args.workers} workers behind nginx")
    print()
    print("| target | req/s | MB/s | p99 ms | non-2xx |")
    print("|---|---|---|---|---|")
    medians = []
    for name, runs in figures.items():
        rate = statistics.median(r[0] for r in runs)
        p99 = statistics.median(r[1] for r in runs)
        mbps = statistics.median(r[3] for r in runs)
        errors = sum(r[2] for r in runs)
        medians.append(rate)
        print(f"| {name} | {rate:.0f} | {mbps:.1f} | {p99:.1f} | {errors} |")
    css, same_size, page = medians
    # Bytes cost nginx the same whether they come from a file or its cache, so
    # the fair comparison is a static file as large as the page.
    ratio = page / same_size
    met = "yes" if ratio >= 0.5 else "NO"
    print(
        f"\nhot page / static file of the same size: {ratio:.2f} (target >= 0.50: {met})"
    )
    print(f"hot page / the site's CSS: {page / css:.2f}")
    return 0 if ratio >= 0.5 else 1


def size_of(stack, path):
    return (stack.folder / "staticfiles" / path.removeprefix("/static/")).stat().st_size


def static_file_near(folder, size):
    """The collected CSS or JS file whose size is nearest to size, as a URL."""
    candidates = [
        path
        for path in folder.rglob("*")
        if path.suffix in {".css", ".js"} and path.is_file()
    ]
    best = min(candidates, key=lambda path: abs(path.stat().st_size - size))
    return "/static/" + best.relative_to(folder).as_posix()


if __name__ == "__main__":
    sys.exit(main())
