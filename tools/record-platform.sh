#!/bin/sh
# record-platform.sh: run the conformance suite in record mode on this
# system and write what it observed as a platform file, every line marked
# observed on this release, for review before it joins platforms/.
#
#	record-platform.sh [-b builddir] out-file
#
# Then: tools/afunix-expect compare out-file PLATFORM [RELEASE] shows how
# it differs from a platform's data.
set -u

prog=record-platform.sh
top=$(cd "$(dirname "$0")/.." && pwd)
builddir=$top/_build
while getopts b: opt; do
	case $opt in
	b) builddir=$OPTARG ;;
	*) echo "usage: $prog [-b builddir] out-file" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] && [ -n "$1" ] ||
    { echo "usage: $prog [-b builddir] out-file" >&2; exit 2; }
out=$1
{ true >"$out.tmp"; } 2>/dev/null ||
    { echo "$prog: cannot write $out" >&2; exit 2; }
rm -f "$out.tmp"

rec=$builddir/record
mkdir -p "$rec" || exit 2
AFUNIX_RECORD=yes sh "$top/tools/run-suite.sh" -b "$rec" \
    "$top/conformance/Kyuafile" >"$rec/run.log" 2>&1
db=$rec/kyua/conformance.db
[ -s "$db" ] || { echo "$prog: the suite left no results (see $rec/run.log)" >&2; exit 1; }
if grep -q '^[0-9]* passed, [1-9]' "$rec/run.log"; then
	echo "$prog: some test cases failed even in record mode:" >&2
	sed -n '/^Failures/,/^$/p' "$rec/run.log" >&2
	exit 1
fi
kyua --logfile="$rec/db-exec.log" db-exec --no-headers -r "$db" \
    "SELECT CAST(f.contents AS TEXT) FROM files f
     JOIN test_case_files t ON t.file_id = f.file_id
     WHERE t.file_name = '__STDOUT__'" |
    sed -n 's/^afunix-record	//p' >"$rec/records" || exit 1
[ -s "$rec/records" ] || { echo "$prog: nothing was recorded" >&2; exit 1; }
"$top/tools/afunix-expect" record-to-data "$rec/records" "$(uname -s)" \
    "$(uname -r | tr -c 'A-Za-z0-9._+\n-' _)" >"$out.tmp" &&
    mv "$out.tmp" "$out" || { rm -f "$out.tmp"; exit 1; }
echo "$prog: $(grep -c '^[a-z]' "$out") facts recorded in $out"
