#!/bin/sh
# Browser tests: the real `hotline serve` on a free loopback port, the chat
# page and the console in Debian's chromium driven by playwright-core
# (tests/browser/run.mjs), then a kill -9 and a restart in the middle of a
# conversation (tests/browser/restart.mjs).
. "$(dirname "$0")/lib.sh"
need_browser curl

conf=$tmp/hotline.conf
printf 'listen 127.0.0.1:8080\n' >"$conf"
pid=
stop() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=; }
trap 'stop; rm -rf "$tmp"' EXIT

# start [PORT]: starts the server (on PORT, else a free one) and sets $url.
start() {
	tries=0
	while :; do
		port=${1:-$(( 20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000 ))}
		sed -i "s/^listen .*/listen 127.0.0.1:$port/" "$conf"
		"$HOTLINE" -c "$conf" serve >"$tmp/out.$tries" 2>>"$tmp/err" &
		pid=$!
		i=0
		while [ $i -lt 600 ] && ! grep -q '^chat: ' "$tmp/out.$tries"; do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
			i=$((i + 1))
		done
		grep -q '^chat: ' "$tmp/out.$tries" && break
		stop
		tries=$((tries + 1))
		[ $tries -ge 5 ] && { cat "$tmp/err"; echo "the server did not start"; exit 1; }
	done
	url=$(sed -n 's/^chat: \(http:[^ ]*\)\/$/\1/p' "$tmp/out.$tries")
	cat "$tmp/out.$tries" >>"$tmp/out"
}

# An account of the test's own (serve.sh checks the first-start one).
password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
display='Анна Тестова'
printf '%s\n' "$password" |
	"$HOTLINE" -c "$conf" operator add tester --role admin \
	--display-name "$display" >/dev/null
start

HOTLINE_URL=$url HOTLINE_ADMIN_NAME=tester HOTLINE_ADMIN_PASSWORD=$password \
	HOTLINE_ADMIN_DISPLAY=$display \
	HOTLINE_BROWSER_WAIT_MS=30000 \
	node "$browser/run.mjs" \
	>"$tmp/run.log" 2>&1
sed 's/^/  /' "$tmp/run.log"
check "the chat and the console pass in chromium" \
	grep -q '^[0-9]* passed, 0 failed$' "$tmp/run.log"

HOTLINE_URL=$url node "$browser/restart.mjs" before "$tmp/profile" \
	>"$tmp/before.log" 2>&1
sed 's/^/  /' "$tmp/before.log"
stop
start "$port"
HOTLINE_URL=$url node "$browser/restart.mjs" after "$tmp/profile" \
	>"$tmp/after.log" 2>&1
sed 's/^/  /' "$tmp/after.log"
check "a conversation survives kill -9 and a restart in the browser" \
	grep -q '^[0-9]* passed, 0 failed$' "$tmp/after.log"
finish
