#!/bin/sh
# check-baseline.sh: hold this machine to another platform's data and check
# that exactly the test cases whose data differ fail.
#
#	check-baseline.sh [-d datadir] [-r release] platform [kyuafile]
#
# It runs the conformance suite with the kyua variable platform=PLATFORM.
# A test case is expected to fail when the outcome PLATFORM's data gives
# for its key differs from the outcome this machine's data gives for this
# release (what this machine does: the suite passes here), or PLATFORM
# has no expectation for the key.  Any other failure, and any expected
# failure that did not happen, is reported.  Exit 0 when the two sets are
# equal; it prints the counts either way.
set -u

prog=check-baseline.sh
usage() { echo "usage: $prog [-d datadir] [-r release] platform [kyuafile]" >&2; exit 2; }
top=$(cd "$(dirname "$0")/.." && pwd)
datadir=
baseline_release=
while getopts d:r: opt; do
	case $opt in
	d) datadir=$OPTARG
	   [ -n "$datadir" ] ||
	       { echo "$prog: -d: empty directory name" >&2; exit 2; } ;;
	r) baseline_release=$OPTARG
	   [ -n "$baseline_release" ] ||
	       { echo "$prog: -r: empty release" >&2; exit 2; } ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] && [ $# -le 2 ] || usage
platform=$1
[ $# -lt 2 ] || [ -n "$2" ] ||
    { echo "$prog: empty Kyuafile name" >&2; exit 2; }
kyuafile=${2:-$top/conformance/Kyuafile}
expect=$top/tools/afunix-expect
[ -x "$expect" ] || { echo "$prog: $expect is not built" >&2; exit 2; }
[ -f "$kyuafile" ] || { echo "$prog: $kyuafile: no such Kyuafile" >&2; exit 2; }
set -- ${datadir:+-d "$datadir"}
"$expect" "$@" keys >/dev/null || exit 2
# An unknown platform or a release that is no release is refused here
# (afunix-expect get exits 2), not after a whole run of the suite.
# shellcheck disable=SC2086  # no release: no word
msg=$("$expect" "$@" get "$platform" afunix.none $baseline_release 2>&1)
[ $? -ne 2 ] || { echo "$prog: ${msg#afunix-expect: }" >&2; exit 2; }

here=$(uname -s)
case $here in
Linux) here=linux ;; FreeBSD) here=freebsd ;; NetBSD) here=netbsd ;;
OpenBSD) here=openbsd ;; DragonFly) here=dragonfly ;; Darwin) here=macos ;;
SunOS) here=illumos ;;
*) echo "$prog: no platform data for $here" >&2; exit 2 ;;
esac
release=$(uname -r)

work=$(mktemp -d "${TMPDIR:-/tmp}/afunix-baseline.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT INT TERM

ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
set -- -v "parallelism=$ncpu" -v "test_suites.afunix.platform=$platform"
[ "$(id -u)" -eq 0 ] && set -- "$@" -v "unprivileged_user=${AFUNIX_UNPRIVILEGED_USER:-nobody}"
[ -n "$datadir" ] && set -- "$@" -v "test_suites.afunix.datadir=$datadir"
[ -n "$baseline_release" ] &&
    set -- "$@" -v "test_suites.afunix.platform_version=$baseline_release"
kyua --logfile="$work/log" "$@" test -k "$kyuafile" -r "$work/r.db" \
    >/dev/null 2>"$work/err"
[ -s "$work/r.db" ] || {
	echo "$prog: kyua wrote no results: $(tail -n 1 "$work/err")" >&2
	exit 2
}

# test case -> key, and test case -> result
kyua --logfile="$work/log2" list -v -k "$kyuafile" |
    awk '/^[^ ]/ { tc = $1 } /custom\.afunix\.key = / { print tc, $3 }' |
    sort >"$work/keys"
kyua --logfile="$work/log3" db-exec --no-headers -r "$work/r.db" \
    "SELECT p.relative_path || ':' || c.name || ' ' || r.result_type
     FROM test_results r
     JOIN test_cases c ON c.test_case_id = r.test_case_id
     JOIN test_programs p ON p.test_program_id = c.test_program_id" |
    sort >"$work/results"
join "$work/keys" "$work/results" >"$work/joined"

set -- ${datadir:+-d "$datadir"}
nexp=0 nobs=0 nwrong=0
while read -r tc key result; do
	[ "$result" = skipped ] && continue
	mine=$("$expect" "$@" get "$here" "$key" "$release" 2>/dev/null) || mine="(none)"
	# shellcheck disable=SC2086  # no release: no word
	theirs=$("$expect" "$@" get "$platform" "$key" $baseline_release \
	    2>/dev/null) || theirs="(none)"
	want=passed
	if [ "$mine" != "$theirs" ] || [ "$theirs" = "(none)" ]; then
		want=failed
		nexp=$((nexp + 1))
	fi
	case $result in failed|broken) got=failed; nobs=$((nobs + 1)) ;; *) got=passed ;; esac
	if [ "$want" != "$got" ]; then
		echo "$tc ($key): $got, but $here=$mine and $platform=$theirs"
		nwrong=$((nwrong + 1))
	fi
done <"$work/joined"
nkeyed=$(wc -l <"$work/joined" | tr -d ' ')
nall=$(wc -l <"$work/results" | tr -d ' ')
if [ "$nkeyed" -ne "$nall" ]; then
	echo "$prog: $((nall - nkeyed)) test cases have no X-afunix.key"
	nwrong=$((nwrong + 1))
fi
echo "$platform${baseline_release:+ $baseline_release} baseline on $here $release: $nexp test cases expected to fail" \
    "(data differ or unknown), $nobs failed, $nwrong mismatches"
[ "$nwrong" -eq 0 ]
