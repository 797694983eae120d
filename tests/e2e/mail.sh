#!/bin/sh
# End to end: the mail channel against a real dovecot (IMAP) and a real
# SMTP server (msmtpd), both started here on random loopback ports in a
# temporary directory.  The evaluation letters go into the mailbox; what
# reaches the SMTP server is checked: every letter whose expected action
# is reply or handoff got exactly one answer with the right headers,
# robots got nothing, a second run sends nothing; IMAP over TLS and
# STARTTLS with the certificate checked, plain IMAP refused off this
# machine, SMTP AUTH; a reply to our answer joins its request; bad letters
# neither crash nor stall the channel; `hotline serve` answers over IDLE,
# mails an operator's reply, reconnects when the IMAP server comes back,
# polls a server without IDLE; a kill -9 in the middle of a batch and a
# restart answer every letter once.  Skipped (77) without dovecot and
# msmtpd.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mailservers.sh"
mail_tools || { echo "skip: dovecot and msmtpd are needed (scripts/deps.sh test)"; exit 77; }

data=$top_srcdir/tests/data/mail
year=$(TZ=Europe/Moscow date +%Y 2>/dev/null || date +%Y)
conf=$tmp/hotline.conf
spid=

apid=
stop_serve() {
	[ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
	spid=
}
trap 'stop_serve; [ -n "$apid" ] && kill "$apid"; mail_servers_stop; rm -rf "$tmp"' EXIT

mail_servers_start || exit 1
mail_config "$conf"

# fetch [CONF]: one `hotline mail fetch`; sanitizer reports are kept.
fetch() {
	"$HOTLINE" -c "${1:-$conf}" mail fetch >"$tmp/fetch.out" 2>"$tmp/fetch.err"
	rc=$?
	grep -A3 'Sanitizer' "$tmp/fetch.err" >>"$tmp/sanitizer" 2>/dev/null
	return $rc
}
# msgid FILE: a letter's Message-ID without <>.
msgid() { tr -d '\r' <"$1" | sed -n 's/^[Mm]essage-[Ii][Dd]: *<\([^>]*\)>.*/\1/p' | head -n 1; }
# answers ID: the letters in the sink answering Message-ID ID.
answers() { grep -l -F "In-Reply-To: <$1>" "$sink"/m.* 2>/dev/null; }
nanswers() { answers "$1" | wc -l; }
nsink() { ls "$sink" | grep -c '^m\.'; }
# subject FILE: the decoded subject of one of our letters.
subject() {
	tr -d '\r' <"$1" | awk '/^Subject:/ { s = 1; sub(/^Subject: */, "");
	    print; next } s && /^[ \t]/ { print; next } { s = 0 }' |
	    tr ' \t' '\n\n' | sed -n 's/^=?UTF-8?B?\(.*\)?=$/\1/p' |
	    while read -r w; do printf '%s' "$w" | base64 -d; done
}
has() { tr -d '\r' <"$1" | grep -q -i "^$2"; }
undone() { imap_cmd 'UID SEARCH UNKEYWORD $HotlineDone' | tr -d '\r' | sed 's/^\* SEARCH *//'; }
field() { sed -n "s/.*\"$1\": *\"\([^\"]*\)\".*/\1/p"; }

# --- hotline mail fetch on the evaluation letters ---------------------
append "$data"/d*.eml
check "mail fetch takes the folder and exits 0" fetch
cat "$tmp/fetch.out"
bad=0 answered=0 robots=0 hdr=0
while read -r line; do
	file=$(printf '%s' "$line" | field file)
	action=$(printf '%s' "$line" | field action)
	id=$(msgid "$data/$file")
	n=$(nanswers "$id")
	case $action in
	reply|handoff)
		if [ "$n" -ne 1 ]; then
			echo "# $file ($action): $n answers"
			bad=$((bad + 1))
			continue
		fi
		answered=$((answered + 1))
		f=$(answers "$id")
		subject "$f" | grep -q "^\[№ $year-[0-9]\{6\}\] " &&
		    has "$f" 'Auto-Submitted: auto-replied' &&
		    [ "$(grep -c -F "<$id>" "$f")" -ge 2 ] &&
		    has "$f" 'Message-ID: <hotline\.[a-z2-7]\{26\}@hotline\.test>' ||
		    { echo "# $file: headers"; hdr=$((hdr + 1)); }
		;;
	ignore)
		[ "$n" -ne 0 ] && { echo "# $file (robot) answered"; bad=$((bad + 1)); }
		robots=$((robots + 1))
		;;
	esac
