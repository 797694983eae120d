#!/bin/sh
# Quick start: installs what is missing, builds in build/, and starts the
# web chat and the operators' console on their embedded defaults; the
# first start prints the operator account's random password.
set -e
cd "$(dirname "$0")/.."
top=$(pwd)
sh scripts/deps.sh build
[ -x configure ] || ./autogen.sh >/dev/null 2>&1
mkdir -p build
cd build
[ -f Makefile ] || "$top"/configure -q
make -s -j"$(nproc)" hotline
exec ./hotline serve
