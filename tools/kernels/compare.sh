#!/bin/sh
# compare.sh: hold what each kernel did against the Linux data for its
# release.
#
#	compare.sh -k kernelsdir [-d datadir] [release ...]
#
# For each release booted (kernelsdir/run/RELEASE/report, default: all of
# them) it writes to kernelsdir/results/:
#	RELEASE.data	what it observed, as platform data (afunix-expect
#			record-to-data)
#	RELEASE.diff	the keys whose data for that release say otherwise
#			(afunix-expect compare: the one parser decides)
#	summary.tsv	release, package, boot and suite seconds, test cases
#			passed/failed/skipped, keys checked/differing/unknown
#	observed.tsv	key, release, outcome: every observation
#	differ.tsv	key, release, observed, expected: every difference
#	linux.proposed	the Linux data with each fact's observed: list
#			extended by the kernels that agreed with it
# and prints the differences and "N passed, N failed, N skipped", counted
# over keys × kernels (a failed or broken test case counts as failed).
# Exit status 0 only when every kernel agrees with the data.
set -u

prog=compare.sh
die() { echo "$prog: $*" >&2; exit 2; }
top=$(cd "$(dirname "$0")/../.." && pwd)
expect=$top/tools/afunix-expect
k='' datadir=$top/platforms
while getopts d:k: opt; do
	case $opt in
	d) datadir=$OPTARG ;;
	k) k=$OPTARG ;;
	*) die "usage: $prog -k kernelsdir [-d datadir] [release ...]" ;;
	esac