done <"$data/expected.jsonl"
check "every reply and handoff letter got exactly one answer ($answered)" \
	test "$bad" -eq 0 -a "$answered" -eq 14
check "answers carry [№ NUMBER], Auto-Submitted, References, our Message-ID" \
	test "$hdr" -eq 0
check "no robot got anything ($robots robots; $(nsink) letters in all)" \
	test "$(nsink)" -eq 14
check "no letter went to a robot's or our own address" \
	sh -c "! grep -q -i -E '^X-Rcpt: .*(mailer-daemon|support@hotline.test|list)' $sink/m.*"
check "every letter is marked done on the server" test -z "$(undone)"
f=$(answers "$(msgid "$data/d15.eml")")
check "the handoff is acknowledged with a number and 24 hours" \
	sh -c "tr -d '\r' <'$f' | grep -q -F '=D1=87=D0=B0=D1=81=D0=BE=D0=B2.'"

# --- a second run sends nothing ----------------------------------------
check "a second mail fetch exits 0" fetch
check "a second mail fetch sends nothing" test "$(nsink)" -eq 14

# --- TLS and STARTTLS: the server's certificate is checked ------------
if [ "$imaps_port" != 0 ]; then
	sed -e "s/^imap_port .*/imap_port $imaps_port/" \
	    -e "s/^imap_security .*/imap_security tls/" "$conf" >"$tmp/tls.conf"
	echo "mail_ca_file $tmp/dovecot/ca.pem" >>"$tmp/tls.conf"
	check "mail fetch over TLS, the certificate checked against our CA" \
		fetch "$tmp/tls.conf"
	sed -e "s/^imap_security .*/imap_security starttls/" "$conf" \
	    >"$tmp/starttls.conf"
	echo "mail_ca_file $tmp/dovecot/ca.pem" >>"$tmp/starttls.conf"
	check "mail fetch over STARTTLS, the certificate checked" \
		fetch "$tmp/starttls.conf"
	grep -v '^mail_ca_file' "$tmp/tls.conf" >"$tmp/noca.conf"
	fetch "$tmp/noca.conf"
	check "a certificate from a CA not trusted is refused" \
		grep -q 'certificate' "$tmp/fetch.err"
	check "... and the letters wait (nothing sent)" test "$(nsink)" -eq 14
else
	echo "# no openssl: TLS not tested"
fi
printf 'imap_host 192.0.2.1\nimap_user u\nimap_password p\n' >"$tmp/far.conf"
fetch "$tmp/far.conf"
check "plain IMAP to another machine is refused before connecting" \
	grep -q 'imap_security none is for a server on this machine' \
	    "$tmp/fetch.err"
check "serve -n refuses it too" \
	sh -c "! '$HOTLINE' -c '$tmp/far.conf' serve -n 2>/dev/null"

# --- SMTP AUTH: a refused login keeps the letter, a good one sends it ---
printf 's3cret\n' >"$tmp/smtp.secret"
aport=$(rand_port)
msmtpd --interface=127.0.0.1 --port="$aport" --command="$tmp/sink.sh" \
    --auth="hotline,cat $tmp/smtp.secret" >/dev/null 2>&1 &
apid=$!
sleep 0.3
sed "s|^smtp_url .*|smtp_url smtp://127.0.0.1:$aport|" "$conf" >"$tmp/auth.conf"
cp "$tmp/auth.conf" "$tmp/auth-good.conf"
printf 'smtp_user hotline\nsmtp_password wrong\n' >>"$tmp/auth.conf"
printf 'smtp_user hotline\nsmtp_password_file %s\n' "$tmp/smtp.secret" \
    >>"$tmp/auth-good.conf"
printf 'From: <auth@example.org>\nTo: support@hotline.test\nSubject: SMS\nMessage-ID: <auth.1@example.org>\nContent-Type: text/plain; charset=utf-8\n\nНе приходит смс с кодом для входа.\n' \
    >"$tmp/auth.eml"
