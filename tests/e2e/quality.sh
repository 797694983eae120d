#!/bin/sh
# Quality gate: the classifier on the labelled development set must keep the
# targets of the foundation issue.  The set lives beside the repository
# (../shared/eval); without it the gate is skipped (exit 77).
. "$(dirname "$0")/lib.sh"
dev=${HOTLINE_DEV:-$top_srcdir/../shared/eval/dev.jsonl}
if [ ! -f "$dev" ]; then
	echo "skip: no $dev"
	exit 77
fi
"$HOTLINE" intents eval "$dev" >"$tmp/report" || true
cat "$tmp/report"
last=$(tail -n 1 "$tmp/report")
val() { printf '%s\n' "$last" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }'; }
check "automation >= 0.80 ($(val automation))" ge "$(val automation)" 0.80
check "wrong answers <= 0.03 ($(val wrong))" ge 0.03 "$(val wrong)"
check "handoff recall >= 0.95 ($(val handoff_recall))" \
	ge "$(val handoff_recall)" 0.95
check "out-of-scope held >= 0.90 ($(val oos_held))" ge "$(val oos_held)" 0.90
check "entity F1 >= 0.95 ($(val entity_f1))" ge "$(val entity_f1)" 0.95
# Service questions: the article of the service that was asked about.
topics=$top_srcdir/../shared/eval/topics-dev.jsonl
if [ -f "$topics" ]; then
	"$HOTLINE" kb eval "$topics" >"$tmp/topics" || true
	tlast=$(tail -n 1 "$tmp/topics")
	tval() { printf '%s\n' "$tlast" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
	check "service questions: topic hit >= 0.75 ($(tval topic_hit))" \
		ge "$(tval topic_hit)" 0.75
	check "service questions: another service's article <= 0.05 ($(tval topic_wrong))" \
		ge 0.05 "$(tval topic_wrong)"
fi
# The shared scorer, when Python is there, must agree with ours.
score=$top_srcdir/../shared/eval/score
if command -v python3 >/dev/null && [ -f "$score" ]; then
	"$HOTLINE" classify <"$dev" >"$tmp/got.jsonl"
	theirs=$(python3 "$score" "$dev" "$tmp/got.jsonl" | tail -n 1)
	check "eval/score agrees with hotline intents eval" \
		test "$theirs" = "$last"
fi
finish
