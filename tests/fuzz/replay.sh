#!/bin/sh
# Replays every fuzz corpus through its harness (built without libFuzzer).
set -e
: "${top_srcdir:=.}" "${top_builddir:=.}"
status=0
for corpus in "$top_srcdir"/tests/fuzz/corpus/*/; do
	name=$(basename "$corpus")
	bin="$top_builddir/tests/fuzz/replay_$name"
	if [ ! -x "$bin" ]; then
		echo "replay: no harness for corpus $name" >&2
		status=1
		continue
	fi
	printf '%s: ' "$name"
	"$bin" "$corpus" || status=1
done
exit $status
