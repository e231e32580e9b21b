#!/bin/sh
# stress.sh: run the whole suite again and again, in parallel, as root and
# as an ordinary user, and fail if any run has a failure: a test that
# passes only most of the time is a test that is wrong.
#
#	stress.sh [-b builddir] [-n runs] [-j parallelism] [kyuafile]
#
# Defaults: 20 runs of the top Kyuafile with kyua parallelism 4.  Run as
# root, each round is two runs: one as root with kyua's unprivileged_user
# set (AFUNIX_UNPRIVILEGED_USER, default nobody), so the test cases that
# need either user run, then one as that user itself; the tree is copied
# where that user can read it if need be.  Run as anyone else, each round
# is one run as that user.  The results of a run with failures are kept
# in BUILDDIR/stress (BUILDDIR defaults to _build); the summary names each
# test case that failed and how often.  Exit 0 only when no run failed.
set -u

prog=stress.sh
usage() {
	echo "usage: $prog [-b builddir] [-n runs] [-j parallelism] [kyuafile]" >&2
	exit 2
}
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tools/lib.sh
. "$top/tools/lib.sh"
builddir=$top/_build
runs=20
jobs=4
# A leading colon: a bad option gets our one line, not the shell's too.
while getopts :b:j:n: opt; do
	case $opt in
	b) builddir=$OPTARG ;;
	j) jobs=$OPTARG ;;
	n) runs=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -le 1 ] || usage
case $runs in ''|*[!0-9]*|0) echo "$prog: -n wants a number of runs, not '$runs'" >&2; exit 2 ;; esac
case $jobs in ''|*[!0-9]*|0) echo "$prog: -j wants a number, not '$jobs'" >&2; exit 2 ;; esac
[ -n "$builddir" ] || { echo "$prog: empty build directory name" >&2; exit 2; }
kyuafile=${1:-$top/Kyuafile}
[ -f "$kyuafile" ] || { echo "$prog: $kyuafile: no such Kyuafile" >&2; exit 2; }
command -v kyua >/dev/null 2>&1 ||
    { echo "$prog: kyua is not installed (run: sh tools/deps.sh)" >&2; exit 2; }
