# Shared helpers of the end-to-end scripts: a temporary directory removed
# on exit, and assertions that name what a user would notice.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${HOTLINE:=$top_builddir/hotline}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hotline-e2e.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export HOTLINE_STATE="$tmp/state.db"
npass=0
nfail=0

pass() { npass=$((npass + 1)); echo "ok - $*"; }
fail() { nfail=$((nfail + 1)); echo "not ok - $*"; }
# check NAME COMMAND...: the command must succeed
check() { name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }
contains() { printf '%s' "$1" | grep -q -- "$2"; }
# The line `hotline classify` prints for one message (text without quotes
# or backslashes: it is put into JSON as it is).
classify_one() { printf '{"id":"t","text":"%s"}\n' "$1" | "$HOTLINE" classify; }
# check NAME: the line classify prints for TEXT matches PATTERN (kept in $line).
check_classified() { line=$(classify_one "$2"); check "$1" contains "$line" "$3"; }
# wait_for SECONDS COMMAND...: polls COMMAND every 0.1 s until it succeeds
# or SECONDS pass; a busy machine (CI runs the tests two at a time, and
# under ASan) takes its time to open a stream or to act on a signal.
wait_for() {
	wf_n=$(($1 * 10))
	shift
	while ! "$@" 2>/dev/null; do
		[ "$wf_n" -le 0 ] && return 1
		sleep 0.1
		wf_n=$((wf_n - 1))
	done
}
finish() {
	echo "$npass passed, $nfail failed"
	[ "$nfail" -eq 0 ]
}

# A server of the end-to-end scripts, from the configuration $conf; its
# first lines go to $out, its log to $tmp/err.
# serve_stop: stops it (if running).
serve_stop() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	pid=
}
# serve_reload: SIGHUP, then waits (a minute at most) for the server's
# verdict in its log, reloaded or kept the old: a reload re-imports the
# articles and retrains the classifier, seconds under ASan on a busy
# machine.
serve_reload() {
	before=$(grep -c -E 'reloaded: |reload failed' "$tmp/err" 2>/dev/null)
	kill -HUP "$pid"
	i=0
	while [ $i -lt 600 ]; do
		now=$(grep -c -E 'reloaded: |reload failed' "$tmp/err" 2>/dev/null)
		[ "${now:-0}" -gt "${before:-0}" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# serve_start [KEEP]: starts it on a free loopback port (tries a few) and
# sets $pid and $base; with KEEP the port of the last start is used again.
serve_start() {
	tries=0
	while :; do
		[ -z "$1" ] && port=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000 ))
		sed -i "s/^listen .*/listen 127.0.0.1:$port/" "$conf"
		: >"$out"
		"$HOTLINE" -c "$conf" serve >"$out" 2>>"$tmp/err" &
		pid=$!
		i=0
		while [ $i -lt 600 ] && ! grep -q '^chat: ' "$out"; do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
			i=$((i + 1))
		done
		grep -q '^chat: ' "$out" && break
		serve_stop
		tries=$((tries + 1))
		[ $tries -ge 5 ] && { echo "the server did not start"; cat "$tmp/err"; exit 1; }
	done
	base=$(sed -n 's/^chat: \(http:[^ ]*\)\/$/\1/p' "$out")
}

# HTTP against a started server ($base), the reply in $tmp.
# req METHOD PATH [BODY] [curl options...]: sets $code and $body (its
# headers in $tmp/hdr); a BODY goes as JSON.
req() {
	m=$1 p=$2
	shift 2
	if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
		d=$1
		shift
		code=$(curl -s -o "$tmp/body" -D "$tmp/hdr" -w '%{http_code}' \
		    -X "$m" -H 'Content-Type: application/json' \
		    --data-binary "$d" "$@" "$base$p")
	else
		code=$(curl -s -o "$tmp/body" -D "$tmp/hdr" -w '%{http_code}' \
		    -X "$m" "$@" "$base$p")
	fi
	body=$(cat "$tmp/body")
}
# field NAME: the first string field NAME of $body
field() { printf '%s' "$body" | sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" | head -n 1; }
# session [curl options...]: a new chat session's token
session() { req POST /api/chat/sessions '{"lang":"ru"}' "$@"; field token; }
# say TOKEN TEXT...: the citizen of TOKEN writes TEXT
say() { tok=$1; shift; req POST /api/chat/messages "{\"text\":\"$*\"}" -H "Authorization: Bearer $tok"; }

# need_browser TOOL...: the tools a browser test needs (besides node and
# Debian's chromium), and playwright-core in tests/browser/node_modules,
# rebuilt from package-lock.json (never committed).  Sets $browser.
need_browser() {
	for tool in node npm /usr/bin/chromium "$@"; do
		command -v "$tool" >/dev/null || {
			echo "$tool is needed: sh scripts/deps.sh test"
			exit 1
		}
	done
	browser=$top_srcdir/tests/browser
	if [ ! -d "$browser/node_modules/playwright-core" ]; then
		(cd "$browser" && npm ci --no-audit --no-fund --silent) || {
			echo "npm ci failed"
			exit 1
		}
	fi
}
