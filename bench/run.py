#!/usr/bin/env python3
"""Benchmark: `comp run` on the reference plan against a hand-written Rust
program for the same plan (examples/handwritten.rs, the logic in
tests/support/handwritten_fast.rs) and against DuckDB running the plan as SQL
(../shared/bench/reference_plan_duckdb.py, when `duckdb` is importable), on
generated data of each size.

usage: python3 bench/run.py [--rows 1000000,10000000] [--runs 5] [--threads N]

`comp diff` (a what-if: the plan against itself with `--set over_rate=6%`)
is timed alongside and reported as a ratio to `comp run`; `comp check` on the
plan is timed last (median of 21 whole-process runs).

For every size, each program runs --runs times, the programs taking turns
(so that a busy spell on the machine hits all of them alike) in balanced
orders (over four rounds of four programs, each runs once right after each
other: see `balanced_orders`), all with
--threads threads (default: every core). Reported per program: whole-process
wall time (median and best), CPU time user+sys (median), rows per second
(rows / median wall), peak memory (the largest maximum resident set size, from
GNU time), and the ratios of its median wall and CPU times to the
hand-written program's and DuckDB's (below 1 is faster).

Data is generated once per size into <cargo target dir>/bench-data/<rows>/ by
comp-datagen (seeded: every run measures the same bytes; 10M rows is about
700 MB). Outputs are checked before anything is reported: `comp run` and the
hand-written program must print the same bytes as the simple reference
implementation (examples/reference.rs, run once per size, untimed); DuckDB's
output is compared after dropping zero lines, and differences (exact half cents
its DECIMAL division rounds the other way) are reported but tolerated.
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DUCKDB_SCRIPT = os.path.join(ROOT, "..", "shared", "bench", "reference_plan_duckdb.py")
GNU_TIME = "/usr/bin/time"


def balanced_orders(n):
    """Orders of n programs in which every program runs right after every
    other equally often (a Williams design; for an odd n, each order and its
    mirror). The run right after DuckDB's is ~9% slower, whoever it is (the
    machine is still reclaiming its memory): a fixed order, or one merely
    rotated, would charge that to the same program every round.

    >>> balanced_orders(4)
    [[0, 1, 3, 2], [1, 2, 0, 3], [2, 3, 1, 0], [3, 0, 2, 1]]
    """
    first, low, high = [0], 1, n - 1
    while len(first) < n:
        first.append(low)
        low += 1
        if len(first) < n:
            first.append(high)
            high -= 1
    orders = [[(x + r) % n for x in first] for r in range(n)]
    return orders if n % 2 == 0 else orders + [order[::-1] for order in orders]


def target_dir():
    meta = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"], cwd=ROOT, check=True, capture_output=True
    )
    return json.loads(meta.stdout)["target_directory"]


def run_once(cmd, out_path):
    """Runs `cmd` with stdout to `out_path`: (wall s, user+sys s, peak KiB).

    Wall time is measured here; CPU time is wait4's for GNU time and what it
    waited for (its own is negligible), to the microsecond; the peak is GNU
    time's %M. (wait4's own peak is no good from Python: the child is spawned
    sharing the interpreter's memory, whose peak it then reports.)
    """
    with open(out_path, "wb") as out, tempfile.NamedTemporaryFile("r") as peak:
        argv = [GNU_TIME, "-f", "%M", "-o", peak.name] + cmd
        start = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=[(os.POSIX_SPAWN_DUP2, out.fileno(), 1)])
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            sys.exit(f"failed with exit code {code}: {' '.join(cmd)}")
        return wall, usage.ru_utime + usage.ru_stime, int(peak.read().split()[-1])


def nonzero(path):
    with open(path) as f:
        next(f)
        return {line for line in f if not line.rstrip().endswith(",0.00")}


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def generate(gen, data, rows):
    if os.path.exists(os.path.join(data, "sales.csv")):
        return
    partial = data + ".partial"
    shutil.rmtree(partial, ignore_errors=True)
    os.makedirs(partial)
    start = time.perf_counter()
    subprocess.run([gen, "--out", partial, "--rows", str(rows)], check=True, stdout=subprocess.DEVNULL)
    os.rename(partial, data)
    print(f"  generated {rows:,} rows in {time.perf_counter() - start:.1f} s into {data}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", default="1000000,10000000", help="comma-separated sizes (default 1000000,10000000)")
    ap.add_argument("--runs", type=int, default=5, help="runs per program and size (default 5)")
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="threads for every program (default: cores)")
    args = ap.parse_args()
    if not os.path.exists(GNU_TIME):
        sys.exit("needs GNU time for peak memory: apt-get install time")

    subprocess.run(
        ["cargo", "build", "--release", "--quiet", "--bin", "comp", "--bin", "comp-datagen"]
        + ["--example", "handwritten", "--example", "reference"],
        cwd=ROOT,
        check=True,
    )
    target = target_dir()
    rel = os.path.join(target, "release")
    comp, gen = os.path.join(rel, "comp"), os.path.join(rel, "comp-datagen")
    hand, reference = os.path.join(rel, "examples", "handwritten"), os.path.join(rel, "examples", "reference")
    try:
        import duckdb

        duck_version = duckdb.__version__ if os.path.exists(DUCKDB_SCRIPT) else None
    except ImportError:
        duck_version = None
    plan = os.path.join(ROOT, "rules", "sales_2024.comp")
    threads = str(args.threads)
    programs = {
        "hand-written": lambda data: [hand, data, "--threads", threads],
        "comp run": lambda data: [comp, "run", plan, "--data", data, "--format", "csv", "--threads", threads],
    }
    if duck_version:
        programs["duckdb"] = lambda data: [sys.executable, DUCKDB_SCRIPT, data, "--threads", threads]
    # A what-if: the plan against itself with the middle rate raised, on the same data.
    whatif = ["--set", "over_rate=6%"]
    programs["comp diff"] = lambda data: [comp, "diff", plan, plan, *whatif, "--data", data, "--threads", threads]

    print(f"machine: {os.cpu_count()} cores, {cpu_model()}; load average {os.getloadavg()[0]:.2f} at the start")
    print(
        f"threads {args.threads} for every program; {args.runs} runs each, taking turns; "
        + (f"DuckDB {duck_version}" if duck_version else "DuckDB not installed")
    )
    print("wall, cpu: median seconds (cpu = user + sys); best: fastest wall; ratios: median time / the other's")
    header = (
        f"{'rows':>10} {'program':<12} {'wall s':>7} {'best s':>7} {'cpu s':>7} {'rows/s':>12} {'peak MiB':>8}"
        f" {'wall/hand':>9} {'cpu/hand':>8} {'wall/duck':>9} {'cpu/duck':>8}"
    )
    print(header)
    for rows in [int(r) for r in args.rows.split(",")]:
        data = os.path.join(target, "bench-data", str(rows))
        generate(gen, data, rows)
        out = tempfile.mkdtemp(prefix="comp-bench-")
        # The oracle, untimed; it also brings the data into the page cache.
        run_once([reference, data], f"{out}/reference.csv")
        with open(f"{out}/reference.csv", "rb") as f:
            expected = f.read()
        results = {name: [] for name in programs}
        names = list(programs)
        orders = balanced_orders(len(names))
        for round_ in range(args.runs):
            for i in orders[round_ % len(orders)]:
                results[names[i]].append(run_once(programs[names[i]](data), f"{out}/{names[i]}.csv"))
        for name in ["hand-written", "comp run"]:  # `comp diff` prints a report, not payouts
            with open(f"{out}/{name}.csv", "rb") as f:
                if f.read() != expected:
                    sys.exit(f"DIFFERENTIAL FAILURE at {rows} rows: {name} differs from the reference (see {out})")
        if duck_version:
            a, b = nonzero(f"{out}/comp run.csv"), nonzero(f"{out}/duckdb.csv")
            if a != b:
                print(f"  note: duckdb differs on {len(a - b)} of {len(a)} non-zero lines (half-cent rounding)")

        summary = {}
        for name, runs in results.items():
            walls, cpus, peaks = zip(*runs)
            summary[name] = (statistics.median(walls), min(walls), statistics.median(cpus), max(peaks))

        def ratio(a, b):
            return f"{a / b:.2f}x" if b else "-"

        for name, (wall, best, cpu, peak) in summary.items():
            hand_wall, _, hand_cpu, _ = summary["hand-written"]
            duck = summary.get("duckdb")
            print(
                f"{rows:>10} {name:<12} {wall:>7.3f} {best:>7.3f} {cpu:>7.3f} {rows / wall:>12,.0f} {peak / 1024:>8.1f}"
                f" {ratio(wall, hand_wall):>9} {ratio(cpu, hand_cpu):>8}"
                f" {ratio(wall, duck[0]) if duck else '-':>9} {ratio(cpu, duck[2]) if duck else '-':>8}"
            )
        print(f"{rows:>10} comp diff / comp run: {summary['comp diff'][0] / summary['comp run'][0]:.2f}x wall (median)")
        shutil.rmtree(out)
    check = [run_once([comp, "check", plan], os.devnull)[0] for _ in range(21)]
    print(f"comp check {os.path.relpath(plan, ROOT)}: {statistics.median(check) * 1000:.1f} ms wall, whole process (median of 21)")
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
