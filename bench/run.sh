#!/bin/sh
# Runs the benchmarks from a built tree and prints their figures.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top}
set_=${1:-$top/../shared/eval/dev.jsonl}
[ -f "$set_" ] || set_=$top/tests/data/messages.jsonl
make -C "$build" -s hotline bench/bench_classify bench/bench_serve
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "== classifier on $(basename "$set_")"
"$build/bench/bench_classify" -n "${ROUNDS:-200}" -s "$tmp/bench.db" "$set_"
echo "== hotline serve: 1,000 chat sessions and 10,000 event streams"
"$build/bench/bench_serve" -H "$build/hotline" -n 1000 -m 10000 -d 10
"$build/bench/bench_serve" -H "$build/hotline" -n 1000 -m 10000 -d 10 -r 4000
if command -v msmtpd >/dev/null && [ -x /usr/sbin/dovecot ]; then
	echo "== mail channel: 2,000 letters through dovecot and msmtpd"
	sh "$top/bench/bench_mail.sh" -H "$build/hotline" -n 2000
fi
