#!/bin/sh
# End to end: many citizens writing at once.  The chat's turns are
# committed together (agent/core/writer.c): every message is answered,
# each conversation keeps its own messages in order, and after a kill -9
# or a SIGTERM in the middle of the load every message that was answered
# is still there (an answer is sent only after its commit).
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || { echo "curl is needed (scripts/deps.sh)"; exit 1; }

conf=$tmp/hotline.conf
out=$tmp/out
pid=
trap 'serve_stop; rm -rf "$tmp"' EXIT
NCHAT=16
NMSG=8
# The second wave: more than a second's work, cut by the kill.
NMSG2=60

cat >"$conf" <<EOF2
listen 127.0.0.1:8080
data_dir $top_srcdir
www_dir $top_srcdir/www
sessions_per_minute 1000
messages_per_minute 1000
EOF2
serve_start

# post WAVE COUNT: every chat posts COUNT questions one after the other,
# all chats at once; each answer goes to $tmp/WAVE.CHAT.N.body, its status
# to .code.
post() {
	c=0
	while [ $c -lt $NCHAT ]; do
		(
			tok=$(cat "$tmp/tok.$c")
			n=0
			while [ $n -lt $2 ]; do
				curl -s -o "$tmp/$1.$c.$n.body" -w '%{http_code}' \
				    -H 'Content-Type: application/json' \
				    -H "Authorization: Bearer $tok" --data-binary \
				    "{\"text\":\"забыл пароль, волна $1 чат $c вопрос $n\"}" \
				    "$base/api/chat/messages" >"$tmp/$1.$c.$n.code" \
				    2>/dev/null
				n=$((n + 1))
			done
		) &
		c=$((c + 1))
	done
}

c=0
while [ $c -lt $NCHAT ]; do
	session >"$tmp/tok.$c"
	c=$((c + 1))
done

# The first wave runs to its end.
post 1 $NMSG
wait_posts() {
	c=0
	while [ $c -lt $NCHAT ]; do
		n=0
		while [ $n -lt $NMSG ]; do
			i=0
			while [ $i -lt 600 ] && ! [ -s "$tmp/$1.$c.$n.code" ]; do
				sleep 0.1
				i=$((i + 1))
			done
			n=$((n + 1))
		done
		c=$((c + 1))
	done
}
wait_posts 1
ok=$(cat "$tmp"/1.*.code | grep -o 200 | wc -l)
check "under load every message is answered ($ok of $((NCHAT * NMSG)))" \
	test "$ok" -eq $((NCHAT * NMSG))
check "every answer has the bot's message" \
	sh -c "! grep -L '\"from\":\"bot\"' '$tmp'/1.*.body | grep -q ."

# Each conversation has its own questions, in the order they were asked,
# each followed by the bot's answer.
bad=0
c=0
while [ $c -lt $NCHAT ]; do
	req GET /api/chat/conversation -H "Authorization: Bearer $(cat "$tmp/tok.$c")"
	got=$(printf '%s' "$body" | grep -o '"from":"[a-z]*","text":"[^"]*' |
	    sed 's/.*"text":"//' | grep -c "волна 1 чат $c вопрос")
	order=$(printf '%s' "$body" | grep -o 'волна 1 чат [0-9]* вопрос [0-9]*' |
	    sed 's/.* //' | tr '\n' ' ')
	others=$(printf '%s' "$body" | grep -o 'волна 1 чат [0-9]*' |
	    grep -v -c "чат $c\$")
	bots=$(printf '%s' "$body" | grep -o '"from":"bot"' | wc -l)
	[ "$got" -eq $NMSG ] && [ "$order" = "0 1 2 3 4 5 6 7 " ] &&
	    [ "$others" -eq 0 ] && [ "$bots" -ge $NMSG ] || bad=$((bad + 1))
	c=$((c + 1))
done
check "each conversation has its own questions in order, each answered" \
	test "$bad" -eq 0

# The second wave is cut short by kill -9.
post 2 $NMSG2
sleep 1
kill -9 "$pid"
wait "$pid" 2>/dev/null
pid=
wait
serve_start keep

# kept WAVE: sets $answered (200s of WAVE) and $lost (their messages not
# in their conversations).
kept() {
	answered=0
	lost=0
	for f in "$tmp"/$1.*.code; do
		[ "$(cat "$f")" = 200 ] || continue
		answered=$((answered + 1))
		b=${f%.code}.body
		c=$(echo "$f" | sed 's/.*\/[0-9]*\.\([0-9]*\)\..*/\1/')
		req GET /api/chat/conversation \
		    -H "Authorization: Bearer $(cat "$tmp/tok.$c")"
		for id in $(grep -o '"id":[0-9]*' "$b" | sed 's/.*://'); do
			contains "$body" "\"id\":$id," || lost=$((lost + 1))
		done
		q=$(grep -o "волна $1 чат [0-9]* вопрос [0-9]*" "$b" | head -n 1)
		contains "$body" "$q" || lost=$((lost + 1))
	done
}
kept 2
check "the kill -9 came in the middle of the load ($answered of $((NCHAT * NMSG2)) answered)" \
	test "$answered" -gt 0 -a "$answered" -lt $((NCHAT * NMSG2))
check "after kill -9 every answered message is still there ($lost lost)" \
	test "$lost" -eq 0

# SIGTERM in the middle of the load: the turns under way are answered
# before the server stops, cleanly.
post 3 $NMSG2
sleep 1
kill -TERM "$pid"
wait "$pid"
st=$?
pid=
wait
check "SIGTERM under load stops the server cleanly (exit 0)" test "$st" -eq 0
check "the server's log has no sanitizer report" \
	sh -c "! grep -q -e 'Sanitizer' -e 'runtime error' '$tmp/err'"
serve_start keep
kept 3
check "after SIGTERM every answered message is there ($lost lost of $answered)" \
	test "$lost" -eq 0 -a "$answered" -gt 0
req POST /api/chat/messages '{"text":"забыл пароль"}' \
    -H "Authorization: Bearer $(cat "$tmp/tok.0")"
check "after the restarts the chat answers again" contains "$body" '"from":"bot"'
finish
