#!/bin/sh
# End to end: what the bot says comes from the editors' phrase files
# (etc/phrases under the data directory), read at start and on SIGHUP; a
# file an editor broke is refused with its file and line, and the phrases
# in force stay; without the files the built-in copy speaks.
. "$(dirname "$0")/lib.sh"
year=$(TZ=Europe/Moscow date +%Y 2>/dev/null || date +%Y)
command -v curl >/dev/null || { echo "curl is needed (scripts/deps.sh)"; exit 1; }

conf=$tmp/hotline.conf
out=$tmp/out
pid=
trap 'serve_stop; rm -rf "$tmp"' EXIT

data=$tmp/data
mkdir -p "$data/kb" "$data/etc"
cp -R "$top_srcdir/intents" "$data/"
cp -R "$top_srcdir/kb/articles" "$data/kb/"
cp -R "$top_srcdir/etc/phrases" "$data/etc/"
ru=$data/etc/phrases/ru.txt
# A letter from the press goes to a person: the reply is reply.handoff.
msg="Редакция газеты просит дать официальный комментарий о сбое портала"
# phrase KEY TEXT: the editor rewrites one phrase of ru.txt.
phrase() {
	grep -v "^$1 =" "$ru" >"$ru.new"
	printf '%s = %s\n' "$1" "$2" >>"$ru.new"
	mv "$ru.new" "$ru"
}

# The command line.
out1=$("$HOTLINE" -d "$data" ask "$msg")
check "the shipped phrase is said" contains "$out1" "Чтобы ответить точно"
phrase reply.handoff "Запишите номер {number}: по нему мы найдём обращение."
out1=$("$HOTLINE" -d "$data" ask "$msg")
check "an edited phrase is what the citizen reads, number filled in" \
	contains "$out1" "Запишите номер $year-[0-9]\{6\}: по нему"
mv "$ru" "$ru.off"
out1=$("$HOTLINE" -d "$data" ask "$msg")
check "without the file the built-in copy speaks" \
	contains "$out1" "Чтобы ответить точно"
mv "$ru.off" "$ru"
cp "$ru" "$ru.good"
phrase reply.handoff "Передаю оператору, номер {nomer}."
err=$("$HOTLINE" -d "$data" ask "$msg" 2>&1)
check "a name a phrase does not take is refused with file and line" \
	contains "$err" "ru.txt:[0-9]*: reply.handoff: {nomer} is not a name it takes (number)"
printf 'reply.nothing = x\n' >>"$ru"
err=$("$HOTLINE" -d "$data" ask "$msg" 2>&1)
check "an unknown phrase is named" contains "$err" 'unknown phrase "reply.nothing"'
cp "$ru.good" "$ru"

# The server: the phrases at start, again after SIGHUP, kept when broken.
cat >"$conf" <<EOF2
listen 127.0.0.1:8080
data_dir $data
www_dir $top_srcdir/www
EOF2
serve_start
ask_chat() {
	tok=$(curl -s -H 'Content-Type: application/json' \
	    --data '{"lang":"ru"}' "$base/api/chat/sessions" |
	    sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
	curl -s -H 'Content-Type: application/json' \
	    -H "Authorization: Bearer $tok" \
	    --data "{\"text\":\"$msg\"}" "$base/api/chat/messages"
}
body=$(ask_chat)
check "the chat says the phrase of the file at start" \
	contains "$body" "Запишите номер $year-"
phrase reply.handoff "Номер вашего обращения — {number}."
serve_reload
body=$(ask_chat)
check "after SIGHUP the chat says the edited phrase" \
	contains "$body" "Номер вашего обращения — $year-"
phrase reply.handoff "Номер {nomer}."
serve_reload
check "a broken phrase file on reload is named in the log" \
	grep -q "ru.txt:[0-9]*: reply.handoff: {nomer}" "$tmp/err"
body=$(ask_chat)
check "...and the phrases in force stay" \
	contains "$body" "Номер вашего обращения — $year-"
serve_stop

finish
