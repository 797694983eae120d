#!/bin/sh
# Generates configure and Makefile.in; nothing generated is committed.
set -e
cd "$(dirname "$0")"
autoreconf -fi
