#!/bin/sh
# run-suite.sh: run a Kyuafile with kyua the way afunix wants it, then
# summarise from kyua's own results database.
#
#	run-suite.sh [-b builddir] [-t title] kyuafile
#
# - parallelism = number of CPUs;
# - as root, unprivileged_user = nobody, so require.user=unprivileged test
#   cases run instead of being skipped;
# - results and log go into the build tree, never ~/.kyua;
# - AFUNIX_PLATFORM, AFUNIX_PLATFORM_VERSION, AFUNIX_DATADIR and
#   AFUNIX_RECORD (yes) become the kyua variables platform,
#   platform_version, datadir and record of the afunix test suite;
# - the docs, kernels and gates directories of the build, where they
#   exist, become docsdir, kernelsdir and gatesdir (make test makes them);
# - prints each failure with its reason (which starts with the key), where
#   the results are, and last "N passed, N failed, N skipped".
# Exit status: 0 only when nothing failed or broke.
set -u

prog=run-suite.sh
builddir=
title=
while getopts b:t: opt; do
	case $opt in
	b) builddir=$OPTARG ;;
	t) title=$OPTARG ;;
	*) echo "usage: $prog [-b builddir] [-t title] kyuafile" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || { echo "usage: $prog [-b builddir] [-t title] kyuafile" >&2; exit 2; }
kyuafile=$1
[ -f "$kyuafile" ] || { echo "$prog: $kyuafile: no such Kyuafile" >&2; exit 2; }
command -v kyua >/dev/null 2>&1 || {
	echo "$prog: kyua is not installed (run: sh tools/deps.sh)" >&2; exit 2; }

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tools/lib.sh
. "$top/tools/lib.sh"
kyuafile=$(cd "$(dirname "$kyuafile")" && pwd)/$(basename "$kyuafile")
[ -n "$builddir" ] || builddir=$top/_build
mkdir -p "$builddir/kyua" || exit 2
name=$(basename "$(dirname "$kyuafile")")
[ "$name" = "$(basename "$top")" ] && name=all
results=$builddir/kyua/$name.db
log=$builddir/kyua/$name.log
rm -f "$results"

ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || sysctl -n hw.ncpu 2>/dev/null || echo 2)
set -- -v "parallelism=$ncpu"

# Test cases that need an unprivileged user run as nobody when we are root.
# That user must be able to reach the test programs and the data: a tree
# under a private directory (/root, a 0700 home) is copied to a readable
# place first, or those test cases would break, not run.
stage=
datadir=${AFUNIX_DATADIR:-}
if [ "$(id -u)" -eq 0 ]; then
	unpriv=${AFUNIX_UNPRIVILEGED_USER:-nobody}
	if ! id "$unpriv" >/dev/null 2>&1; then
		echo "$prog: no user '$unpriv' for the unprivileged test cases;" \
		    "set AFUNIX_UNPRIVILEGED_USER" >&2
		exit 2
	fi
	set -- "$@" -v "unprivileged_user=$unpriv"
	if ! as_user "$unpriv" "test -r '$kyuafile' -a \
	    -r '$top/platforms/linux'" >/dev/null 2>&1; then
		stage=$(mktemp -d "${TMPDIR:-/tmp}/afunix-stage.XXXXXX") || exit 2
		trap 'rm -rf "$stage"' EXIT INT TERM
		copy_tree "$top" "$stage" || exit 2
		chmod -R a+rX "$stage" && chmod 755 "$stage"
		kyuafile=$stage${kyuafile#"$top"}
		datadir=${datadir:-$stage/platforms}
		echo "$prog: $top is not readable by $unpriv; running a copy in $stage"
	fi
fi
[ -n "${AFUNIX_PLATFORM:-}" ] &&
    set -- "$@" -v "test_suites.afunix.platform=$AFUNIX_PLATFORM"
[ -n "${AFUNIX_PLATFORM_VERSION:-}" ] &&
    set -- "$@" -v "test_suites.afunix.platform_version=$AFUNIX_PLATFORM_VERSION"
[ -n "$datadir" ] && set -- "$@" -v "test_suites.afunix.datadir=$datadir"
[ -d "$builddir/docs" ] && set -- "$@" -v "test_suites.afunix.docsdir=$builddir/docs"
[ -d "$builddir/kernels/run" ] && set -- "$@" -v "test_suites.afunix.kernelsdir=$builddir/kernels"
[ -d "$builddir/gates" ] && set -- "$@" -v "test_suites.afunix.gatesdir=$builddir/gates"
[ -n "${AFUNIX_RECORD:-}" ] &&
    set -- "$@" -v "test_suites.afunix.record=$AFUNIX_RECORD"

[ -n "$title" ] && echo "=== $title"
kyua --logfile="$log" "$@" test -k "$kyuafile" -r "$results"
status=$?

# kyua logs into ~/.kyua unless told: a user with no writable home (nobody)
# would get no answer at all.
count() {
	kyua --logfile="$log.db" db-exec --no-headers -r "$results" \
	    "SELECT COUNT(*) FROM test_results WHERE result_type IN ($1)" \
	    2>/dev/null || echo 0
}
passed=0 failed=0 skipped=0
if [ -s "$results" ]; then
	passed=$(count "'passed','expected_failure'")
	failed=$(count "'failed','broken'")
	skipped=$(count "'skipped'")
	if [ "$failed" -gt 0 ]; then
		echo
		echo "Failures ($failed):"
		kyua --logfile="$log.db" db-exec --no-headers -r "$results" \
		    "SELECT p.relative_path || ':' || c.name || '  ' ||
			r.result_type || ': ' || COALESCE(r.result_reason, '')
		     FROM test_results r
		     JOIN test_cases c ON c.test_case_id = r.test_case_id
		     JOIN test_programs p ON p.test_program_id = c.test_program_id
		     WHERE r.result_type IN ('failed', 'broken')
		     ORDER BY p.relative_path, c.name" | sed 's/^/  /'
	fi
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
	echo "$prog: kyua exited with status $status (see $log)" >&2
	failed=1
fi
echo
echo "Results: $results (kyua report -r $results)"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
