#!/bin/sh
# The whole test suite from a fresh clone: installs what is missing, builds,
# runs `make check`, then builds again with AddressSanitizer and
# UndefinedBehaviorSanitizer in build-asan/ and runs `make check` there.
set -e
cd "$(dirname "$0")/.."
top=$(pwd)
jobs=$(nproc)
sh scripts/deps.sh test
./autogen.sh >/dev/null 2>&1
status=0

echo "== build and make check"
./configure -q
make -s -j"$jobs"
make -j"$jobs" check || status=1

echo "== build and make check under ASan+UBSan"
rm -rf build-asan
mkdir build-asan
(cd build-asan && "$top"/configure -q --enable-asan &&
	make -s -j"$jobs" &&
	ASAN_OPTIONS=detect_leaks=1 make -j"$jobs" check) || status=1

# One closing line over both runs.
pass=0 fail=0
for log in test-suite.log build-asan/test-suite.log; do
	[ -f "$log" ] || { fail=$((fail + 1)); continue; }
	p=$(sed -n 's/^# PASS: *//p' "$log"); f=$(sed -n 's/^# FAIL: *//p' "$log")
	e=$(sed -n 's/^# ERROR: *//p' "$log")
	pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0} + ${e:-0}))
done
[ "$fail" -gt 0 ] && status=1
echo "tests: $pass passed, $fail failed"
exit $status
