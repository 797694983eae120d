#!/bin/sh
# The whole test suite from a fresh clone: installs what is missing, builds
# in build/ and runs `make check`, then builds with AddressSanitizer and
# UndefinedBehaviorSanitizer in build-asan/ and runs `make check` there.
set -e
cd "$(dirname "$0")/.."
top=$(pwd)
jobs=$(nproc)
sh scripts/deps.sh test
./autogen.sh >/dev/null 2>&1
status=0

run() {
	dir=$1
	shift
	echo "== $dir: configure $*, make, make check"
	rm -rf "$dir"
	mkdir "$dir"
	(cd "$dir" && "$top"/configure -q "$@" && make -s -j"$jobs" &&
		make -j"$jobs" check) || {
		status=1
		# What failed, where CI shows it: the failing checks of the
		# failed programs (their logs are in test-suite.log).
		grep -E '^(not ok|FAIL:|ERROR:)|:[0-9]+:[EF]:|Sanitizer|runtime error' \
		    "$dir/test-suite.log" 2>/dev/null | head -n 60
	}
}
run build
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 run build-asan --enable-asan

# One closing line over both runs.
pass=0 fail=0
for log in build/test-suite.log build-asan/test-suite.log; do
	[ -f "$log" ] || { fail=$((fail + 1)); continue; }
	p=$(sed -n 's/^# PASS: *//p' "$log")
	f=$(sed -n 's/^# FAIL: *//p' "$log")
	e=$(sed -n 's/^# ERROR: *//p' "$log")
	pass=$((pass + ${p:-0}))
	fail=$((fail + ${f:-0} + ${e:-0}))
done
[ "$fail" -gt 0 ] && status=1
echo "tests: $pass passed, $fail failed"
exit $status
