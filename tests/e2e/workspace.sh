#!/bin/sh
# The operators' workspace end to end: the real `hotline serve` on a free
# loopback port with three accounts (an admin, an operator, a senior).
# First with curl, what the API promises whatever the page does: notes,
# assignment, canned responses and the search ask the permission table,
# need the CSRF token and the console's Origin, bound their input, are
# journalled, and never show a note or a whole phone number to the wrong
# reader.  Then tests/browser/workspace.mjs drives the console and the chat
# in chromium with two operators, and writes screenshots of the console to
# $top_builddir/screens (docs/console.md).
. "$(dirname "$0")/lib.sh"
need_browser curl sqlite3

conf=$tmp/hotline.conf
out=$tmp/out
pid=
trap 'serve_stop; rm -rf "$tmp"' EXIT
printf 'listen 127.0.0.1:8080\nkeepalive_seconds 5\n' >"$conf"

# login NAME PASSWORD: a cookie jar $tmp/jar.NAME and $csrf
login() {
	req POST /api/operator/login "{\"name\":\"$1\",\"password\":\"$2\"}" \
	    -c "$tmp/jar.$1" -H "Origin: $base"
	csrf=$(field csrf)
}
# as NAME CSRF METHOD PATH [BODY]: an operator's request from the console
as() {
	n=$1 c=$2 m=$3 p=$4
	shift 4
	req "$m" "/api/operator$p" "$@" -b "$tmp/jar.$n" -H "X-CSRF-Token: $c" \
	    -H "Origin: $base"
}

pw() { od -An -N12 -tx1 /dev/urandom | tr -d ' \n'; }
apw=$(pw) bpw=$(pw) spw=$(pw)
printf '%s\n' "$apw" | "$HOTLINE" -c "$conf" operator add tester \
    --role admin --display-name 'Анна Тестова' >/dev/null
printf '%s\n' "$bpw" | "$HOTLINE" -c "$conf" operator add boris \
    --role operator --display-name 'Борис' >/dev/null
printf '%s\n' "$spw" | "$HOTLINE" -c "$conf" operator add vera \
    --role senior >/dev/null
serve_start

# A citizen asks for a person, giving a phone number.
req POST /api/chat/sessions '{"lang":"ru"}'
tok=$(field token)
req POST /api/chat/messages \
    '{"text":"позовите оператора, мой телефон +7 916 555-12-34"}' \
    -H "Authorization: Bearer $tok"
req GET /api/chat/conversation -H "Authorization: Bearer $tok"
id=1

login boris "$bpw"
bcsrf=$csrf
login tester "$apw"
acsrf=$csrf
login vera "$spw"
vcsrf=$csrf

as boris "$bcsrf" GET /queue
check "an item shows the citizen's last message with the phone masked" \
    contains "$body" '"last_message":{"text":"позовите оператора, мой телефон +\* \*\*\* \*\*\*-\*\*-34"'
check "a new item is unread for an operator who has not read it" \
    contains "$body" '"unread":true'
check "the views' counts come with the queue" \
    contains "$body" '"counts":{"mine":0,"unassigned":1,"all":1,"closed":0}'
as boris "$bcsrf" GET /conversations/$id
as boris "$bcsrf" GET /queue
check "read, the item is no longer unread for that operator" \
    contains "$body" '"unread":false'
as tester "$acsrf" GET /queue
check "... and still unread for a colleague" contains "$body" '"unread":true'

as boris "$bcsrf" POST /conversations/$id/notes '{"text":"звонил вчера, ждёт ответа"}'
check "an operator adds a note (201)" test "$code" = 201
as boris "$bcsrf" POST /conversations/$id/notes '{"text":"x"}' \
    -H 'X-CSRF-Token: forged'
check "a note without the session's CSRF token is refused (403)" \
    test "$code" = 403
req POST /api/operator/conversations/$id/notes '{"text":"x"}' \
    -b "$tmp/jar.boris" -H "X-CSRF-Token: $bcsrf" \
    -H 'Origin: https://evil.example'
check "a note from another site's page is refused (403)" test "$code" = 403
long=$(head -c 2001 /dev/zero | tr '\0' 'a')
as boris "$bcsrf" POST /conversations/$id/notes "{\"text\":\"$long\"}"
check "a note over 2000 characters is refused (400)" test "$code" = 400
req GET /api/chat/conversation -H "Authorization: Bearer $tok"
check "the citizen never sees a note" sh -c \
    '! printf "%s" "$1" | grep -q "звонил вчера"' - "$body"

