#!/bin/sh
# bench_mail: a backlog of letters through a real dovecot and a real SMTP
# server (msmtpd), as tests/e2e/mail.sh starts them.  The letters are the
# evaluation set's (answers, a handoff with an attachment, robots) made
# unique by sender and Message-ID, dropped into the Maildir at once.
# Prints letters per second end to end (from the start of the run until
# every reply is in the SMTP server's hands) and hotline's peak memory,
# for `hotline mail fetch` and for `hotline serve` woken by IDLE.
#
# usage: bench/bench_mail.sh [-n letters] [-H hotline]
top=$(cd "$(dirname "$0")/.." && pwd)
n=2000
HOTLINE=${HOTLINE:-$top/build/hotline}
[ -x "$HOTLINE" ] || HOTLINE=$top/hotline
while getopts n:H: o; do
	case $o in
	n) n=$OPTARG ;;
	H) HOTLINE=$OPTARG ;;
	*) echo "usage: bench_mail.sh [-n letters] [-H hotline]" >&2; exit 2 ;;
	esac
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-mail.XXXXXX")
. "$top/tests/e2e/mailservers.sh"
mail_tools || { echo "dovecot and msmtpd are needed (scripts/deps.sh test)"; exit 1; }
spid=
trap '[ -n "$spid" ] && kill "$spid" 2>/dev/null; mail_servers_stop; rm -rf "$tmp"' EXIT
mail_servers_start || exit 1
conf=$tmp/hotline.conf
mail_config "$conf"
export HOTLINE_STATE=$tmp/state.db
now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", n / (b - a) }'; }
hwm() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status" 2>/dev/null; }

# The backlog: n letters cycling through the evaluation set.
gen() {
	run=$1
	mkdir -p "$tmp/gen"
	rm -f "$tmp/gen"/*
	set -- "$top"/tests/data/mail/d*.eml
	k=0 i=0 answerable=0
	while [ $i -lt "$n" ]; do
		eval "f=\${$((k + 1))}"
		case ${f##*/} in
		d12.eml|d13.eml|d14.eml|d17.eml)
			# Robots stay robots: only the Message-ID changes.
			sed "s/^\([Mm]essage-[Ii][Dd]:\).*/\1 <$run.$i@bench.example>/" \
			    "$f" >"$tmp/gen/$run.$i.eml" ;;
		*)
			sed -e "s/^\([Mm]essage-[Ii][Dd]:\).*/\1 <$run.$i@bench.example>/" \
			    -e "s/^\(From:.*\)<[^>]*>/\1<c$i@bench.example>/" \
			    -e "s/^Return-Path: <[^>]\+>/Return-Path: <c$i@bench.example>/" \
			    -e '/^Reply-To:/d' "$f" >"$tmp/gen/$run.$i.eml"
			answerable=$((answerable + 1)) ;;
		esac
		k=$(((k + 1) % $#))
		i=$((i + 1))
	done
}
nsink() { ls "$sink" | grep -c '^m\.'; }

"$HOTLINE" kb import >/dev/null 2>&1

echo "== hotline mail fetch: a backlog of $n letters"
gen run1
deliver_all "$tmp/gen"
before=$(nsink)
t0=$(now)
"$HOTLINE" -c "$conf" mail fetch >"$tmp/fetch.out" 2>"$tmp/fetch.err" &
pid=$!
peak=0
while kill -0 "$pid" 2>/dev/null; do
	h=$(hwm "$pid")
	[ -n "$h" ] && [ "$h" -gt "$peak" ] && peak=$h
	sleep 0.05
done
wait "$pid"
t1=$(now)
cat "$tmp/fetch.out"
echo "letters: $n ($answerable answerable), replies: $(($(nsink) - before))"
echo "letters/s: $(rate "$n" "$t0" "$t1")  seconds: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')  peak RSS: $((peak / 1024)) MiB"

echo "== hotline serve (IDLE): a backlog of $n letters arriving at once"
port=$(rand_port)
echo "listen 127.0.0.1:$port" >>"$conf"
"$HOTLINE" -c "$conf" serve >"$tmp/serve.out" 2>"$tmp/serve.err" &
spid=$!
i=0
while [ $i -lt 100 ] && ! grep -q '^chat: ' "$tmp/serve.out"; do
	sleep 0.1
	i=$((i + 1))
done
sleep 1
gen run2
before=$(nsink)
t0=$(now)
deliver_all "$tmp/gen"
want=$((before + answerable))
while [ "$(nsink)" -lt "$want" ]; do
	sleep 0.05
	kill -0 "$spid" 2>/dev/null || break
done
t1=$(now)
peak=$(hwm "$spid")
kill "$spid"
wait "$spid" 2>/dev/null
spid=
echo "letters: $n ($answerable answerable), replies: $(($(nsink) - before))"
echo "letters/s: $(rate "$n" "$t0" "$t1")  seconds: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')  peak RSS (whole server): $((peak / 1024)) MiB"
