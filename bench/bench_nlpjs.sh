#!/bin/sh
# hotline beside nlp.js (node-nlp 4.x) on the same messages in the same run:
# classify()'s messages per second on one thread (bench_classify), the
# whole `hotline classify` command over the messages repeated (load and
# JSON included), and nlp.js trained on the training set (bench_nlpjs.mjs),
# then the ratios.  nlp.js is installed with npm into the build tree on
# first use (never committed).
#
#	bench/bench_nlpjs.sh [-n rounds] [FILE.jsonl...]
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top}
rounds=20
if [ "$1" = "-n" ]; then
	rounds=$2
	shift 2
fi
eval_dir=$top/../shared/eval
[ $# -gt 0 ] || set -- "$eval_dir/dev.jsonl" "$eval_dir/topics-dev.jsonl"
train=$eval_dir/train.jsonl
for f in "$train" "$@"; do
	[ -f "$f" ] || { echo "bench_nlpjs: no $f" >&2; exit 1; }
done
command -v node >/dev/null || { echo "bench_nlpjs: needs node and npm" >&2; exit 1; }
nlp=$build/bench/nlpjs
if [ ! -d "$nlp/node_modules/node-nlp" ]; then
	mkdir -p "$nlp"
	npm install --prefix "$nlp" --no-audit --no-fund --silent \
	    node-nlp@4 >/dev/null
fi
make -C "$build" -s hotline bench/bench_classify
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== $(cat "$@" | wc -l) messages ($(for f in "$@"; do basename "$f"; done | tr '\n' ' ')), $rounds rounds"
"$build/bench/bench_classify" -n "$rounds" -s "$tmp/bench.db" "$@" \
    > "$tmp/hotline.txt"
sed 's/^/hotline classify(): /' "$tmp/hotline.txt"
i=0
while [ $i -lt "$rounds" ]; do
	cat "$@"
	i=$((i + 1))
done > "$tmp/all.jsonl"
n=$(wc -l < "$tmp/all.jsonl")
HOTLINE_STATE=$tmp/bench.db "$build/hotline" classify < "$tmp/all.jsonl" \
    > /dev/null
t0=$(date +%s.%N)
HOTLINE_STATE=$tmp/bench.db "$build/hotline" classify < "$tmp/all.jsonl" \
    > /dev/null
t1=$(date +%s.%N)
node "$top/bench/bench_nlpjs.mjs" "$nlp/node_modules" "$train" "$rounds" \
    "$@" > "$tmp/nlp.json"
awk -v n="$n" -v t0="$t0" -v t1="$t1" -v nlp="$(cat "$tmp/nlp.json")" '
/^throughput:/ { c = $2 }
/^latency p99:/ { p99 = $3 }
END {
	cmd = n / (t1 - t0)
	split(nlp, f, /[:,}]/)
	for (i = 1; i in f; i++) {
		if (f[i] ~ /per_second/) nps = f[i + 1]
		if (f[i] ~ /p99_us/) np99 = f[i + 1]
		if (f[i] ~ /train_ms/) ntrain = f[i + 1]
	}
	printf "hotline classify (command, load and JSON included): %.0f messages/s\n", cmd
	printf "nlp.js %s: %.0f messages/s, p99 %.0f us (trained in %.0f ms)\n", "4.x", nps, np99, ntrain
	printf "ratio classify() / nlp.js: %.1fx\n", c / nps
	printf "ratio hotline classify / nlp.js: %.1fx\n", cmd / nps
}' "$tmp/hotline.txt"
