#!/bin/sh
# fuzz.sh: fuzz the platform-data parser with libFuzzer for a while, from
# a seed corpus made of platforms/, and fail on the first crash, leak,
# sanitizer report, hang or broken invariant (tools/fuzz_expect.c).
#
#	fuzz.sh [-b builddir] [-t seconds]
#
# Default 60 seconds.  Needs clang with its sanitizer and fuzzer runtimes
# (Debian: clang and libclang-rt-dev).  Everything goes into
# BUILDDIR/fuzz (BUILDDIR defaults to _build): the target, the seeds (each
# platform file whole and in pieces of 16 lines), the corpus it grows, a
# dictionary of the format's words, the log, and the input that crashed,
# with the command that replays it.
set -u

prog=fuzz.sh
usage() { echo "usage: $prog [-b builddir] [-t seconds]" >&2; exit 2; }
top=$(cd "$(dirname "$0")/.." && pwd)
builddir=$top/_build
seconds=60
# A leading colon: a bad option gets our one line, not the shell's too.
while getopts :b:t: opt; do
	case $opt in
	b) builddir=$OPTARG ;;
	t) seconds=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
case $seconds in
''|*[!0-9]*|0) echo "$prog: -t wants a number of seconds, not '$seconds'" >&2; exit 2 ;;
esac
[ -n "$builddir" ] || { echo "$prog: empty build directory name" >&2; exit 2; }
cc=${FUZZ_CC:-clang}
command -v "$cc" >/dev/null 2>&1 ||
    { echo "$prog: $cc is not installed (run: sh tools/deps.sh)" >&2; exit 2; }

out=$builddir/fuzz
rm -rf "$out"
mkdir -p "$out/seeds" "$out/corpus" "$out/crashes" || exit 2

bin=$out/fuzz_expect
# The parser is built with the project's flags, sanitizers on top.
if ! "$cc" -std=c11 -O1 -g -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -fno-omit-frame-pointer -I"$top/tools" -o "$bin" \
    "$top/tools/fuzz_expect.c" "$top/tools/expect.c" 2>"$out/build.log"; then
	cat "$out/build.log" >&2
	echo "$prog: cannot build the fuzz target with $cc (libFuzzer is" \
	    "in libclang-rt-dev on Debian)" >&2
	exit 2
fi

# Seeds: every file of platforms/, whole and in pieces, so that short
# inputs start from real lines too.
n=0
for f in "$top"/platforms/*; do
	[ -f "$f" ] || continue
	b=$(basename "$f")
	cp "$f" "$out/seeds/$b" || exit 2
	(cd "$out/seeds" && split -l 16 "$b" "$b.part.") || exit 2
	n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "$prog: no files in $top/platforms" >&2; exit 2; }
nseeds=$(find "$out/seeds" -type f | wc -l | tr -d ' ')

# The words of the format (platforms/README.md) as a libFuzzer dictionary.
cat >"$out/expect.dict" <<'EOF'
"#"
"\x0a"
"\x09"
" "
"["
"]"
"-"
"."
","
"observed:"
"source"
"unverified"
"ok"
"EINVAL"
"addr.sun_path_size"
"6.18.44"
"[5.15-]"
"[-5.14]"
"[5.10-6.1]"
EOF

echo "=== fuzz: the platform-data parser, $seconds s, from $nseeds seeds" \
    "made of $n files of platforms/"
(cd "$out" && "$bin" -max_total_time="$seconds" -timeout=10 \
    -max_len=8192 -rss_limit_mb=2048 -print_final_stats=1 \
    -dict="$out/expect.dict" -artifact_prefix="$out/crashes/" \
    "$out/corpus" "$out/seeds") >"$out/fuzz.log" 2>&1
status=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/fuzz.log")
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/fuzz.log")
crashes=0
for c in "$out"/crashes/*; do
	[ -f "$c" ] || continue
	crashes=$((crashes + 1))
	echo "crashing input: $c"
	echo "  replay: $bin $c"
done
if [ "$status" -ne 0 ] || [ "$crashes" -gt 0 ]; then
	grep -n -A 30 -m 1 'ERROR\|runtime error\|deadly signal\|timeout' \
	    "$out/fuzz.log" | head -n 40
	echo "fuzz: FAILED (libFuzzer exit $status, $crashes crashing inputs;" \
	    "log: $out/fuzz.log)"
	exit 1
fi
ncorpus=$(find "$out/corpus" -type f | wc -l | tr -d ' ')
echo "fuzz: ${runs:-?} executions in $seconds s (${rate:-?}/s), corpus" \
    "grew to $ncorpus inputs, 0 crashes"
