#!/bin/sh
# Quick start: installs what is missing, builds in build/, and starts the
# agent on its embedded defaults (an interactive chat in this terminal).
set -e
cd "$(dirname "$0")/.."
top=$(pwd)
sh scripts/deps.sh build
[ -x configure ] || ./autogen.sh >/dev/null 2>&1
mkdir -p build
cd build
[ -f Makefile ] || "$top"/configure -q
make -s -j"$(nproc)" hotline
exec ./hotline chat
