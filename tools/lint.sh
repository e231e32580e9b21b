#!/bin/sh
# lint.sh: static analysis of every C file and every shell script of the
# tree; any finding fails.
#
#	lint.sh [-c] [-t] [-s]
#
# With no option all three run; with options, only those named:
#  -c  cppcheck: the warning, portability and performance checks, with
#      the POSIX and BSD libraries (err/errx do not return), every #ifdef
#      configuration of each file, inline suppressions honoured;
#  -t  clang-tidy: the checks in .clang-tidy at the top (bugprone-*,
#      cert-*, clang-analyzer-*), with the project's flags;
#  -s  shellcheck: every *.sh file and every file that starts with
#      #!/bin/sh, as POSIX sh.
# A finding kept on purpose carries its reason next to it, as a
# NOLINT(check) or cppcheck-suppress comment, or a shellcheck directive.
# Needs cppcheck, clang-tidy and shellcheck (Debian: the packages of
# those names).
set -u

prog=lint.sh
usage() { echo "usage: $prog [-c] [-t] [-s]" >&2; exit 2; }
top=$(cd "$(dirname "$0")/.." && pwd)
do_c=0 do_t=0 do_s=0
# A leading colon: a bad option gets our one line, not the shell's too.
while getopts :cts opt; do
	case $opt in
	c) do_c=1 ;;
	t) do_t=1 ;;
	s) do_s=1 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
[ $((do_c + do_t + do_s)) -gt 0 ] || do_c=1 do_t=1 do_s=1

missing=
[ "$do_c" -eq 0 ] || command -v cppcheck >/dev/null 2>&1 || missing="$missing cppcheck"
[ "$do_t" -eq 0 ] || command -v clang-tidy >/dev/null 2>&1 || missing="$missing clang-tidy"
[ "$do_s" -eq 0 ] || command -v shellcheck >/dev/null 2>&1 || missing="$missing shellcheck"
if [ -n "$missing" ]; then
	echo "$prog: not installed:$missing (Debian: apt-get install$missing)" >&2
	exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/afunix-lint.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# The files: everything of ours, not what a build or git keeps.
cd "$top" || exit 2
find . \( -name .git -o -name _build \) -prune -o -type f -name '*.c' \
    -print | sed 's,^\./,,' | sort >"$tmp/c"
find . \( -name .git -o -name _build \) -prune -o -type f -print |
    sed 's,^\./,,' | sort | while read -r f; do
	case $f in
	*.sh) echo "$f" ;;
	*.c|*.h|*.md|*.mk|*.lua|*.css|*.html|Makefile*|Kyuafile|*/Kyuafile) ;;
	*) head -n 1 "$f" 2>/dev/null | grep -q '^#! */bin/sh' && echo "$f" ;;
	esac
done >"$tmp/sh"
nc=$(wc -l <"$tmp/c" | tr -d ' ')
nsh=$(wc -l <"$tmp/sh" | tr -d ' ')

# The project's flags (Makefile.inc), without the warnings: the
# compilers' own warnings are the build's business.
set -- -std=c11 -Itools -Iconformance -Ilessons -DAFX_DATADIR=\"platforms\"
[ "$(uname -s)" = Linux ] && set -- "$@" -D_POSIX_C_SOURCE=200809L
# atf-c.h may be outside the default include path (Homebrew, pkgsrc).
for f in $(pkg-config --cflags-only-I atf-c 2>/dev/null); do
	set -- "$@" "$f"
done

failed=
if [ "$do_c" -eq 1 ]; then
	echo "=== cppcheck: $nc C files"
	# The *Called checks name functions that are not thread-safe
	# (readdir, getpwnam, strtok): nothing here has threads.
	# shellcheck disable=SC2046  # one file name per line, no blanks
	if ! cppcheck --std=c11 --enable=warning,portability,performance \
	    --library=posix --library=bsd --inline-suppr --quiet \
	    --error-exitcode=1 --suppress=toomanyconfigs \
	    --suppress=readdirCalled --suppress=getpwnamCalled \
	    --suppress=strtokCalled \
	    --template='{file}:{line}: {severity}: {message} [{id}]' \
	    -Itools -Iconformance -Ilessons $(cat "$tmp/c") >"$tmp/cppcheck" 2>&1; then
		cat "$tmp/cppcheck"
		failed="$failed cppcheck"
	fi
fi

if [ "$do_t" -eq 1 ]; then
	v=$(clang-tidy --version 2>/dev/null | sed -n 's/.*LLVM version //p')
	echo "=== clang-tidy ${v:+$v}: $nc C files, checks from .clang-tidy"
	ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null ||
	    sysctl -n hw.ncpu 2>/dev/null || echo 2)
	# One clang-tidy per file, ncpu at a time, each with a report of its
	# own so that the reports do not mix.  The flags have no blanks.
	TIDY_FLAGS=$* TIDY_OUT=$tmp
	export TIDY_FLAGS TIDY_OUT
	# shellcheck disable=SC2016  # expanded by the inner sh
	xargs -n 1 -P "$ncpu" sh -c 'o=$TIDY_OUT/tidy.$(echo "$1" | tr / _)
	    clang-tidy --quiet "$1" -- $TIDY_FLAGS >"$o" 2>&1 ||
	    : >"$o.bad"' sh <"$tmp/c"
	for b in "$tmp"/tidy.*.bad; do
		[ -f "$b" ] || continue
		out=${b%.bad}
		# Keep the findings and their notes; drop the count lines.
		grep -v '^[0-9]* warnings\? generated\.$' "$out"
		bad=yes
	done
	[ -z "${bad:-}" ] || failed="$failed clang-tidy"
fi

if [ "$do_s" -eq 1 ]; then
	echo "=== shellcheck ($(shellcheck --version | sed -n 's/^version: //p')): $nsh scripts, as POSIX sh"
	# SC2015 (A && B || C is not if-then-else) is how these scripts
	# say "do both or give up": C runs when A or B fails, as meant.
	# shellcheck disable=SC2046  # one file name per line, no blanks
	if ! shellcheck -s sh -e SC2015 -f gcc $(cat "$tmp/sh") >"$tmp/shellcheck" 2>&1; then
		cat "$tmp/shellcheck"
		failed="$failed shellcheck"
	fi
fi

if [ -n "$failed" ]; then
	echo "lint: findings from:$failed"
	exit 1
fi
ran=
[ "$do_c" -eq 0 ] || ran="$ran, cppcheck on $nc C files"
[ "$do_t" -eq 0 ] || ran="$ran, clang-tidy on $nc C files"
[ "$do_s" -eq 0 ] || ran="$ran, shellcheck on $nsh scripts"
echo "lint: ${ran#, }: 0 findings"