as boris "$bcsrf" POST /conversations/$id/assign '{"to":"nobody"}'
check "assigning to an unknown colleague is refused (400)" test "$code" = 400
as boris "$bcsrf" POST /conversations/$id/assign '{"to":"tester","note":"посмотри, пожалуйста"}'
check "an operator assigns a free item to a named colleague" test "$code" = 200
as tester "$acsrf" GET /queue
check "the colleague holds it at once" contains "$body" '"owner":"tester"'
check "... and counts it as theirs" contains "$body" '"mine":1'
as boris "$bcsrf" POST /conversations/$id/assign '{"to":"boris"}'
check "an operator cannot take a colleague's item by assigning it (409)" \
    test "$code" = 409
as tester "$acsrf" GET /conversations/$id
check "the notes come with the transcript, the assignment among them" \
    contains "$body" '"kind":"assign","assignee":"tester","text":"посмотри, пожалуйста"'
req GET /api/chat/conversation -H "Authorization: Bearer $tok"
check "the citizen is told that the colleague joined, by display name" \
    contains "$body" 'Оператор Анна Тестова подключился'

as boris "$bcsrf" POST /canned '{"title":"Номер","text":"Ваш номер {request_number}"}'
check "an operator may not write canned responses (403)" test "$code" = 403
as vera "$vcsrf" POST /canned '{"title":"Номер","text":"Ваш номер {request_number}. {name}","lang":"ru"}'
check "a senior writes one (201)" test "$code" = 201
cid=$(printf '%s' "$body" | sed -n 's/.*"id":\([0-9]*\).*/\1/p')
as vera "$vcsrf" POST /canned '{"title":"a\nb","text":"x"}'
check "a title on two lines is refused (400)" test "$code" = 400
as boris "$bcsrf" GET /canned
check "every operator reads them, with the name for {name}" \
    contains "$body" '"fill":{"name":"Борис"}'
as boris "$bcsrf" POST /canned/$cid/delete '{}'
check "an operator may not remove one (403)" test "$code" = 403

as boris "$bcsrf" POST /conversations/$id/typing '{}'
check "only the holder's typing reaches the citizen (409)" test "$code" = 409
as tester "$acsrf" POST /conversations/$id/close '{"resolution":"перезвонили на 89165551234"}'
req POST /api/chat/rating '{"score":4,"comment":"спасибо, мой номер 89165551234"}' \
    -H "Authorization: Bearer $tok"
as boris "$bcsrf" GET "/search?entity=8%20(916)%20555-12-34"
check "the closed conversation is found by the citizen's phone" \
    contains "$body" '"request_number":"'
check "... with the rating and its comment, masked" \
    contains "$body" '"rating":4,"rating_comment":"спасибо, мой номер \*\*\*\*\*\*\*\*\*34"'
check "... and no whole phone number anywhere in the answer" sh -c \
    '! printf "%s" "$1" | grep -Eq "555.?12.?34|5551234"' - "$body"
as boris "$bcsrf" GET "/search?q=%D0%9F%D0%9E%D0%97%D0%9E%D0%92%D0%98%D0%A2%D0%95"
check "words match whatever their case" contains "$body" '"snippet":"позовите'
as boris "$bcsrf" GET "/search?q=a&from=1&to=2"
check "a closing date outside the range finds nothing" \
    contains "$body" '"results":\[\]'
as boris "$bcsrf" GET "/search?entity=hello"
check "an entity query without an entity is refused (400)" test "$code" = 400
"$HOTLINE" -c "$conf" audit verify >/dev/null 2>&1
check "the journal verifies" test $? = 0
check "notes, assignments, canned edits and searches are journalled" sh -c \
    'for a in note assign "canned save" search; do
	sqlite3 "$1" "SELECT 1 FROM audit WHERE action = '"'"'$a'"'"'" | grep -q 1 || exit 1
    done' - "$HOTLINE_STATE"

# The console and the chat in chromium, with two operators.
serve_stop
rm -f "$HOTLINE_STATE" "$HOTLINE_STATE"-wal "$HOTLINE_STATE"-shm
printf '%s\n' "$apw" | "$HOTLINE" -c "$conf" operator add tester \
    --role admin --display-name 'Анна Тестова' >/dev/null
printf '%s\n' "$bpw" | "$HOTLINE" -c "$conf" operator add boris \
    --role operator --display-name 'Борис' >/dev/null
serve_start
mkdir -p "$top_builddir/screens"
HOTLINE_URL=$base HOTLINE_A_NAME=tester HOTLINE_A_PASSWORD=$apw \
	HOTLINE_A_DISPLAY='Анна Тестова' HOTLINE_B_NAME=boris \
	HOTLINE_B_PASSWORD=$bpw HOTLINE_SCREENS=$top_builddir/screens \
	HOTLINE_BROWSER_WAIT_MS=20000 \
	node "$browser/workspace.mjs" >"$tmp/run.log" 2>&1
sed 's/^/  /' "$tmp/run.log"
check "the workspace passes in chromium with two operators" \
	grep -q '^[0-9]* passed, 0 failed$' "$tmp/run.log"
finish
