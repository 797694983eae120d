# Shared helpers of the end-to-end scripts: a temporary directory removed
# on exit, and assertions that name what a user would notice.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${HOTLINE:=$top_builddir/hotline}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hotline-e2e.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export HOTLINE_STATE="$tmp/state.db"
npass=0
nfail=0

pass() { npass=$((npass + 1)); echo "ok - $*"; }
fail() { nfail=$((nfail + 1)); echo "not ok - $*"; }
# check NAME COMMAND...: the command must succeed
check() { name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }
contains() { printf '%s' "$1" | grep -q -- "$2"; }
finish() {
	echo "$npass passed, $nfail failed"
	[ "$nfail" -eq 0 ]
}
