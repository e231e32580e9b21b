#!/bin/sh
# run-lessons.sh: run every built lesson in reading order, narrated, and
# say which ones did not see what they teach.
#	run-lessons.sh [lessons-dir]
set -u
[ $# -le 1 ] && { [ $# -eq 0 ] || [ -n "$1" ]; } ||
    { echo "usage: run-lessons.sh [lessons-dir]" >&2; exit 2; }
dir=${1:-$(dirname "$0")/../lessons}
cd "$dir" || exit 2
failed=
n=0
for src in [0-9][0-9]-*.c; do
	[ -e "$src" ] || continue
	lesson=${src%.c}
	[ -x "$lesson" ] || { echo "run-lessons.sh: $lesson is not built" >&2; exit 2; }
	n=$((n + 1))
	echo "================ $lesson ================"
	./"$lesson" </dev/null || failed="$failed $lesson"
	echo
done
if [ -n "$failed" ]; then
	echo "lessons that did not see what they teach:$failed"
	exit 1
fi
echo "all $n lessons saw what they teach"
