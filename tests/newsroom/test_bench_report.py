"""The benchmark's report says how fast the machine was while it ran."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


def stat_file(tmp_path, name, steal, busy):
    path = tmp_path / name
    # user nice system idle iowait irq softirq steal guest guest_nice
    path.write_text(f"cpu  {busy} 0 0 {1000 - busy} 0 0 0 {steal} 0 0\ncpu0 1 2 3\n")
    return path


def test_steal_is_the_share_of_cpu_time_between_two_reads(tmp_path):
    before = bench.cpu_times(stat_file(tmp_path, "a", steal=10, busy=100))
    after = bench.cpu_times(stat_file(tmp_path, "b", steal=60, busy=550))
    assert before == (10, 1010)
    assert after == (60, 1060)
    assert bench.steal_share(before, after) == 100.0
    assert bench.steal_share((0, 0), (5, 100)) == 5.0


def test_without_proc_the_steal_is_unknown(tmp_path):
    assert bench.cpu_times(tmp_path / "missing") is None
    assert bench.steal_share(None, (1, 2)) is None
    # A counter that did not move says nothing rather than dividing by zero.
    assert bench.steal_share((1, 2), (1, 2)) is None


def test_machine_speed_times_the_calibration_loop():
    assert bench.machine_speed(runs=1) > 0


def test_the_report_prints_speed_and_steal(tmp_path, monkeypatch):
    monkeypatch.setattr(bench, "OUT", tmp_path)
    results = {
        "date": "2026-12-07 18:00 UTC",
        "n": 10,
        "runs": 1,
        "duration": 1,
        "connections": 1,
        "load_generator": "wrk",
        "errors": 0,
        "figures": {"home_rps": 250.0},
        "machine_speed_ms": {"before": 410, "after": 455},
        "steal_by_mode": {"a": 1.5, "b": None, "c": 0.0},
    }
    report = bench.write_report(results)
    assert "| Home page, req/s (uncached) | 250.0 | >= 230 | yes |" in report
    assert "ms; lower is faster): before 410, after 455." in report
    assert "each mode: a: 1.5%; b: ?; c: 0.0%." in report
    assert (tmp_path / "results.md").read_text() == report

