#!/bin/sh
# sanitize.sh: build the lessons, the tests and the tools with
# AddressSanitizer (with LeakSanitizer) and UndefinedBehaviorSanitizer,
# with each compiler, then run the whole suite and every lesson there.
# Any sanitizer report fails the run, even one from a forked child whose
# exit status nobody looks at: reports go to files, which are counted.
#
#	sanitize.sh [-b builddir] [compiler ...]
#
# Compilers: gcc and clang unless named.  Each build is a copy of the
# source tree in BUILDDIR/sanitize/CC (BUILDDIR defaults to _build), so the
# normal build is never touched; the reports of a failed run stay in
# BUILDDIR/sanitize/CC/reports.  Exit 0 only when every build, the suite
# and every lesson passed and there was no report.
set -u

prog=sanitize.sh
usage() { echo "usage: $prog [-b builddir] [compiler ...]" >&2; exit 2; }
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tools/lib.sh
. "$top/tools/lib.sh"
builddir=$top/_build
# A leading colon: a bad option gets our one line, not the shell's too.
while getopts :b: opt; do
	case $opt in
	b) builddir=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- gcc clang
case $builddir in
"") echo "$prog: empty build directory name" >&2; exit 2 ;;
/*) ;;
*) builddir=$(pwd)/$builddir ;;
esac
mkdir -p "$builddir/sanitize" || exit 2

mk=${BMAKE:-}
[ -n "$mk" ] || mk=$(command -v bmake || command -v make) ||
    { echo "$prog: no bmake" >&2; exit 2; }
# Flags and variables of a make that runs this script mean nothing to the
# make run in the copy (BUILDDIR above all: it would point at ours).
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES BUILDDIR

san="-fsanitize=address,undefined -fno-sanitize-recover=all"
san="$san -fno-omit-frame-pointer"

# Reports and suppressions live in a directory that kyua's unprivileged
# user can write to as well: test cases run as that user report too.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/afunix-sanitize.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
chmod 755 "$tmp" && mkdir "$tmp/reports" && chmod 1777 "$tmp/reports" ||
    exit 2

# libatf-c keeps the test case list and the metadata maps it builds until
# exit: allocations made inside these atf-c functions are atf-c's, never
# ours (libatf-c has no frame pointers, so their stacks end there).
cat >"$tmp/lsan.supp" <<'EOF'
leak:atf_tp_get_tcs
leak:atf_list_init
leak:atf_list_append
leak:atf_map_init_charpp
leak:atf_map_insert
EOF
chmod 644 "$tmp/lsan.supp"

log=$tmp/reports/report
ASAN_OPTIONS="log_path=$log:detect_leaks=1:detect_stack_use_after_return=1"
ASAN_OPTIONS="$ASAN_OPTIONS:strict_string_checks=1:abort_on_error=0"
UBSAN_OPTIONS="log_path=$log:print_stacktrace=1:halt_on_error=1"
LSAN_OPTIONS="suppressions=$tmp/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS

# Every command of afunix-expect over the project's data: the docs build
# uses them, and the suite does not run them all.
expect_commands() {
	e=$1/tools/afunix-expect
	for c in check keys dump matrix markdown markdown-list \
	    "diff linux freebsd" "show addr.sun_path_size" \
	    "get linux addr.sun_path_size" \
	    "get linux addr.sun_path_size 5.10"; do
		# shellcheck disable=SC2086  # c is a command and its words
		"$e" $c >/dev/null 2>&1
		rc=$?
		# 1 is an answer (diff: the platforms differ); more is not.
		[ "$rc" -le 1 ] || { echo "afunix-expect $c: exit $rc"; return 1; }
	done
}

failed=
for cc in "$@"; do
	echo "=== sanitize: $cc"
	if ! command -v "$cc" >/dev/null 2>&1; then
		echo "$prog: $cc is not installed" >&2
		failed="$failed $cc"
		continue
	fi
	dst=$builddir/sanitize/$cc
	rm -rf "$dst" && mkdir -p "$dst" || exit 2
	copy_tree "$top" "$dst" || exit 2
	# Objects and programs of an in-tree build came along: they were not
	# built with the sanitizers.
	(cd "$dst" && "$mk" BUILDDIR="$dst/_build" clean) >"$dst/clean.log" 2>&1
	if ! (cd "$dst" && "$mk" BUILDDIR="$dst/_build" CC="$cc" \
	    OPTFLAGS="-O2 -g $san" LDFLAGS="$san" all) >"$dst/build.log" 2>&1; then
		tail -n 30 "$dst/build.log"
		echo "$prog: $cc: the build failed (log: $dst/build.log)" >&2
		failed="$failed $cc"
		continue
	fi
	rm -f "$tmp"/reports/report.*
	ok=yes
	sh "$dst/tools/run-suite.sh" -b "$dst/_build" \
	    -t "whole suite built with $cc $san" "$dst/Kyuafile" || ok=no
	echo "--- every lesson, built with $cc (log: $dst/lessons.log)"
	if ! sh "$dst/tools/run-lessons.sh" "$dst/lessons" </dev/null \
	    >"$dst/lessons.log" 2>&1; then
		ok=no
	fi
	tail -n 1 "$dst/lessons.log"
	echo "--- every afunix-expect command, built with $cc"
	expect_commands "$dst" || ok=no
	nrep=0
	for r in "$tmp"/reports/report.*; do
		[ -f "$r" ] || continue
		nrep=$((nrep + 1))
		echo "--- sanitizer report $(basename "$r"):"
		sed -n '1,40p' "$r"
	done
	rm -rf "$dst/reports"
	if [ "$nrep" -gt 0 ]; then
		mkdir -p "$dst/reports" && cp "$tmp"/reports/report.* "$dst/reports/"
		echo "$prog: $cc: $nrep sanitizer reports (kept in $dst/reports)"
		ok=no
	fi
	echo "$cc: $nrep sanitizer reports"
	[ "$ok" = yes ] || failed="$failed $cc"
done
echo
if [ -n "$failed" ]; then
	echo "sanitize: FAILED with:$failed"
	exit 1
fi
echo "sanitize: the suite and every lesson passed with $*, 0 sanitizer reports"
