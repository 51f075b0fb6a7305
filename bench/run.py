#!/usr/bin/env python3
"""Benchmark: `comp run` on the reference plan against a hand-written Rust
implementation (examples/handwritten.rs) and DuckDB (../shared/bench), on
generated data of each size. Whole-process wall time (median of N runs) and
peak memory (GNU time's maximum resident set size).

usage: python3 bench/run.py [--rows 1000000,10000000] [--runs 5] [--threads 2]

Data is generated once per size into target/bench-data/ by comp-datagen
(seeded, so every run measures the same bytes). Every engine's output is
compared with the hand-written one (the differential check); DuckDB's output
is compared after dropping zero lines, and differences at exact half cents
are reported but tolerated (its DECIMAL division rounds some halves wrongly).
"""
import argparse, os, shutil, statistics, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TIME = shutil.which("time") and "/usr/bin/time"


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def measure(cmd, out_path, runs):
    """Median wall seconds and max peak KiB of `cmd` over `runs` runs."""
    walls, peaks = [], []
    for _ in range(runs):
        with open(out_path, "wb") as out, tempfile.NamedTemporaryFile("r") as t:
            sh(["/usr/bin/time", "-f", "%e %M", "-o", t.name] + cmd, stdout=out)
            wall, peak = t.read().split()[-2:]
            walls.append(float(wall))
            peaks.append(int(peak))
    return statistics.median(walls), max(peaks)


def nonzero(path):
    with open(path) as f:
        next(f)
        return sorted(l for l in f if not l.rstrip().endswith(",0.00"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", default="1000000,10000000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    args = ap.parse_args()
    if not os.path.exists("/usr/bin/time"):
        sys.exit("needs GNU time: apt-get install time")
    sh(["cargo", "build", "--release", "--quiet", "--bin", "comp", "--bin", "comp-datagen", "--example", "handwritten"], cwd=ROOT)
    rel = os.path.join(ROOT, "target", "release")
    comp, gen, hand = os.path.join(rel, "comp"), os.path.join(rel, "comp-datagen"), os.path.join(rel, "examples", "handwritten")
    duck = os.path.join(ROOT, "..", "shared", "bench", "reference_plan_duckdb.py")
    try:
        import duckdb  # noqa: F401
        have_duck = os.path.exists(duck)
    except ImportError:
        have_duck = False
    plan = os.path.join(ROOT, "rules", "sales_2024.comp")
    print(f"machine: {os.cpu_count()} cores; comp --threads {args.threads}; median of {args.runs} runs")
    print(f"{'rows':>10} {'engine':<12} {'wall s':>8} {'rows/s':>12} {'peak MiB':>9} {'vs hand':>8} {'vs duckdb':>9}")
    for rows in [int(r) for r in args.rows.split(",")]:
        data = os.path.join(ROOT, "target", "bench-data", str(rows))
        if not os.path.exists(os.path.join(data, "sales.csv")):
            os.makedirs(data, exist_ok=True)
            sh([gen, "--out", data, "--rows", str(rows)], stdout=subprocess.DEVNULL)
        out = tempfile.mkdtemp()
        results = {}
        results["hand-written"] = measure([hand, data], f"{out}/hand.csv", args.runs)
        results["comp run"] = measure([comp, "run", plan, "--data", data, "--format", "csv", "--threads", str(args.threads)], f"{out}/comp.csv", args.runs)
        if open(f"{out}/comp.csv").read() != open(f"{out}/hand.csv").read():
            sys.exit(f"DIFFERENTIAL FAILURE at {rows} rows: comp and the hand-written program disagree ({out})")
        if have_duck:
            results["duckdb"] = measure([sys.executable, duck, data, "--threads", str(args.threads)], f"{out}/duck.csv", args.runs)
            a, b = set(nonzero(f"{out}/comp.csv")), set(nonzero(f"{out}/duck.csv"))
            if a != b:
                print(f"  note: duckdb differs on {len(a ^ b) // 2} lines (half-cent rounding in its DECIMAL division)")
        hand_wall = results["hand-written"][0]
        duck_wall = results.get("duckdb", (None,))[0]
        for name, (wall, peak) in results.items():
            vs_hand = f"{wall / hand_wall:.2f}x"
            vs_duck = f"{wall / duck_wall:.2f}x" if duck_wall else "-"
            print(f"{rows:>10} {name:<12} {wall:>8.2f} {rows / wall:>12,.0f} {peak / 1024:>9.1f} {vs_hand:>8} {vs_duck:>9}")
        shutil.rmtree(out)


if __name__ == "__main__":
    main()