kyuafile=$(cd "$(dirname "$kyuafile")" && pwd)/$(basename "$kyuafile")
case $kyuafile in
"$top"/*) ;;
*) echo "$prog: $kyuafile is not in $top" >&2; exit 2 ;;
esac
case $kyuafile in
*[[:space:]\'\"]*) echo "$prog: blanks or quotes in $kyuafile" >&2; exit 2 ;;
esac

keep=$builddir/stress
rm -rf "$keep"
work=$(mktemp -d "${TMPDIR:-/tmp}/afunix-stress.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
chmod 755 "$work" && mkdir "$work/results" && chmod 1777 "$work/results" ||
    exit 2

kopts="-v parallelism=$jobs"
datadir=${AFUNIX_DATADIR:-}
users=self
unpriv=
if [ "$(id -u)" -eq 0 ]; then
	unpriv=${AFUNIX_UNPRIVILEGED_USER:-nobody}
	id "$unpriv" >/dev/null 2>&1 || {
		echo "$prog: no user '$unpriv'; set AFUNIX_UNPRIVILEGED_USER" >&2
		exit 2
	}
	users="self $unpriv"
	# As in run-suite.sh: that user must reach the programs and the data.
	if ! as_user "$unpriv" "test -r '$kyuafile' -a \
	    -r '$top/platforms/linux'" >/dev/null 2>&1; then
		mkdir "$work/tree" && copy_tree "$top" "$work/tree" || exit 2
		chmod -R a+rX "$work/tree" || exit 2
		kyuafile=$work/tree${kyuafile#"$top"}
		datadir=${datadir:-$work/tree/platforms}
		echo "$prog: $top is not readable by $unpriv; running a copy in $work/tree"
	fi
fi
case $datadir in
*[[:space:]\'\"]*) echo "$prog: blanks or quotes in $datadir" >&2; exit 2 ;;
?*) kopts="$kopts -v test_suites.afunix.datadir=$datadir" ;;
esac
dir=$(dirname "$kyuafile")

# One run; prints "P F S" (passed, failed or broken, skipped) and, if
# kyua itself failed, "kyua-exit-N".  kopts has no blanks but between its
# words (checked above).
run() {
	who=$1 db=$work/results/$2.db lg=$work/results/$2.log
	if [ "$who" = self ]; then
		u=
		[ -n "$unpriv" ] && u="-v unprivileged_user=$unpriv"
		# shellcheck disable=SC2086  # options and their values
		(cd "$dir" && kyua --logfile="$lg" $kopts $u test \
		    -k "$kyuafile" -r "$db") >"$work/results/$2.out" 2>&1
	else
		as_user "$who" "cd '$dir' && kyua --logfile='$lg' \
		    $kopts test -k '$kyuafile' -r '$db'" \
		    >"$work/results/$2.out" 2>&1
	fi
	st=$?
	if [ ! -s "$db" ]; then
		echo "0 1 0"
		return
	fi
	for t in "'passed','expected_failure'" "'failed','broken'" "'skipped'"; do
		kyua --logfile="$lg.db" db-exec --no-headers -r "$db" \
		    "SELECT COUNT(*) FROM \
		    test_results WHERE result_type IN ($t)" 2>/dev/null || echo 0
	done | tr '\n' ' '
	# kyua failing with no failed test case is a failure too.
	[ "$st" -eq 0 ] || echo "kyua-exit-$st"
	echo
}

failures() {
	kyua --logfile="$1.log" db-exec --no-headers -r "$1" \
	    "SELECT p.relative_path || ':' || c.name || '  ' || r.result_type ||
		': ' || COALESCE(r.result_reason, '')
	     FROM test_results r
	     JOIN test_cases c ON c.test_case_id = r.test_case_id
	     JOIN test_programs p ON p.test_program_id = c.test_program_id
	     WHERE r.result_type IN ('failed', 'broken')" 2>/dev/null
}

echo "=== stress: $runs runs of $kyuafile, parallelism $jobs, as:" \
    "$(echo "$users" | sed "s/self/$(id -un)/")"
nruns=0 nbad=0
: >"$work/failed"
i=1
while [ "$i" -le "$runs" ]; do
	for who in $users; do
		name=run$i-$who
		[ "$who" = self ] && name=run$i-$(id -un)
		r=$(run "$who" "$name")
		nruns=$((nruns + 1))
		# shellcheck disable=SC2086  # r is "P F S [kyua-exit-N]"
		set -- $r
		p=$1 f=$2 s=$3 extra=
		[ $# -gt 3 ] && extra=" ($4)"
		echo "run $i/$runs as ${name#run"$i"-}: $p passed, $f failed, $s skipped$extra"
		# No result at all is no pass either.
		[ $((p + f + s)) -gt 0 ] || extra="$extra (no results)"
		if [ "$f" -gt 0 ] || [ -n "$extra" ]; then
			nbad=$((nbad + 1))
			mkdir -p "$keep" && cp "$work/results/$name".* "$keep/"
			if [ -s "$work/results/$name.db" ]; then
				failures "$work/results/$name.db" |
				    tee -a "$work/failed" | sed 's/^/  /'
			else
				echo "$name: kyua wrote no results" >>"$work/failed"
				sed 's/^/  /' "$work/results/$name.out" | tail -n 5
			fi
		fi
		rm -f "$work/results/$name".*
	done
	i=$((i + 1))
done
echo
if [ "$nbad" -gt 0 ]; then
	echo "Test cases that failed, and how often:"
	sed 's/  .*//' "$work/failed" | sort | uniq -c | sort -rn |
	    sed 's/^/  /'
	echo "stress: $nbad of $nruns runs had failures (results in $keep)"
	exit 1
fi
echo "stress: $nruns runs, 0 failures"
