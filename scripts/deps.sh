#!/bin/sh
# Installs the Debian 12 packages hotline builds and tests with, when any
# is missing.  Run as root; idempotent.
set -e
# autoconf-archive: AX_PTHREAD for configure.ac (autogen.sh).  hunspell-ru:
# the Russian dictionary that mends typos (intents/spell.c); libhunspell-dev
# for the test that holds our reader of it to libhunspell.
build="build-essential autoconf automake autoconf-archive pkg-config libpcre2-dev
libsqlite3-dev libjansson-dev libutf8proc-dev libstemmer-dev check
libetpan-dev libxml2-dev libcurl4-gnutls-dev libgnutls28-dev
libmicrohttpd-dev libsodium-dev libcmark-dev liblinear-dev sqlite3 curl
libhunspell-dev hunspell-ru"
# Browser tests: Debian's chromium driven by playwright-core (npm).  Mail
# tests: a real IMAP server (dovecot) and SMTP server (msmtpd).
test="clang libclang-rt-14-dev chromium nodejs dovecot-imapd msmtp-mta"
case "${1:-build}" in
build) want=$build ;;
test) want="$build $test" ;;
*) echo "usage: scripts/deps.sh [build|test]" >&2; exit 2 ;;
esac
missing=
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
# Some nodejs builds bring npm along, Debian's does not.
if [ "${1:-build}" = test ] && ! command -v npm >/dev/null; then
	missing="$missing npm"
fi
[ -z "$missing" ] && exit 0
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
