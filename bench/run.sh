#!/bin/sh
# Runs the benchmarks from a built tree and prints their figures.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top}
if [ $# -gt 0 ]; then
	sets="$*"
elif [ -f "$top/../shared/eval/dev.jsonl" ]; then
	sets="$top/../shared/eval/dev.jsonl $top/../shared/eval/topics-dev.jsonl"
else
	sets=$top/tests/data/messages.jsonl
fi
make -C "$build" -s hotline bench/bench_classify bench/bench_serve
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "== classifier on $(for f in $sets; do basename "$f"; done | tr '\n' ' ')"
# shellcheck disable=SC2086
"$build/bench/bench_classify" -n "${ROUNDS:-200}" -s "$tmp/bench.db" $sets
if command -v npm >/dev/null && [ -f "$top/../shared/eval/train.jsonl" ]; then
	echo "== beside nlp.js"
	# shellcheck disable=SC2086
	BUILD=$build sh "$top/bench/bench_nlpjs.sh" -n 20 $sets
fi
echo "== hotline serve: 1,000 chat sessions and 10,000 event streams"
"$build/bench/bench_serve" -H "$build/hotline" -n 1000 -m 10000 -d 10
"$build/bench/bench_serve" -H "$build/hotline" -n 1000 -m 10000 -d 10 -r 4000
if command -v msmtpd >/dev/null && [ -x /usr/sbin/dovecot ]; then
	echo "== mail channel: 2,000 letters through dovecot and msmtpd"
	sh "$top/bench/bench_mail.sh" -H "$build/hotline" -n 2000
fi
