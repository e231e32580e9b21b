#!/bin/sh
# leaks.sh: run every lesson under valgrind and fail on a leaked
# descriptor, leaked memory or a memory error, in the lesson or in any
# process it forks.
#
#	leaks.sh [-b builddir] [lessons-dir]
#
# Each lesson runs as
#	valgrind --track-fds=yes --leak-check=full --error-exitcode=1
# (following its children; one log per process) and must exit 0.  Then, in
# every process's log:
# - no error (ERROR SUMMARY 0), and nothing definitely, indirectly or
#   possibly lost; the lesson's own process must also free everything
#   ("still reachable" 0: a forked child that _exits leaves its parent's
#   heap behind, which is not a leak);
# - no descriptor open at exit but 0, 1, 2 and those inherited from whoever
#   ran the lesson, except in a process killed by a signal (a child that a
#   lesson kills, or that dies of SIGPIPE, to show it), which cannot close
#   anything.
# Run as root, every lesson also runs as the unprivileged user
# (AFUNIX_UNPRIVILEGED_USER, default nobody), from a copy it can read if
# need be.  The logs of a failed lesson are kept in BUILDDIR/leaks
# (BUILDDIR defaults to _build).
set -u

prog=leaks.sh
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tools/lib.sh
. "$top/tools/lib.sh"
usage() { echo "usage: $prog [-b builddir] [lessons-dir]" >&2; exit 2; }
builddir=$top/_build
# A leading colon: a bad option gets our one line, not the shell's too.
while getopts :b: opt; do
	case $opt in
	b) builddir=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -le 1 ] || usage
[ -n "$builddir" ] || { echo "$prog: empty build directory name" >&2; exit 2; }
dir=${1:-$top/lessons}
[ -d "$dir" ] || { echo "$prog: $dir: no such directory" >&2; exit 2; }
dir=$(cd "$dir" && pwd)
command -v valgrind >/dev/null 2>&1 ||
    { echo "$prog: valgrind is not installed (run: sh tools/deps.sh)" >&2; exit 2; }
keep=$builddir/leaks
rm -rf "$keep"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/afunix-leaks.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
chmod 755 "$tmp" || exit 2

# The lessons, in reading order; the speed lesson's short form where the
# build made one (what kyua and the docs run: the full one takes seconds
# natively and minutes under valgrind).
lessons=
for src in "$dir"/[0-9][0-9]-*.c; do
	[ -e "$src" ] || continue
	l=$(basename "$src" .c)
	[ -x "$dir/$l" ] || { echo "$prog: $dir/$l is not built" >&2; exit 2; }
	lessons="$lessons $l"
done
[ -n "$lessons" ] || { echo "$prog: no lessons in $dir" >&2; exit 2; }

# One log, one process: what is wrong in it, one line per finding.
check_log() {
	awk -v toplevel="$2" '
	/^==[0-9]+== Process terminating with default action of signal/ {
		signalled = 1
	}
	/^==[0-9]+== (Open file descriptor|Open AF_[A-Z0-9]+ socket|Open [A-Za-z0-9_]+ socket)/ {
		if (what != "") fds[++nfd] = what
		what = $0
		sub(/^==[0-9]+== Open /, "", what)
		next
	}
	what != "" && /<inherited from parent>/ { what = "" }
	what != "" && /^==[0-9]+== *$/ { fds[++nfd] = what; what = "" }
	/ERROR SUMMARY: [1-9]/ { sub(/^==[0-9]+== /, ""); bad[++nbad] = $0 }
	/(definitely|indirectly|possibly) lost: [1-9]/ {
		sub(/^==[0-9]+== +/, ""); bad[++nbad] = $0
	}
	toplevel && /still reachable: [1-9]/ {
		sub(/^==[0-9]+== +/, ""); bad[++nbad] = $0
	}
	END {
		if (what != "") fds[++nfd] = what
		for (i = 1; i <= nbad; i++) print bad[i]
		if (signalled) exit
		for (i = 1; i <= nfd; i++) {
			# "file descriptor 7: path" or "AF_UNIX socket 7: name"
			split(fds[i], w, " ")
			n = w[3]
			sub(/:$/, "", n)
			if (n == "0" || n == "1" || n == "2") continue
			print "descriptor left open at exit: " fds[i]
		}
	}' "$1"
}

