#!/bin/sh
# gates.sh: run the reliability gates one after the other and keep each
# one's verdict, so that the suite can report them (tools/gates_test).
#
#	gates.sh [-k] [-b builddir] [-n stress-runs] [-t fuzz-seconds] [gate ...]
#
# The gates, in this order unless named: lint, sanitize, leaks, fuzz,
# stress, then leftovers, which is no command of its own: it holds what
# the other gates left in the temporary directories and the source tree
# (their suites and lessons, run again and again) against a snapshot
# taken before the first one.  Each gate's output goes to the terminal and
# to BUILDDIR/gates/GATE.log (BUILDDIR defaults to _build), its exit
# status to BUILDDIR/gates/GATE.status.  The programs must be built.
# Exit 0 when every gate passed; with -k, whatever the verdicts: make
# test reads them in the suite (tools/gates_test), where a gate that
# failed or could not run is a failure.
set -u

prog=gates.sh
usage() {
	echo "usage: $prog [-k] [-b builddir] [-n stress-runs]" \
	    "[-t fuzz-seconds] [gate ...]" >&2
	exit 2
}
top=$(cd "$(dirname "$0")/.." && pwd)
builddir=$top/_build
runs=20
seconds=60
keep_going=0
# A leading colon: a bad option gets our one line, not the shell's too.
while getopts :b:kn:t: opt; do
	case $opt in
	b) builddir=$OPTARG ;;
	k) keep_going=1 ;;
	n) runs=$OPTARG ;;
	t) seconds=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
case $runs in ''|*[!0-9]*|0) echo "$prog: -n wants a number of runs, not '$runs'" >&2; exit 2 ;; esac
case $seconds in ''|*[!0-9]*|0) echo "$prog: -t wants a number of seconds, not '$seconds'" >&2; exit 2 ;; esac
case $builddir in
"") echo "$prog: empty build directory name" >&2; exit 2 ;;
/*) ;;
*) builddir=$(pwd)/$builddir ;;
esac
[ $# -gt 0 ] || set -- lint sanitize leaks fuzz stress leftovers
for g in "$@"; do
	case $g in
	lint|sanitize|leaks|fuzz|stress|leftovers) ;;
	*) echo "$prog: no gate '$g' (lint sanitize leaks fuzz stress leftovers)" >&2
	   exit 2 ;;
	esac
done

dir=$builddir/gates
rm -rf "$dir" && mkdir -p "$dir" || exit 2
sh "$top/tools/leftovers.sh" snapshot "$dir/leftovers.snapshot" || exit 2

# gate NAME command [arg ...]: run it, output to the terminal and the log.
gate() {
	name=$1
	shift
	echo "=== gate $name: $*"
	{ "$@" </dev/null 2>&1; echo $? >"$dir/$name.status"; } |
	    tee "$dir/$name.log"
}

t=$top/tools
for g in "$@"; do
	case $g in
	lint)	gate lint sh "$t/lint.sh" ;;
	sanitize) gate sanitize sh "$t/sanitize.sh" -b "$builddir" ;;
	leaks)	gate leaks sh "$t/leaks.sh" -b "$builddir" "$top/lessons" ;;
	fuzz)	gate fuzz sh "$t/fuzz.sh" -b "$builddir" -t "$seconds" ;;
	stress)	gate stress sh "$t/stress.sh" -b "$builddir" -n "$runs" \
		    "$top/Kyuafile" ;;
	leftovers) gate leftovers sh "$t/leftovers.sh" check \
		    "$dir/leftovers.snapshot" ;;
	esac
done

echo
echo "=== the gates (logs in $dir):"
bad=0
for g in "$@"; do
	st=$(cat "$dir/$g.status" 2>/dev/null) || st=none
	if [ "$st" = 0 ]; then
		echo "  $g: passed"
	else
		echo "  $g: FAILED (exit $st): $(tail -n 1 "$dir/$g.log")"
		bad=$((bad + 1))
	fi
done
[ "$bad" -eq 0 ] && exit 0
[ "$keep_going" -eq 1 ] && exit 0
exit 1
