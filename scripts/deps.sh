#!/bin/sh
# Installs the Debian 12 packages hotline builds and tests with, when any
# is missing.  Run as root; idempotent.
set -e
build="build-essential autoconf automake pkg-config libpcre2-dev
libsqlite3-dev libjansson-dev libutf8proc-dev libstemmer-dev check"
test="clang libclang-rt-14-dev"
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
[ -z "$missing" ] && exit 0
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
