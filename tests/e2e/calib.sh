#!/bin/sh
# Calibrated confidence, as an editor and a citizen meet it: `intents eval`
# prints the reliability table; the committed intents/calib.def is what
# `intents calibrate` makes from the held-out sets (else it is stale: make
# it again); a calibration that is never sure keeps the agent from
# answering; a broken calib.def is reported with its line and loads nothing.
. "$(dirname "$0")/lib.sh"
holdout=$top_srcdir/tests/data/holdout.jsonl
holdout2=$top_srcdir/tests/data/holdout2.jsonl
holdout3=$top_srcdir/tests/data/holdout3.jsonl
holdout4=$top_srcdir/tests/data/holdout4.jsonl
holdout5=$top_srcdir/tests/data/holdout5.jsonl

out=$("$HOTLINE" intents eval "$holdout")
check "eval prints a reliability table by bins of confidence" \
	sh -c "printf '%s' \"\$1\" | grep -q '^  confidence  items mean conf  accuracy' &&
	    printf '%s' \"\$1\" | grep -q '^  0.9-1.0 *[0-9][0-9]* *0\.9[0-9]* *[01]\.[0-9]*$'" _ "$out"
ece=$(printf '%s\n' "$out" | sed -n 's/^expected calibration error: \([0-9.]*\) (300 decisions)$/\1/p')
check "eval prints the expected calibration error ($ece), small on the sets it was fitted on" \
	awk -v e="$ece" 'BEGIN { exit !(e != "" && e + 0 <= 0.05) }'
check "eval says how often sure answers are wrong" \
	sh -c "printf '%s' \"\$1\" | grep -q '^answers at confidence >= 0.9: [0-9]*, wrong [0-9.]*%$'" _ "$out"
check "the scorer's line stays the last one" \
	sh -c "printf '%s\n' \"\$1\" | tail -n 1 | grep -q '^automation=.* n=300$'" _ "$out"

out=$("$HOTLINE" intents why "забыла пароль от госуслуг")
check "why prints what the calibrated confidence was made of" \
	sh -c "printf '%s' \"\$1\" | grep -q '^calibration:  rules [0-9.]* model [-0-9.]* agree 1.000 fired 1.000'" _ "$out"

# The committed calibration matches the categories it calibrates.
"$HOTLINE" intents calibrate "$holdout" "$holdout2" "$holdout3" "$holdout4" \
	"$holdout5" >"$tmp/calib.def"
# Same names in the same order, numbers within 1e-4: another build's
# floating point may differ in the last digit printed.
same_calib() {
	grep -v '^#' "$1" >"$tmp/a"
	grep -v '^#' "$2" >"$tmp/b"
	test "$(wc -l <"$tmp/a")" -eq "$(wc -l <"$tmp/b")" &&
	    paste "$tmp/a" "$tmp/b" | awk '{ d = $2 - $4; if (d < 0) d = -d }
		$1 != $3 || d > 1e-4 { bad = 1 } END { exit bad }'
}
check "intents/calib.def is what intents calibrate makes from the held-out sets (if not: make it again)" \
	same_calib "$tmp/calib.def" "$top_srcdir/intents/calib.def"
"$HOTLINE" intents calibrate -f "$holdout" >"$tmp/features"
check "calibrate -f prints a line of features per decision" \
	test "$(wc -l <"$tmp/features")" -eq 300

# A copy of the data with a calibration that is never sure.
mkdir -p "$tmp/data/intents" "$tmp/data/kb"
cp -R "$top_srcdir/intents/." "$tmp/data/intents/"
cp -R "$top_srcdir/kb/articles" "$tmp/data/kb/"
printf 'bias -6\n' >"$tmp/data/intents/calib.def"
printf '{"id":"1","text":"Забыла пароль от госуслуг, как восстановить?"}\n' \
	>"$tmp/pw.jsonl"
HOTLINE_STATE="$tmp/d.db" "$HOTLINE" -d "$tmp/data" classify <"$tmp/pw.jsonl" \
	>"$tmp/pw.out"
check "a clear question is answered with the shipped calibration" \
	sh -c "\"\$HOTLINE\" classify <\"\$1\" | grep -q '\"action\":\"answer\"'" _ "$tmp/pw.jsonl"
check "…and handed to a person when the calibration is never sure enough" \
	grep -q '"action":"handoff".*"reason":"not sure enough"' "$tmp/pw.out"
check "…whose confidence is the calibrated one" \
	grep -q '"confidence":0.002,' "$tmp/pw.out"
printf 'answer_min 0\n' >"$tmp/zero.conf"
HOTLINE_STATE="$tmp/d.db" "$HOTLINE" -c "$tmp/zero.conf" -d "$tmp/data" \
	classify <"$tmp/pw.jsonl" >"$tmp/pw0.out"
check "answer_min 0 answers however unsure" \
	grep -q '"action":"answer"' "$tmp/pw0.out"

printf '# broken\nbias 1\nmodel -2\n' >"$tmp/data/intents/calib.def"
out=$(HOTLINE_STATE="$tmp/d.db" "$HOTLINE" -d "$tmp/data" -s "$tmp/d.db" serve -n 2>&1); rc=$?
check "serve -n refuses a calibration with a weight below zero" test "$rc" -ne 0
check "…naming its file and line" contains "$out" "calib.def:3: a weight below zero"
rm "$tmp/data/intents/calib.def"
out=$(HOTLINE_STATE="$tmp/d.db" "$HOTLINE" -d "$tmp/data" intents eval "$holdout")
check "without calib.def eval says the confidences are not probabilities" \
	contains "$out" "no intents/calib.def"
finish
