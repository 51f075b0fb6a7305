#!/usr/bin/env bash
# Fuzzes one target: `fuzz/run.sh parse|check|run [SECONDS]` (default 600).
#
# Seeds the corpus with every plan the repository has (rules/, the examples of
# docs/language.md, tests/bad/plans/), then runs `cargo +nightly fuzz run` at
# the lowest priority. Crashes land in fuzz/artifacts/TARGET/; reproduce one
# with `cargo +nightly fuzz run TARGET fuzz/artifacts/TARGET/<file>`.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:?usage: fuzz/run.sh parse|check|run [SECONDS]}
seconds=${2:-600}

seeds=fuzz/corpus/seeds
rm -rf "$seeds"
mkdir -p "$seeds" "fuzz/corpus/$target"
cp rules/*.comp tests/bad/plans/*.comp "$seeds"/
cp tests/bad/data/plan.comp "$seeds"/data_plan.comp
# Each ```comp block of the language reference; fragments after the prelude
# (the first block), as tests/docs.rs checks them.
awk -v out="$seeds" '
    /^```comp/ { inside = 1; n++; body = ""; next }
    /^```/ && inside {
        inside = 0
        if (n == 1) prelude = body
        file = sprintf("%s/docs_%02d.comp", out, n)
        if (body ~ /^[ \t\n]*plan/) printf "%s", body > file
        else printf "%s\n%s", prelude, body > file
        close(file)
        next
    }
    inside { body = body $0 "\n" }
' docs/language.md

exec nice -n 19 cargo +nightly fuzz run "$target" "fuzz/corpus/$target" "$seeds" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1
