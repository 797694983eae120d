#!/bin/sh
# embed.sh NAME FILE [NAME FILE ...]: a C source defining
# "const char NAME[]" with the bytes of each FILE, for data the program
# carries a built-in copy of (etc/phrases).  Run by make; its output is a
# build product, never committed.
set -e
echo "/* Made by scripts/embed.sh from the files named below: do not edit. */"
while [ $# -ge 2 ]; do
	echo "/* $2 */"
	echo "extern const char $1[];"
	echo "const char $1[] ="
	# Backslashes, quotes and question marks (no trigraphs) escaped; the
	# text is UTF-8 and stays so.
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/?/\\?/g' \
	    -e 's/^/	"/' -e 's/$/\\n"/' "$2"
	echo "	;"
	shift 2
done