done
shift $((OPTIND - 1))
[ -n "$k" ] || die "usage: $prog -k kernelsdir [-d datadir] [release ...]"
[ -x "$expect" ] || die "$expect is not built (run make all)"
if [ $# -eq 0 ]; then
	for r in "$k"/run/*/report; do
		[ -f "$r" ] && set -- "$@" "$(basename "$(dirname "$r")")"
	done
fi
[ $# -gt 0 ] || die "no kernel was booted (run tools/kernels/run.sh)"
res=$k/results
mkdir -p "$res" || exit 2
rm -f "$res"/*.tc "$res"/*.diff "$res"/*.data "$res"/*.records
: >"$res/summary.tsv.tmp"
: >"$res/observed.tsv.tmp"
: >"$res/differ.tsv.tmp"

for rel in $(printf '%s\n' "$@" | sort -V); do
	run=$k/run/$rel
	report=$run/report
	pkg=$(sed -n 's/^package //p' "$k/img/$rel/info" 2>/dev/null)
	if ! grep -q '^afunix-end$' "$report" 2>/dev/null; then
		printf '%s\t%s\t%s\t-\t0\t1\t0\t0\t0\t0\tno report\n' "$rel" \
		    "${pkg:--}" "$(cat "$run/seconds" 2>/dev/null || echo -)" \
		    >>"$res/summary.tsv.tmp"
		continue
	fi
	sed -n 's/^rec //p' "$report" >"$res/$rel.records"
	"$expect" record-to-data "$res/$rel.records" Linux "$rel" \
	    >"$res/$rel.data" || die "$rel: afunix-expect record-to-data failed"
	"$expect" -d "$datadir" compare "$res/$rel.data" linux "$rel" \
	    >"$res/$rel.diff" 2>/dev/null
	sed -n 's/^rec //p' "$report" | awk -F '\t' -v r="$rel" \
	    '{ print $1 "\t" r "\t" $2 }' >>"$res/observed.tsv.tmp"
	awk -F '\t' -v r="$rel" '{ o = $2; e = $3
	    sub(/^[^=]*=/, "", o); sub(/^[^=]*=/, "", e)
	    print $1 "\t" r "\t" o "\t" e }' "$res/$rel.diff" >>"$res/differ.tsv.tmp"
	# The test cases that did not pass: record mode passes every check,
	# so these failed on their own assertions, or were skipped.
	grep '^tc [^p]' "$report" | sed 's/^tc //' >"$res/$rel.tc"
	awk -F '\t' -v r="$rel" -v pkg="${pkg:--}" -v res="$res" \
	    -v boot="$(cat "$run/seconds" 2>/dev/null || echo -)" '
	/^seconds / { suite = $0; sub(/^seconds /, "", suite) }
	/^tc passed/ { p++ } /^tc (failed|broken)/ { f++ } /^tc skipped/ { s++ }
	/^rec / { keys++ }
	END {
		while ((getline l < (res "/" r ".diff")) > 0)
			if (l ~ /\(no expectation\)$/) u++; else d++
		printf "%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s\n", r, pkg,
		    boot, suite, p, f, s, keys, d, u, (d + u + f) ? "differs" : "agrees"
	}' "$report" >>"$res/summary.tsv.tmp"
done
mv "$res/summary.tsv.tmp" "$res/summary.tsv"
mv "$res/observed.tsv.tmp" "$res/observed.tsv"
mv "$res/differ.tsv.tmp" "$res/differ.tsv"

# The Linux data with every fact's "observed:" list extended by the
# kernels that showed that outcome within its range: a proposal to
# review, never written over platforms/.  (Ranges as platforms/README.md
# says: both ends inclusive, a bound covering its patch releases.)
awk -F '\t' '
function nparts(v,  p) { return split(v, p, ".") }
function vcmp(a, b, n,  x, y, i) {
	sub(/-.*/, "", a); sub(/-.*/, "", b)
	split(a, x, "."); split(b, y, ".")
	for (i = 1; i <= n; i++)
		if (x[i] + 0 != y[i] + 0) return (x[i] + 0 < y[i] + 0) ? -1 : 1
	return 0
}
function inrange(r, range,  lo, hi) {
	if (range == "") return 1
	lo = range; sub(/^\[/, "", lo); sub(/-.*/, "", lo)
	hi = range; sub(/^\[[^-]*-/, "", hi); sub(/\]$/, "", hi)
	if (lo != "" && vcmp(r, lo, nparts(lo)) < 0) return 0
	if (hi != "" && vcmp(r, hi, nparts(hi)) > 0) return 0
	return 1
}
FNR == NR { seen[$1] = seen[$1] " " $2 "=" $3; next }
/^[ \t]*(#|$)/ { print; next }
{
	rest = $0; key = rest; sub(/[ \t].*/, "", key); sub(/^[^ \t]+[ \t]+/, "", rest)
	range = ""
	if (rest ~ /^\[/) { range = rest; sub(/[ \t].*/, "", range); sub(/^[^ \t]+[ \t]+/, "", rest) }
	outcome = rest; sub(/[ \t].*/, "", outcome); sub(/^[^ \t]+[ \t]+/, "", rest)
	known = rest; sub(/[ \t].*/, "", known); sub(/^[^ \t]+[ \t]*/, "", rest)
	list = (known ~ /^observed:/) ? substr(known, 10) : ""
	n = split(seen[key], obs, " ")
	for (i = 1; i <= n; i++) {
		r = obs[i]; o = r; sub(/=.*/, "", r); sub(/^[^=]*=/, "", o)
		if (o == outcome && inrange(r, range) && index("," list ",", "," r ",") == 0)
			list = list (list == "" ? "" : ",") r
	}
	if (list == "") { print; next }
	n = split(list, l, ",")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && vcmp(l[j - 1], l[j], 3) > 0; j--) {
			t = l[j]; l[j] = l[j - 1]; l[j - 1] = t
		}
	list = l[1]
	for (i = 2; i <= n; i++) list = list "," l[i]
	printf "%s\t%s%s\tobserved:%s\t%s\n", key, (range == "" ? "" : range "\t"),
	    outcome, list, rest
}' "$res/observed.tsv" "$datadir/linux" >"$res/linux.proposed.tmp" &&
    mv "$res/linux.proposed.tmp" "$res/linux.proposed"

echo "kernel        boot s  suite s  tests ok/fail/skip  keys  differ  unknown"
awk -F '\t' '{ printf "%-13s %6s  %7s  %6d/%d/%d %10d  %6d  %7d%s\n", $1, $3, $4,
    $5, $6, $7, $8, $9, $10, ($11 == "no report") ? "  (no report)" : "" }' \
    "$res/summary.tsv"
if [ -s "$res/differ.tsv" ]; then
	echo
	echo "Differences from the data (key, kernel, observed, expected):"
	sort -t "$(printf '\t')" -k1,1 -k2,2V "$res/differ.tsv" | sed 's/^/  /'
fi
for f in "$res"/*.tc; do
	[ -s "$f" ] || continue
	echo
	echo "Test cases that did not pass on $(basename "$f" .tc):"
	sed 's/^/  /' "$f"
done
echo
echo "Results: $res (summary.tsv, differ.tsv, observed.tsv, linux.proposed)"
awk -F '\t' '{ p += $8 - $9 - $10; f += $9 + $10 + $6; s += $7 }
    END { printf "%d passed, %d failed, %d skipped\n", p, f, s; exit (f > 0) }' \
    "$res/summary.tsv"
