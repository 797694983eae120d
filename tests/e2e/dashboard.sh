#!/bin/sh
# The supervisor's figures and the citizens' votes end to end: a real
# `hotline serve` on a fresh state database, citizens in chromium who vote
# on answers and ask for a person, a senior and an operator on the
# dashboard (tests/browser/dashboard.mjs, screenshots into the build
# directory), then `hotline report` and `hotline kb feedback` must print
# the same figures.
. "$(dirname "$0")/lib.sh"
need_browser

conf=$tmp/hotline.conf
out=$tmp/out
printf 'listen 127.0.0.1:8080\n' >"$conf"
pid=
trap 'serve_stop; rm -rf "$tmp"' EXIT

password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
for who in boss:senior olga:operator; do
	printf '%s\n' "$password" | "$HOTLINE" -c "$conf" operator add \
	    "${who%%:*}" --role "${who#*:}" >/dev/null
done
serve_start

shots=$top_builddir/screenshots
HOTLINE_URL=$base HOTLINE_SENIOR=boss HOTLINE_OPERATOR=olga \
	HOTLINE_PASSWORD=$password HOTLINE_SHOTS=$shots \
	HOTLINE_BROWSER_WAIT_MS=30000 \
	node "$browser/dashboard.mjs" >"$tmp/run.log" 2>&1
sed 's/^/  /' "$tmp/run.log"
check "votes and the dashboard pass in chromium" \
	grep -q '^[0-9]* passed, 0 failed$' "$tmp/run.log"
check "screenshots of the dashboard in the build directory" \
	test -s "$shots/dashboard-1280.png" -a -s "$shots/dashboard-390.png"

# The terminal sees what the page saw (the browser test did: 3 messages,
# 5 decisions of which 2 handoffs, votes 1 yes and 2 no).
has() { printf '%s\n' "$1" | grep -q -- "$2"; }
report=$("$HOTLINE" -c "$conf" report --from today --to today)
printf '%s\n' "$report" | sed 's/^/  /'
check "report: 3 messages, all in the chat" \
	has "$report" 'messages  *3 (chat 3, email 0'
check "report: 5 decisions, 3 answers and 2 handoffs" \
	has "$report" 'decisions  *5 (answer 3, clarify 0, handoff 2, decline 0)'
check "report: a handoff rate of 40%" has "$report" 'handoff rate  *40.0%'
check "report: the general queue holds one citizen" \
	has "$report" 'queue general  *1 open, 1 citizens waiting'
check "report: the English queue holds one citizen" \
	has "$report" 'queue english  *1 open, 1 citizens waiting'
check "report: answers rated 1 helpful, 2 not" \
	has "$report" 'answers rated  *1 helpful, 2 not'
csv=$("$HOTLINE" -c "$conf" report --from today --to today --csv)
check "report --csv: messages as a row" has "$csv" '^total,messages,,3'
check "report --csv: handoffs as a row" has "$csv" '^total,handoffs,,2'
check "report refuses a day that is not one" \
	sh -c '! "$1" -c "$2" report --from 2026-02-30 2>/dev/null' - \
	"$HOTLINE" "$conf"

fb=$("$HOTLINE" -c "$conf" kb feedback --since today)
printf '%s\n' "$fb" | sed 's/^/  /'
check "kb feedback: the passport article first, with one no" \
	has "$(printf '%s\n' "$fb" | sed -n 2p)" '^ *1  *0  passport-foreign'
check "kb feedback: the SMS article with one no and one yes" \
	has "$fb" '^ *1  *1  login-sms-code'
check "kb feedback: the citizen's question, the phone masked" \
	has "$fb" 'загранпаспорт, мой телефон \*\*\*\*\*\*\*\*\*67'
check "kb feedback: never the phone itself" \
	sh -c '! printf "%s" "$1" | grep -q 89161234567' - "$fb"
fb=$("$HOTLINE" -c "$conf" kb feedback --since 2030-01-01)
check "kb feedback: nothing since a later day" has "$fb" 'no votes on answers'
finish