# Run one lesson under valgrind as the user given (empty: ourselves);
# print the findings; return non-zero if there are any.  (sh has no
# local variables: these have names of their own.)
run_one() {
	rl=$1 ras=$2 rbin=$3
	logs=$tmp/$rl${ras:+-$ras}
	mkdir "$logs" && chmod 1777 "$logs" || return 2
	vg="valgrind --trace-children=yes --track-fds=yes --leak-check=full"
	vg="$vg --error-exitcode=1 --log-file=$logs/vg.%p"
	# From the lesson's directory, as run-lessons.sh runs it.
	run="cd '$(dirname "$rbin")' && exec $vg './$(basename "$rbin")'"
	if [ -z "$ras" ]; then
		sh -c "$run" </dev/null >"$logs/output" 2>&1
	else
		as_user "$ras" "$run" </dev/null >"$logs/output" 2>&1
	fi
	status=$?
	pids=
	for f in "$logs"/vg.*; do
		[ -f "$f" ] && pids="$pids ${f##*/vg.}"
	done
	found=0
	[ "$status" -eq 0 ] || { echo "  $rl${ras:+ as $ras}: exit status $status"; found=1; }
	for p in $pids; do
		parent=$(sed -n 's/^==[0-9]*== Parent PID: \([0-9]*\).*/\1/p' \
		    "$logs/vg.$p")
		# The lesson's own process: its parent ran no lesson.
		toplevel=1
		case "$pids " in
		*" $parent "*) toplevel=0 ;;
		esac
		cmd=$(sed -n 's/^==[0-9]*== Command: //p' "$logs/vg.$p")
		check_log "$logs/vg.$p" "$toplevel" >"$logs/findings.$p"
		if [ -s "$logs/findings.$p" ]; then
			found=1
			echo "  $rl${ras:+ as $ras}, pid $p ($cmd):"
			sed 's/^/    /' "$logs/findings.$p"
		fi
	done
	if [ "$found" -ne 0 ]; then
		mkdir -p "$keep" && cp -R "$logs" "$keep/"
		echo "  (logs and output: $keep/$(basename "$logs"))"
	fi
	return "$found"
}

users=""
if [ "$(id -u)" -eq 0 ]; then
	unpriv=${AFUNIX_UNPRIVILEGED_USER:-nobody}
	id "$unpriv" >/dev/null 2>&1 || {
		echo "$prog: no user '$unpriv'; set AFUNIX_UNPRIVILEGED_USER" >&2
		exit 2
	}
	users=$unpriv
	# That user runs the lessons from a copy if ours is out of its reach.
	rdir=$dir
	first=${lessons# }
	first=${first%% *}
	if ! as_user "$unpriv" "test -x '$dir/$first'" >/dev/null 2>&1; then
		rdir=$tmp/lessons
		cp -R "$dir" "$rdir" && chmod -R a+rX "$rdir" || exit 2
	fi
fi

n=0 nbad=0 failed=
for l in $lessons; do
	bin=$l
	[ -x "$dir/$l-quick" ] && bin=$l-quick
	for as in "" $users; do
		n=$((n + 1))
		if [ -z "$as" ]; then
			run_one "$l" "" "$dir/$bin"
		else
			run_one "$l" "$as" "$rdir/$bin"
		fi || { nbad=$((nbad + 1)); failed="$failed $l${as:+($as)}"; }
	done
	echo "$l: done"
done
if [ "$nbad" -gt 0 ]; then
	echo "leaks: $nbad of $n lesson runs leaked or failed under valgrind:$failed"
	exit 1
fi
echo "leaks: $n lesson runs under valgrind, no leaked descriptor, no leak, no error"
