#!/usr/bin/env bash
# The scaling tables of docs/performance.md, printed as Markdown:
#  1. instructions for one evaluation of each procedure's representative case with the first
#     K facts it gives left unknown (K = 0, 2 … 20), with the compiled diagrams (the engine's
#     steady state) and case by case; `valgrind --tool=callgrind`, which counts the same on a
#     busy machine, the difference of 110 and 10 evaluations divided by 100;
#  2. a JSON Lines batch end to end (the shipped batch.jsonl repeated) against its size, on one
#     core and on every core: wall time, CPU time, cases a second, peak memory (/usr/bin/time).
# Needs valgrind and GNU time (Debian: valgrind, time). Run from the repository root:
#   bash benches/scaling.sh            (both tables; about ten minutes)
#   bash benches/scaling.sh unknown    (only the first)
#   bash benches/scaling.sh batch      (only the second)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
cargo build --release --quiet
cargo bench --bench profile --no-run --quiet 2>/dev/null
profile=$(ls -t target/release/deps/profile-* | grep -v '\.d$' | head -n 1)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

count() { # instructions collected in Engine::evaluate_case for: ARGS...
    valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" \
        --toggle-collect='cspr::eval::Engine::evaluate_case' "$profile" "$@" 2>&1 >/dev/null |
        awk '/Collected/ {print $4}'
}
per_eval() { # instructions for one evaluation: ID CASE K [by-case]
    local a b
    a=$(count unknown "$1" "$2" "$3" 10 ${4:-})
    b=$(count unknown "$1" "$2" "$3" 110 ${4:-})
    echo $(((b - a) / 100))
}
human() { awk -v n="$1" 'BEGIN { if (n >= 1e6) printf "%.2f M", n/1e6; else printf "%.0f k", n/1e3 }'; }

if [ "$what" = all ] || [ "$what" = unknown ]; then
    echo "| procedure (case) | way | 0 | 2 | 4 | 6 | 8 | 10 | 12 | 14 | 16 | 18 | 20 |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    for pair in "working_together_2018 death-in-area.json" "lincolnshire lincolnshire-rapid-review.json" \
        "buckinghamshire buckinghamshire-custody-death.json" "walsall walsall-referral.json"; do
        set -- $pair
        for way in compiled by-case; do
            row="| $1 (\`$2\`) | $way |"
            for k in 0 2 4 6 8 10 12 14 16 18 20; do
                if [ "$way" = compiled ]; then n=$(per_eval "$1" "$2" "$k"); else n=$(per_eval "$1" "$2" "$k" by-case); fi
                row="$row $(human "$n") |"
            done
            echo "$row"
        done
    done
    echo
fi

if [ "$what" = all ] || [ "$what" = batch ]; then
    grep -v '^\s*$' policies/examples/batch.jsonl > "$tmp/one.jsonl"
    echo "| cases | file | jobs | wall | CPU (user + sys) | cases/s (wall) | peak RSS |"
    echo "| --- | --- | --- | --- | --- | --- | --- |"
    for n in 1000 10000 100000 1000000; do
        awk -v n="$n" '{ a[NR] = $0 } END { for (i = 0; i < n; i++) print a[i % NR + 1] }' \
            "$tmp/one.jsonl" > "$tmp/b.jsonl"
        size=$(du -h "$tmp/b.jsonl" | cut -f1)
        for jobs in 1 $(nproc); do
            /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" \
                target/release/cspr eval working_together_2018 "$tmp/b.jsonl" --jobs "$jobs" > /dev/null
            read -r wall user sys rss < "$tmp/time"
            rate=$(awk -v n="$n" -v w="$wall" 'BEGIN { if (w > 0) printf "%.0f", n / w; else printf "(under 10 ms)" }')
            cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f s", u + s }')
            echo "| $n | $size | $jobs | ${wall} s | $cpu | $rate | $((rss / 1024)) MiB |"
        done
    done
fi
