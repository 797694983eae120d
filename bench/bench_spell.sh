#!/bin/sh
# What mending typos (intents/spell.c) gains: each evaluation set as it is
# and two misspelt copies made by bench/typos.py (drops and swaps; every
# kind), classified with `spelling 0` and `spelling 1`, scored by
# ../shared/eval/score: automation, wrong answers, out-of-scope held, and
# for service questions the topic hit and wrong rates.
#
#	bench/bench_spell.sh [FILE.jsonl...]
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top}
eval_dir=$top/../shared/eval
[ $# -gt 0 ] || set -- "$eval_dir/dev.jsonl" "$eval_dir/topics-dev.jsonl" \
    "$top/tests/data/holdout.jsonl" "$top/tests/data/holdout2.jsonl"
for f in "$eval_dir/score" "$@"; do
	[ -f "$f" ] || { echo "bench_spell: no $f" >&2; exit 1; }
done
make -C "$build" -s hotline
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "spelling 0" >"$tmp/off.conf"
echo "spelling 1" >"$tmp/on.conf"
export HOTLINE_STATE="$tmp/state.db"
printf '%-22s %-4s %6s %6s %6s %6s %6s\n' set spell auto wrong oos t.hit \
    t.wrong
for f in "$@"; do
	name=$(basename "$f" .jsonl)
	cp "$f" "$tmp/$name.jsonl"
	python3 "$top/bench/typos.py" "$f" >"$tmp/$name-typos.jsonl"
	python3 "$top/bench/typos.py" -s 9 -k drop,swap,key,double "$f" \
	    >"$tmp/$name-typos2.jsonl"
	for set in "$name" "$name-typos" "$name-typos2"; do
		for s in off on; do
			"$build/hotline" -c "$tmp/$s.conf" classify \
			    <"$tmp/$set.jsonl" >"$tmp/out.jsonl" 2>/dev/null
			python3 "$eval_dir/score" "$tmp/$set.jsonl" \
			    "$tmp/out.jsonl" 2>/dev/null | awk -v set="$set" \
			    -v s="$s" '
			    /^automation / { a = $NF }
			    /^wrong answers/ { w = $5 }
			    /^oos held/ { o = $NF }
			    /^topic hit/ { h = $NF }
			    /^topic wrong/ { t = $NF }
			    END { printf "%-22s %-4s %6s %6s %6s %6s %6s\n",
				set, s == "on" ? 1 : 0, a, w, o,
				h == "" ? "-" : h, t == "" ? "-" : t }'
		done
	done
done