append "$tmp/auth.eml"
fetch "$tmp/auth.conf"
check "a refused SMTP login sends nothing" \
	test "$(nanswers auth.1@example.org)" -eq 0
check "... and says so" grep -q -i 'login denied' "$tmp/fetch.err"
fetch "$tmp/auth-good.conf"
check "with the right password the letter kept goes at the next start" \
	test "$(nanswers auth.1@example.org)" -eq 1
kill "$apid"
apid=

# --- a reply to our answer joins its request ---------------------------
first=$(answers "$(msgid "$data/d01.eml")")
ours=$(msgid "$first")
num=$(subject "$first" | sed -n 's/^\[№ \([0-9-]*\)\].*/\1/p')
cat >"$tmp/follow.eml" <<EOF
From: Irina Smirnova <i.smirnova@example.com>
To: support@hotline.test
Subject: Re: [№ $num] Не могу восстановить пароль
Message-ID: <follow.1@example.com>
In-Reply-To: <$ours>
References: <01.2.091405@example.com> <$ours>
Content-Type: text/plain; charset=utf-8

Спасибо! А код из смс так и не приходит, что делать?

> Здравствуйте!
> Пароль можно восстановить...
EOF
append "$tmp/follow.eml"
fetch
f=$(answers follow.1@example.com)
check "a reply to our answer is answered once" test "$(nanswers follow.1@example.com)" -eq 1
s=$([ -n "$f" ] && subject "$f")
check "... under the same request number $num" \
	test -n "$num" -a "$(printf '%s' "$s" | sed -n 's/^\[№ \([0-9-]*\)\].*/\1/p')" = "$num"

# --- bad letters neither crash nor stall the channel -------------------
append "$data"/bad-*.eml "$data"/html-gmail-reply.eml
{
	printf 'From: <parts@example.org>\r\nSubject: parts\r\n'
	printf 'Message-ID: <parts.1@example.org>\r\nMIME-Version: 1.0\r\n'
	printf 'Content-Type: multipart/mixed; boundary=b\r\n\r\n'
	i=0
	while [ $i -lt 1000 ]; do
		printf -- '--b\r\nContent-Type: text/plain\r\n\r\nчасть %d\r\n' $i
		i=$((i + 1))
	done
	printf -- '--b--\r\n'
} >"$tmp/parts.eml"
{
	printf 'From: <header@example.org>\r\nSubject: header\r\n'
	printf 'Message-ID: <header.1@example.org>\r\nX-Junk: x'
	head -c 102400 /dev/zero | tr '\0' 'a' | fold -w 70 | sed 's/^/ /'
	printf '\r\n\r\nЗабыл пароль\r\n'
} >"$tmp/header.eml"
big() {
	printf 'From: <big@example.org>\r\nSubject: big\r\n'
	printf 'Message-ID: <%s@example.org>\r\nMIME-Version: 1.0\r\n' "$2"
	printf 'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n'
	printf 'Content-Type: text/plain; charset=utf-8\r\n\r\nЗабыл пароль\r\n'
	printf -- '--b\r\nContent-Type: application/octet-stream\r\n'
	printf 'Content-Transfer-Encoding: base64\r\n\r\n'
	head -c "$1" /dev/urandom | base64
	printf -- '--b--\r\n'
}
big 22000000 big30 >"$tmp/big30.eml"
big 25600000 big34 >"$tmp/big34.eml"
append "$tmp/parts.eml" "$tmp/header.eml" "$tmp/big30.eml" "$tmp/big34.eml"
before=$(nsink)
start_s=$(date +%s)
check "mail fetch survives the bad letters and exits 0" fetch
cat "$tmp/fetch.out"
check "... in under 60 s ($(($(date +%s) - start_s)) s)" \
	test $(($(date +%s) - start_s)) -lt 60
check "... and leaves no letter undone" test -z "$(undone)"
q=$(curl -s -u hotline:secret "imap://127.0.0.1:$imap_port/Quarantine" \
    -X 'UID SEARCH ALL' | tr -d '\r' | sed 's/^\* SEARCH *//')
check "the 34 MB letter is in quarantine ($q)" test -n "$q"
check "the 30 MB and 1,000-part letters are answered" \
	test "$(nanswers big30@example.org)" -eq 1 -a \
	    "$(nanswers parts.1@example.org)" -eq 1
