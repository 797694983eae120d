#!/bin/sh
# Quick start: installs what is missing, builds, and starts the agent on
# its embedded defaults (an interactive chat in this terminal).
set -e
cd "$(dirname "$0")/.."
sh scripts/deps.sh build
[ -x configure ] || ./autogen.sh >/dev/null
[ -f Makefile ] || ./configure -q
make -s -j"$(nproc)" hotline
exec ./hotline chat
