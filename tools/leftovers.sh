#!/bin/sh
# leftovers.sh: check that the suite and the lessons leave nothing behind:
# no socket file, no temporary file or directory of ours and no core dump,
# in the temporary directories or in the source tree.  kyua's own work
# directories (kyua.*) are kyua's business and are not looked into.
#
#	leftovers.sh [-d dir ...] snapshot file	record what is there now
#	leftovers.sh [-d dir ...] check file	what appeared since: fail if any
#	leftovers.sh [-d dir ...] run command [arg ...]
#					snapshot, run, check; fail if either did
#
# Looked at: every socket file under each directory; in the temporary
# directories, the entries named as afunix names its temporary files and
# directories (afunix.XXXXXX from the lessons, afunix-*.XXXXXX from the
# tools); in the source tree, directories with those names anywhere and
# core dumps (core, *.core, vgcore.*).  The directories: the source tree,
# $TMPDIR, /tmp and /var/tmp, or those given with -d (temporary
# directories then; the tree is always looked at).  Names with blanks or
# quotes are refused.
# Only what is new counts: a machine's own sockets (a desktop's, a
# daemon's) are in the snapshot too.
set -u

prog=leftovers.sh
usage() {
	echo "usage: $prog [-d dir ...] snapshot file | check file |" \
	    "run command [arg ...]" >&2
	exit 2
}
top=$(cd "$(dirname "$0")/.." && pwd)
tmpdirs=
# A leading colon: a bad option gets our one line, not the shell's too.
while getopts :d: opt; do
	case $opt in
	d)	case $OPTARG in
		""|*[[:space:]\'\"]*)
			echo "$prog: -d '$OPTARG': empty, or blanks or quotes" \
			    "in the name" >&2
			exit 2 ;;
		esac
		tmpdirs="$tmpdirs $OPTARG" ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] || usage
if [ -z "$tmpdirs" ]; then
	tmpdirs="/tmp /var/tmp"
	case ${TMPDIR:-/tmp} in
	/tmp|/tmp/|/var/tmp|/var/tmp/) ;;
	*[[:space:]\'\"]*) ;;
	*) tmpdirs="${TMPDIR%/} $tmpdirs" ;;
	esac
fi
for d in $tmpdirs; do
	case $d in
	/*) ;;
	*) echo "$prog: $d: not an absolute path" >&2; exit 2 ;;
	esac
done

# What is there now, one "kind path" per line, sorted.
list() {
	for d in $tmpdirs; do
		[ -d "$d" ] || continue
		find "$d" -name 'kyua.*' -prune -o -type s -print 2>/dev/null |
		    sed 's/^/socket /'
		# The entries of $d itself, not of its subdirectories.
		find "$d/." ! -name . -prune \( -name 'afunix.??????' -o \
		    -name 'afunix-*.??????' \) -print 2>/dev/null |
		    sed -e 's,/\./,/,' -e 's/^/temporary /'
	done
	find "$top" \( -name .git -o -name 'kyua.*' \) -prune -o -type s \
	    -print 2>/dev/null | sed 's/^/socket /'
	find "$top" -name .git -prune -o -type d \( -name 'afunix.??????' -o \
	    -name 'afunix-*.??????' \) -print 2>/dev/null |
	    sed 's/^/temporary /'
	find "$top" -name .git -prune -o -type f \( -name core -o \
	    -name '*.core' -o -name 'vgcore.*' \) -print 2>/dev/null |
	    sed 's/^/core dump /'
}

snapshot() {
	# The shell's own complaint about a bad path would be a second line.
	if ! { list | sort -u >"$1.tmp"; } 2>/dev/null ||
	    ! mv "$1.tmp" "$1" 2>/dev/null; then
		echo "$prog: cannot write $1" >&2
		return 2
	fi
}

check() {
	[ -f "$1" ] || { echo "$prog: $1: no snapshot" >&2; return 2; }
	list | sort -u >"$1.now" || return 2
	# Sockets and files that were there before and are still there are
	# not ours to judge; what is new is.
	comm -13 "$1" "$1.now" >"$1.new"
	rm -f "$1.now"
	if [ -s "$1.new" ]; then
		echo "$prog: left behind:"
		sed 's/^/  /' "$1.new"
		rm -f "$1.new"
		return 1
	fi
	rm -f "$1.new"
	echo "$prog: nothing left behind (looked in $top and ${tmpdirs# })"
}

cmd=$1
shift
case $cmd in
snapshot) [ $# -eq 1 ] || usage; snapshot "$1" ;;
check) [ $# -eq 1 ] || usage; check "$1" ;;
run)
	snap=$(mktemp "${TMPDIR:-/tmp}/leftovers.XXXXXX") || exit 2
	trap 'rm -f "$snap"' EXIT
	trap 'exit 130' INT TERM
	snapshot "$snap" || exit 2
	"$@"
	status=$?
	check "$snap" || status=1
	exit "$status" ;;
*) usage ;;
esac