check "the letter without a sender is not answered" \
	sh -c "! grep -q -F 'bad-no-from' $sink/m.* 2>/dev/null"
echo "# $(($(nsink) - before)) answers to the bad letters"
rm -f "$tmp"/big*.eml

# --- hotline serve: IDLE, an operator's reply, kill -9 -----------------
start() {
	tries=0
	while :; do
		port=$(rand_port)
		sed -i "/^listen /d" "$conf"
		echo "listen 127.0.0.1:$port" >>"$conf"
		: >"$tmp/serve.out"
		HOTLINE_LOG=info "$HOTLINE" -c "$conf" serve >"$tmp/serve.out" \
		    2>>"$tmp/serve.err" &
		spid=$!
		i=0
		while [ $i -lt 600 ] && ! grep -q '^chat: ' "$tmp/serve.out"; do
			kill -0 "$spid" 2>/dev/null || break
			sleep 0.1
			i=$((i + 1))
		done
		grep -q '^chat: ' "$tmp/serve.out" && break
		stop_serve
		tries=$((tries + 1))
		[ $tries -ge 5 ] && { echo "serve did not start"; cat "$tmp/serve.err"; exit 1; }
	done
	base="http://127.0.0.1:$port"
}
# wait_for N ID: waits up to N seconds for an answer to ID.
wait_for() {
	i=0
	while [ $i -lt $(($1 * 10)) ] && [ "$(nanswers "$2")" -lt 1 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(nanswers "$2")" -ge 1 ]
}

start
pw=$(sed -n 's/^operator: admin \/ //p' "$tmp/serve.out")
sleep 1
cat >"$tmp/idle.eml" <<EOF
From: <idle@example.org>
To: support@hotline.test
Subject: Не приходит смс
Message-ID: <idle.1@example.org>
Content-Type: text/plain; charset=utf-8

Не приходит смс с кодом для входа.
EOF
t0=$(date +%s)
append "$tmp/idle.eml"
check "serve answers a new letter over IDLE within 10 s" wait_for 10 idle.1@example.org
echo "# answered in $(($(date +%s) - t0)) s"
# A letter is a citizen's message like a chat's: /metrics counts it.
m=$(curl -s "$base/metrics")
check "/metrics counts the letters serve took" \
	contains "$m" 'hotline_messages_total{channel="email"} [1-9]'

# One mail channel per state database: two would send the same letter.
fetch
check "mail fetch refuses while serve runs the mail channel" \
	grep -q 'runs in another process' "$tmp/fetch.err"

# The IMAP server goes away and comes back: serve reconnects by itself.
dovecot_stop
sleep 2
check "the IMAP server comes back" dovecot_restart
sed 's/idle\.1@/idle.2@/' "$tmp/idle.eml" >"$tmp/idle2.eml"
append "$tmp/idle2.eml"
check "serve reconnects and answers the next letter within 30 s" \
	wait_for 30 idle.2@example.org
kill -0 "$spid" 2>/dev/null
check "... and is still running" test $? -eq 0

# The operator takes the handoff (d15) and replies from the console.
d15=$(msgid "$data/d15.eml")
code=$(curl -s -o "$tmp/body" -w '%{http_code}' -c "$tmp/jar" \
    -H 'Content-Type: application/json' \
    --data "{\"name\":\"admin\",\"password\":\"$pw\"}" "$base/api/operator/login")
csrf=$(field csrf <"$tmp/body")
# The acknowledgement may have gone twice (the one window after a kill -9
# the kill test allows): any copy carries the number.
num15=$(subject "$(answers "$d15" | head -n 1)" | sed -n 's/^\[№ \([0-9-]*\)\].*/\1/p')
curl -s -b "$tmp/jar" "$base/api/operator/queue" >"$tmp/queue"
id=$(sed 's/},{/}\n{/g' "$tmp/queue" | grep "\"request_number\":\"$num15\"" |
    grep '"channel":"email"' | sed -n 's/.*"id":\([0-9]*\).*/\1/p' | head -n 1)
check "the e-mail handoff is in the console's queue" test "$code" = 200 -a -n "$id"
curl -s -b "$tmp/jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
    --data '{}' "$base/api/operator/conversations/$id/take" >/dev/null
code=$(curl -s -o "$tmp/body" -w '%{http_code}' -b "$tmp/jar" \
    -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
    --data '{"text":"Здравствуйте! Перезвоню вам сегодня до 18:00."}' \
    "$base/api/operator/conversations/$id/reply")
check "the operator's reply is accepted" test "$code" = 200
i=0
while [ $i -lt 150 ] && [ "$(nanswers "$d15")" -lt 2 ]; do
	sleep 0.1
	i=$((i + 1))
done
check "the operator's reply goes out by e-mail in the thread" \
	test "$(nanswers "$d15")" -eq 2
f=$(answers "$d15" | while read -r x; do has "$x" 'Auto-Submitted' || echo "$x"; done | head -n 1)
s=$([ -n "$f" ] && subject "$f")
check "... without Auto-Submitted, under the request's number" \
	contains "$s" "^\[№ $year-[0-9]\{6\}\] "

# A letter with no address to answer to asks for a person: the operator's
# reply cannot go.  It is recorded once as failed and the console shows
# it so, however many rounds the sender makes (it used to be suppressed
# again every round, a new mail_suppressed row each 5 s).
cat >"$tmp/noaddr.eml" <<EOF
From: Иван Петров
To: support@hotline.test
Subject: Оператор
Message-ID: <noaddr.1@example.org>
Content-Type: text/plain; charset=utf-8

Соедините меня с оператором, пожалуйста.
EOF
append "$tmp/noaddr.eml"
q() { sqlite3 "$HOTLINE_STATE" "$1"; }
noaddr() {
	q "SELECT t.conv FROM mail_thread t JOIN conversation c ON c.id = t.conv
	    WHERE t.rcpt = '' AND c.state = 'queued' ORDER BY t.conv DESC LIMIT 1"
}
i=0
while [ $i -lt 150 ] && [ -z "$(noaddr)" ]; do
	sleep 0.1
	i=$((i + 1))
done
nid=$(noaddr)
check "the letter with no address is handed to an operator" test -n "$nid"
curl -s -b "$tmp/jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
    --data '{}' "$base/api/operator/conversations/$nid/take" >/dev/null
code=$(curl -s -o "$tmp/body" -w '%{http_code}' -b "$tmp/jar" \
    -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
    --data '{"text":"Здравствуйте! Напишите нам с адреса, на который можно ответить."}' \
    "$base/api/operator/conversations/$nid/reply")
check "the operator's reply to it is accepted" test "$code" = 200
suppressed() {
	q "SELECT count(*) FROM mail_suppressed WHERE reason =
	    'operator''s reply: no address to answer to'"
}
i=0
while [ $i -lt 150 ] && [ "$(suppressed)" -lt 1 ]; do
	sleep 0.1
	i=$((i + 1))
done
# Three rounds of the sender at least (one each 5 s).
sleep 16
check "the reply is suppressed once, not again each round ($(suppressed))" \
	test "$(suppressed)" -eq 1
check "... and recorded once as a failed letter" test "$(q "SELECT count(*)
    FROM mail_sent WHERE conv = $nid AND status = 'failed' AND
    error = 'no address to answer to'")" -eq 1
curl -s -b "$tmp/jar" "$base/api/operator/conversations/$nid" >"$tmp/conv"
check "the console is told the reply failed, once" test "$(grep -o \
    '"status": *"failed", *"error": *"no address to answer to"' \
    "$tmp/conv" | wc -l)" -eq 1
# ... and the console in chromium shows it so (tests/browser/mailfail.mjs),
# where node and chromium are installed.
browser=$top_srcdir/tests/browser
if command -v node >/dev/null && [ -x /usr/bin/chromium ] &&
    { [ -d "$browser/node_modules/playwright-core" ] ||
    (cd "$browser" && npm ci --no-audit --no-fund --silent); }; then
	HOTLINE_URL=$base HOTLINE_ADMIN_PASSWORD=$pw HOTLINE_CONV=$nid \
	    HOTLINE_BROWSER_WAIT_MS=30000 node "$browser/mailfail.mjs" \
	    >"$tmp/mailfail.log" 2>&1
	sed 's/^/  /' "$tmp/mailfail.log"
	check "the console shows the reply as not sent, once, in chromium" \
	    grep -q '^[1-9][0-9]* passed, 0 failed$' "$tmp/mailfail.log"
else
	echo "# the console in chromium not checked: node, chromium or playwright-core missing"
fi
stop_serve

# kill -9 in the middle of a batch, then a restart: each letter gets one
# reply, decided once and delivered once.  The one exception the design
# admits (agent/mail/mailrun.h): the reply in flight at the kill, which the
# SMTP server may have taken before we heard its 250; it goes again, the
# same letter with the same Message-ID.  A second decision is never
# allowed.
nbatch=300
i=0
while [ $i -lt $nbatch ]; do
	cat >"$tmp/batch.eml" <<EOF
From: <c$i@example.net>
To: support@hotline.test
Subject: Не приходит смс $i
Message-ID: <batch.$i@example.net>
Content-Type: text/plain; charset=utf-8

Не приходит смс с кодом для входа, попытка $i.
EOF
	deliver "$tmp/batch.eml"
	i=$((i + 1))
done
before=$(nsink)
start
i=0
while [ $i -lt 300 ] && [ $(($(nsink) - before)) -lt 20 ]; do
	sleep 0.02
	i=$((i + 1))
done
# Not right as a file appears (that is when a reply is in flight).
sleep "0.0$(od -An -N1 -tu1 /dev/urandom | tr -d ' ' | cut -c1)"
kill -9 "$spid"
wait "$spid" 2>/dev/null
spid=
killed_at=$(($(nsink) - before))
echo "# killed after $killed_at of $nbatch answers"
start
i=0
while [ $i -lt 600 ] && [ $(($(nsink) - before)) -lt $nbatch ]; do
	sleep 0.1
	i=$((i + 1))
done
sleep 1
stop_serve
dup=0 miss=0 twice=0
i=0
while [ $i -lt $nbatch ]; do
	c=$(nanswers "batch.$i@example.net")
	[ "$c" -eq 0 ] && miss=$((miss + 1))
	if [ "$c" -gt 1 ]; then
		ids=$(answers "batch.$i@example.net" | while read -r f; do
			msgid "$f"; done | sort -u | wc -l)
		if [ "$ids" -eq 1 ]; then
			twice=$((twice + 1))
			echo "# batch.$i: the reply in flight at the kill went twice"
		else
			dup=$((dup + 1))
		fi
	fi
	i=$((i + 1))
done
check "after kill -9 ($killed_at answered) and a restart no letter is lost ($miss)" \
	test "$miss" -eq 0
check "... none is answered twice ($dup)" test "$dup" -eq 0
check "... and at most the one reply in flight went again ($twice)" \
	test "$twice" -le 1
# --- a server without IDLE and MOVE: polling, COPY into quarantine -----
dovecot_stop
printf 'imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE LITERAL+ UIDPLUS\n' \
    >>"$dv_conf"
check "the IMAP server comes back without IDLE and MOVE" dovecot_restart
sed -i 's/^imap_poll_seconds .*/imap_poll_seconds 5/' "$conf"
quarantined() {
	curl -s -u hotline:secret "imap://127.0.0.1:$imap_port/Quarantine" \
	    -X 'UID SEARCH ALL' | tr -d '\r' | sed 's/^\* SEARCH *//' |
	    wc -w
}
q0=$(quarantined)
start
printf 'no header at all, only words\r\n' >"$tmp/headerless.eml"
sed 's/idle\.1@/poll.1@/' "$tmp/idle.eml" >"$tmp/poll.eml"
append "$tmp/headerless.eml" "$tmp/poll.eml"
check "without IDLE serve polls and answers within 15 s" \
	wait_for 15 poll.1@example.org
sleep 1
stop_serve
check "an unreadable letter is copied into quarantine" \
	test "$(quarantined)" -eq $((q0 + 1))
check "... and expunged from the folder" \
	test -z "$(imap_cmd 'UID SEARCH DELETED' | tr -d '\r' | sed 's/^\* SEARCH *//')" -a \
	    -z "$(undone)"

check "serve logged no crash" sh -c "! grep -q -i 'sanitizer\|assert' '$tmp/serve.err'"
check "no sanitizer report from any mail fetch" test ! -s "$tmp/sanitizer"
finish
