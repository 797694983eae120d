#!/bin/sh
# Security of the operators' side of `hotline serve` (issue #10: findings
# 2, 3, 5, 6, 7 and parts of 9), tried as an attacker or a careless
# colleague would on loopback: who may do what to a queue item, sign-in
# throttling that a stranger cannot turn against an operator, sessions and
# event streams that end with the account's rights, a journal that cannot
# be rewritten without a key kept outside the database, private state
# files, login timing, and a retried reply stored once.  Every check names
# what its user would notice.  Addresses 127.0.0.2 and up are other
# machines (curl --interface): Linux routes all of 127/8 to loopback.
. "$(dirname "$0")/lib.sh"
for t in curl sqlite3; do
	command -v $t >/dev/null || { echo "$t is needed (scripts/deps.sh)"; exit 1; }
done
forge=$top_builddir/tests/e2e/forge_journal
# As a service manager might leave it: files readable by all unless the
# program says otherwise.
umask 022

conf=$tmp/hotline.conf
empty={}
out=$tmp/out
pid=
bg=

stop() { serve_stop; }
cleanup() {
	stop
	for p in $bg; do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

# start: the server on a free loopback port (a few tries); sets $base.
start() {
	serve_start "$1"
}

# cit METHOD PATH TOKEN [BODY]: a citizen's request; sets $code and $body.
cit() {
	code=$(curl -s -o "$tmp/body" -w '%{http_code}' -X "$1" \
	    -H "Authorization: Bearer $3" -H 'Content-Type: application/json' \
	    --data-binary "${4:-$empty}" "$base$2")
	body=$(cat "$tmp/body")
}
session() {
	code=$(curl -s -o "$tmp/body" -w '%{http_code}' -H 'Content-Type: application/json' \
	    --data '{"lang":"ru"}' "$base/api/chat/sessions")
	body=$(cat "$tmp/body")
	field token
}
# login NAME PASSWORD [FROM]: signs NAME in from address FROM (default
# 127.0.0.1); the cookie goes to $tmp/jar.NAME, the CSRF token to
# $tmp/csrf.NAME (kept when the sign-in fails), the headers to $tmp/hdr;
# sets $code, $body, $secs.
login() {
	curl -s -o "$tmp/body" -w '%{http_code} %{time_total}' -D "$tmp/hdr" \
	    --interface "${3:-127.0.0.1}" -c "$tmp/jar.new" \
	    -H 'Content-Type: application/json' \
	    --data "{\"name\":\"$1\",\"password\":\"$2\"}" \
	    "$base/api/operator/login" >"$tmp/w"
	read -r code secs <"$tmp/w"
	body=$(cat "$tmp/body")
	if [ "$code" = 200 ]; then
		mv "$tmp/jar.new" "$tmp/jar.$1"
		field csrf >"$tmp/csrf.$1"
	fi
}
retry_after() { sed -n 's/^[Rr]etry-[Aa]fter: *\([0-9]*\).*/\1/p' "$tmp/hdr"; }
# as NAME METHOD PATH [BODY]: NAME's request to /api/operator with their
# cookie and CSRF token; sets $code and $body.
as() {
	n=$1 m=$2 p=$3
	shift 3
	if [ "$m" = GET ]; then
		code=$(curl -s -o "$tmp/body" -w '%{http_code}' -b "$tmp/jar.$n" \
		    "$base/api/operator$p")
	else
		code=$(curl -s -o "$tmp/body" -w '%{http_code}' -X "$m" \
		    -b "$tmp/jar.$n" -H "X-CSRF-Token: $(cat "$tmp/csrf.$n" 2>/dev/null)" \
		    -H 'Content-Type: application/json' \
		    --data-binary "${1:-$empty}" "$base/api/operator$p")
	fi
	body=$(cat "$tmp/body")
}
# add NAME ROLE: an account whose password is NAME-password.
add() {
	printf '%s-password\n' "$1" | "$HOTLINE" -c "$conf" operator add "$1" \
	    --role "$2" >/dev/null
}
# handoff: a citizen asks for a person; prints the queue item's id.
handoff() {
	t=$(session)
	cit POST /api/chat/messages "$t" '{"text":"позовите оператора"}'
	num=$(field request_number)
	as admin GET /queue
	printf '%s' "$body" | sed -n "s/.*{\"id\":\([0-9]*\),\"request_number\":\"$num\".*/\1/p"
}
# stream NAME: opens NAME's operator event stream in the background
# (written to $tmp/sse.NAME) and waits for its first queue event; sets
# $spid.
stream() {
	curl -s -N --max-time 60 -b "$tmp/jar.$1" "$base/api/operator/events" \
	    >"$tmp/sse.$1" 2>/dev/null &
	spid=$!
	bg="$bg $spid"
	i=0
	while [ $i -lt 50 ] && ! grep -q '^event: queue' "$tmp/sse.$1"; do
		sleep 0.1
		i=$((i + 1))
	done
}
# ended PID: whether the stream's client saw it end within 5 seconds.
ended() {
	i=0
	while [ $i -lt 50 ]; do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
		i=$((i + 1))
	done
	kill "$1" 2>/dev/null
	return 1
}
both_ended() { ended "$1" && ended "$2"; }
mode() { stat -c %a "$1" 2>/dev/null; }
# private FILE: no permission bits for group or others.
private() { [ -e "$1" ] && [ $(( 0$(mode "$1") & 077 )) -eq 0 ]; }

cat >"$conf" <<EOF
listen 127.0.0.1:8080
www_dir $top_srcdir/www
keepalive_seconds 2
per_ip_connections 64
sessions_per_minute 1000
messages_per_minute 100
EOF

start
adminpw=$(sed -n 's/^operator: admin \/ //p' "$out")
login admin "$adminpw"
check "the admin signs in" test "$code" = 200
for a in olga:senior pavel:operator ivan:operator maria:operator \
    s1:operator s2:operator s3:operator s4:operator s5:operator; do
	add "${a%:*}" "${a#*:}"
done
login olga olga-password
login pavel pavel-password

# 2. The senior queue.  A senior moves three items there; a plain operator
# may not take, move out, close, release or read them, nor close or
# release a general item nobody took.
x1=$(handoff)
x2=$(handoff)
x3=$(handoff)
y=$(handoff)
y2=$(handoff)
check "2: five items are queued" \
	test -n "$x1" -a -n "$x2" -a -n "$x3" -a -n "$y" -a -n "$y2"
for x in $x1 $x2 $x3; do
	as olga POST "/conversations/$x/transfer" '{"queue":"senior"}'
done
check "2: a senior moves items to the senior queue" test "$code" = 200
as pavel POST "/conversations/$x1/take"
check "2: a plain operator cannot take a senior item (403)" test "$code" = 403
as pavel POST "/conversations/$x1/transfer" '{"queue":"general"}'
check "2: ... nor move it to the general queue to take it there (403)" \
	test "$code" = 403
as pavel POST "/conversations/$x2/close" '{"resolution":"закрыто"}'
check "2: ... nor close a senior item never taken (403)" test "$code" = 403
as pavel POST "/conversations/$x3/release"
check "2: ... nor release one to the bot (403)" test "$code" = 403
as pavel GET "/conversations/$x1"
check "2: ... nor read a senior transcript (403)" test "$code" = 403
as pavel POST "/conversations/$y/close" '{"resolution":"закрыто"}'
check "2: a plain operator cannot close a general item nobody took (409)" \
	test "$code" = 409
as pavel POST "/conversations/$y2/release"
check "2: ... nor release one to the bot (409)" test "$code" = 409
as admin GET /queue
open=0
for x in $x1 $x2 $x3; do
	printf '%s' "$body" | grep -q "{\"id\":$x,[^}]*\"queue\":\"senior\",\"state\":\"queued\"" &&
		open=$((open + 1))
done
check "2: the three senior items are still queued for seniors" test $open -eq 3
as olga POST "/conversations/$x1/take"
check "2: a senior takes a senior item" test "$code" = 200
as olga POST "/conversations/$x1/close" '{"resolution":"решено"}'
check "2: ... and closes it" test "$code" = 200
as pavel POST "/conversations/$y/take"
as pavel POST "/conversations/$y/close" '{"resolution":"решено"}'
check "2: an operator closes a general item they took" test "$code" = 200

# 3. Sign-in throttling.  A stranger's failures slow the stranger down, not
# the operator, and the wait grows by doubling instead of a fixed lock.
# The stranger waits out each pause until one is 4 s or longer.
waits=
n=0
while [ $n -lt 20 ]; do
	login ivan "guess-$n" 127.0.0.2
	n=$((n + 1))
	[ "$code" = 429 ] || continue
	r=$(retry_after)
	waits="$waits ${r:-none}"
	[ "${r:-0}" -ge 4 ] && break
	[ "${r:-999}" -gt 10 ] && break
	sleep "$r"
	sleep 0.2
done
first=$(echo $waits | cut -d' ' -f1)
last=$(echo $waits | awk '{print $NF}')
check "3: a stranger guessing a password is throttled (429; waits:$waits)" \
	test "$code" = 429
check "3: ... for seconds at first, not a 15-minute lock" \
	test -n "$first" -a "${first:-999}" -le 2
check "3: ... and each further failure makes the wait longer" \
	test "${last:-0}" -gt "${first:-0}" -a "${last:-0}" -le 10
login ivan ivan-password 127.0.0.2
check "3: the throttled address waits even with the right password" \
	test "$code" = 429
login ivan ivan-password 127.0.0.1
check "3: the operator's right password from another address signs in" \
	test "$code" = 200
# The log masks addresses (it may go to contractors); the list does not.
check "3: the throttling is logged" grep -q 'sign-in: .* throttled' "$tmp/err"
"$HOTLINE" -c "$conf" operator list >"$tmp/list" 2>&1
check "3: operator list shows the failed sign-ins to admins" \
	sh -c "grep '^ivan ' '$tmp/list' | grep -q 'failed'"
check "3: ... and the address that waits" grep -q '^address 127\.0\.0\.2[ :]' "$tmp/list"
# One address trying many names is throttled as one.
n=0
while [ $n -lt 16 ]; do
	login "nobody$n" guess 127.0.0.3
	[ "$code" = 429 ] && break
	n=$((n + 1))
done
check "3: one address trying many names is throttled ($n tried)" \
	test "$code" = 429
# Many addresses, one failure each: the account is under attack.  Those
# addresses wait; a new one with the right password does not.
k=10
while [ $k -lt 36 ]; do
	login maria guess 127.0.0.$k
	k=$((k + 1))
done
login maria guess 127.0.0.10
check "3: under a spread-out attack the attackers' addresses wait" \
	test "$code" = 429
login maria maria-password 127.0.0.1
check "3: ... and the operator from a new address signs in" test "$code" = 200

# 5. Sessions and event streams end with the account's rights.
login s1 s1-password
stream s1
sp=$spid
check "5: the operator's event stream carries the queue" \
	grep -q '^event: queue' "$tmp/sse.s1"
as s1 POST /logout
check "5: logout ends the operator's open event stream at once" ended "$sp"
as s1 GET /me
check "5: ... and the session" test "$code" = 401
login s2 s2-password
w=$(handoff)
as s2 POST "/conversations/$w/take"
stream s2
sp=$spid
"$HOTLINE" -c "$conf" operator disable s2 >/dev/null 2>&1
check "5: disabling an account ends its stream" ended "$sp"
as admin GET /queue
check "9: the items of a disabled account go back to the queue" \
	contains "$body" "{\"id\":$w,[^}]*\"state\":\"queued\""
as s2 GET /me
check "5: ... and its session" test "$code" = 401
login s2 s2-password
check "9: a disabled operator cannot sign in" test "$code" = 401
check "9: operator list shows the account disabled" \
	sh -c "'$HOTLINE' -c '$conf' operator list | grep '^s2 ' | grep -q disabled"
login s3 s3-password
stream s3
sp=$spid
"$HOTLINE" -c "$conf" operator role s3 senior >/dev/null 2>&1
check "5: a role change ends the account's stream" ended "$sp"
as s3 GET /me
check "5: ... and its session" test "$code" = 401
login s3 s3-password
check "5: ... and the next sign-in has the new role" contains "$body" '"role":"senior"'
login s4 s4-password
stream s4
sp=$spid
"$HOTLINE" -c "$conf" operator remove s4 >/dev/null 2>&1
check "5: removing an account ends its stream" ended "$sp"
as s4 GET /me
check "5: ... and its session" test "$code" = 401
check "9: a removed account is gone from operator list" \
	sh -c "! '$HOTLINE' -c '$conf' operator list | grep -q '^s4 '"
login s5 s5-password
cp "$tmp/jar.s5" "$tmp/jar.s5b"
cp "$tmp/csrf.s5" "$tmp/csrf.s5b"
login s5 s5-password
stream s5
sp=$spid
stream s5b
spb=$spid
sessions=$("$HOTLINE" -c "$conf" operator sessions s5 2>&1)
check "9: operator sessions lists the account's two sessions" \
	test "$(printf '%s\n' "$sessions" | grep -c 'expires')" -eq 2
"$HOTLINE" -c "$conf" operator sessions s5 --revoke >/dev/null 2>&1
check "5: revoking the sessions ends every stream of the account" \
	both_ended "$sp" "$spb"
as s5 GET /me
check "5: ... and the sessions" test "$code" = 401

# 9. Login timing does not tell which names exist: an unknown name costs
# what a known one with a wrong password does.
known=0
unknown=0
i=0
while [ $i -lt 4 ]; do
	login pavel "wrong-$i" 127.0.0.4
	known=$(awk "BEGIN{print $known + $secs}")
	login "ghost$i" "wrong-$i" 127.0.0.4
	unknown=$(awk "BEGIN{print $unknown + $secs}")
	i=$((i + 1))
done
check "9: an unknown name takes as long as a known one ($unknown s vs $known s for 4)" \
	awk "BEGIN{exit !($unknown >= 0.5 * $known)}"

# 9. A reply retried after its answer was lost is stored once.
z=$(handoff)
as pavel POST "/conversations/$z/take"
as pavel POST "/conversations/$z/reply" '{"text":"Проверяю, минуту.","key":"k7Qm2xPz9RtLw4Vb"}'
first=$(printf '%s' "$body" | sed -n 's/.*"id":\([0-9]*\).*/\1/p')
as pavel POST "/conversations/$z/reply" '{"text":"Проверяю, минуту.","key":"k7Qm2xPz9RtLw4Vb"}'
again=$(printf '%s' "$body" | sed -n 's/.*"id":\([0-9]*\).*/\1/p')
check "9: a retried reply answers with the same message" \
	test "$code" = 200 -a -n "$first" -a "$first" = "$again"
as pavel GET "/conversations/$z"
# (each message carries its text and, rendered, its html: count texts)
check "9: ... and the citizen sees it once" \
	test "$(printf '%s' "$body" | grep -o '"text":"Проверяю, минуту' | wc -l)" -eq 1
as pavel POST "/conversations/$z/reply" '{"text":"Проверяю, минуту.","key":"second-reply-key-1"}'
check "9: the same text with a new key is a new reply" test "$code" = 200

# 7. Private state: the database, its WAL and SHM, the attachments.
t=$(session)
cit POST /api/chat/messages "$t" '{"text":"прикладываю скан"}'
printf '%%PDF-1.4\n%%test\n1 0 obj << >> endobj\n' >"$tmp/scan.pdf"
curl -s -o /dev/null -H "Authorization: Bearer $t" -H 'Content-Type: application/pdf' \
	-H 'X-Filename: scan.pdf' --data-binary @"$tmp/scan.pdf" \
	"$base/api/chat/attachments"
for f in state.db state.db-wal state.db-shm attachments; do
	check "7: $f is private under umask 022 (mode $(mode "$tmp/$f"))" \
		private "$tmp/$f"
done
f=$(find "$tmp/attachments" -type f | head -n 1)
check "7: a stored attachment is private (mode $(mode "$f"))" private "$f"
rm -rf "$tmp/dest"
make -s -C "$top_builddir" install-data-local DESTDIR="$tmp/dest" \
	>/dev/null 2>&1
d=$(find "$tmp/dest" -type d -path '*/lib/hotline' | head -n 1)
check "7: make install makes the state directory 0700 (mode $(mode "$d"))" \
	test -n "$d" -a "$(mode "$d")" = 700

# 6. The journal.  The key is made at first start, beside the database,
# readable by the owner only; checkpoints go to a file outside it.
check "6: the journal key is made at first start, mode 0600" \
	test "$(mode "$tmp/journal.key")" = 600
"$HOTLINE" -c "$conf" audit checkpoint >"$tmp/cp" 2>&1
check "6: audit checkpoint records the head, count and time" \
	grep -q 'entries [0-9]* head [0-9a-f]\{64\}' "$tmp/journal.checkpoints"
sqlite3 "$tmp/state.db" ".backup '$tmp/old.db'"
login olga olga-password
login olga olga-password
"$HOTLINE" -c "$conf" audit checkpoint >/dev/null 2>&1
stop
v=$("$HOTLINE" -c "$conf" audit verify 2>&1)
check "6: audit verify passes with the key and the checkpoints" \
	"$HOTLINE" -c "$conf" audit verify
check "6: ... and says the chain is keyed and matches the last checkpoint" \
	sh -c "printf '%s' \"\$1\" | grep -q keyed && printf '%s' \"\$1\" | grep -q checkpoint" _ "$v"
cp "$tmp/state.db" "$tmp/good.db"
chmod 644 "$tmp/state.db"
"$HOTLINE" -c "$conf" operator list >/dev/null 2>&1
check "7: a state database left readable by others is made private on opening" \
	private "$tmp/state.db"
# (a) An entry edited and the whole chain recomputed without the key.
"$forge" "$tmp/state.db" 3 "nothing happened" >/dev/null
v=$("$HOTLINE" -c "$conf" audit verify 2>&1)
check "6: an edited journal with the chain recomputed is found ($v)" \
	sh -c "! '$HOTLINE' -c '$conf' audit verify >/dev/null 2>&1"
cp "$tmp/good.db" "$tmp/state.db"
# (b) The tail dropped and the head moved to the new last entry.
sqlite3 "$tmp/state.db" "DROP TRIGGER audit_no_delete;
	DELETE FROM audit WHERE id > (SELECT max(id) - 3 FROM audit);
	UPDATE audit_head SET last = (SELECT max(id) FROM audit),
	    hash = (SELECT hash FROM audit ORDER BY id DESC LIMIT 1);"
v=$("$HOTLINE" -c "$conf" audit verify 2>&1)
check "6: a dropped tail with the head moved is found and said ($v)" \
	sh -c "! '$HOTLINE' -c '$conf' audit verify >/dev/null 2>&1 &&
	    printf '%s' \"\$1\" | grep -q dropped" _ "$v"
# (c) An older copy of the whole database put back: the chain and the
# head are genuine, only the checkpoint outside knows more.
cp "$tmp/old.db" "$tmp/state.db"
rm -f "$tmp/state.db-wal" "$tmp/state.db-shm"
v=$("$HOTLINE" -c "$conf" audit verify 2>&1)
check "6: an older database put back is found by the checkpoint ($v)" \
	sh -c "! '$HOTLINE' -c '$conf' audit verify >/dev/null 2>&1 &&
	    printf '%s' \"\$1\" | grep -q 'dropped'" _ "$v"
# (d) A journal from before keys (unkeyed, no key file) is kept verifiable:
# its entries are anchored by the first keyed one.
cp "$tmp/good.db" "$tmp/state.db"
"$forge" "$tmp/state.db" 0 - >/dev/null
mv "$tmp/journal.key" "$tmp/journal.key.old"
mv "$tmp/journal.checkpoints" "$tmp/journal.checkpoints.old"
v=$("$HOTLINE" -c "$conf" audit verify 2>&1)
check "6: an old unkeyed journal still verifies, and says so ($v)" \
	sh -c "'$HOTLINE' -c '$conf' audit verify >/dev/null 2>&1 &&
	    printf '%s' \"\$1\" | grep -q unkeyed" _ "$v"
"$forge" "$tmp/state.db" 2 "nothing happened" >/dev/null
check "6: ... and once keyed, rewriting its old entries is found" \
	sh -c "! '$HOTLINE' -c '$conf' audit verify >/dev/null 2>&1"

# A flood of sign-ins with many worker threads: each password check takes
# 64 MiB (argon2id); at most LIMIT_PASSWORD_CHECKS run at once, the rest are
# told to come back in a second (503), and memory stays bounded.
stop
sed -i 's/^threads .*//' "$conf"
printf 'threads 16\n' >>"$conf"
start
rss() { sed -n 's/^VmRSS:[^0-9]*\([0-9]*\) kB/\1/p' "/proc/$pid/status"; }
rss0=$(rss)
peak=$rss0
n=0
flood=
while [ $n -lt 24 ]; do
	curl -s -o /dev/null -w '%{http_code}\n' --max-time 30 \
	    -H 'Content-Type: application/json' \
	    -d "{\"name\":\"flood$n\",\"password\":\"wrong\"}" \
	    "$base/api/operator/login" >>"$tmp/flood" &
	flood="$flood $!"
	n=$((n + 1))
done
i=0
while [ $i -lt 40 ]; do
	r=$(rss)
	[ -n "$r" ] && [ "$r" -gt "$peak" ] && peak=$r
	sleep 0.05
	i=$((i + 1))
done
# Only the flood's own clients: earlier checks left streams open.
wait $flood
grow=$(( (peak - rss0) / 1024 ))
echo "# sign-in flood: server RSS $((rss0 / 1024)) MiB before, peak $((peak / 1024)) MiB"
check "a flood of 24 sign-ins at once grows the server by at most 200 MiB ($grow MiB)" \
	test "$grow" -le 200

finish
