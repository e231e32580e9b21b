#!/bin/sh
# page.sh: the "Linux versions" page of the docs, in Markdown, from the
# last multi-kernel run (tools/kernels/run.sh, make kernels).
#
#	page.sh -k kernelsdir out.md
#
# With no run in kernelsdir the page says so and how to make one: the
# docs build never boots kernels itself.
set -u

prog=page.sh
die() { echo "$prog: $*" >&2; exit 1; }
k=''
while getopts k: opt; do
	case $opt in
	k) k=$OPTARG ;;
	*) die "usage: $prog -k kernelsdir out.md" ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -ne 1 ] || [ -z "$k" ]; then
	die "usage: $prog -k kernelsdir out.md"
fi
out=$1
res=$k/results
tab=$(printf '\t')

page() {
	cat <<EOF
---
pagetitle: "afunix: Linux versions"
---

# Linux versions

The Linux data says what each kernel release does; here the whole
conformance suite ran on Debian's kernels, from 5.10 to the newest, each
booted in qemu with the same test programs, and what each kernel did is
held against the data for its release. Run it with \`make kernels\`
(\`KERNELS="5.10 6.1 7.2"\` to choose); \`tools/kernels/\` does the work.

EOF
	if [ ! -s "$res/summary.tsv" ]; then
		echo "No multi-kernel run in this build tree yet: \`make kernels\` makes one."
		return 0
	fi
	echo "Run of $(date -u -r "$res/summary.tsv" '+%Y-%m-%d %H:%M UTC' 2>/dev/null)."
	cat <<EOF

## The kernels

| kernel | Debian package | from | LSMs | seconds (boot + suite) | test cases passed / failed / skipped | checks | differ | no expectation |
|---|---|---|---|---|---|---|---|---|
EOF
	while IFS="$tab" read -r rel pkg boot _ p f s keys d u _; do
		info=$k/img/$rel/info
		ver=$(sed -n 's/^version //p' "$info" 2>/dev/null)
		suite=$(sed -n 's/^suite //p' "$info" 2>/dev/null)
		lsm=$(sed -n 's/^lsm //p' "$k/run/$rel/report" 2>/dev/null | tr ',' ' ')
		echo "| $rel | \`$pkg\` \`$ver\` | $suite | ${lsm:--} | $boot | $p / $f / $s | $keys | $d | $u |"
	done <"$res/summary.tsv"
	cat <<EOF

## Where the kernels differ

Every key whose outcome is not the same on all these kernels, or is not
what the data says for the release. A cell in bold differs from the data,
which expects what follows "≠"; "?" means the data has no expectation for
that release; "—" means the kernel recorded nothing for the key.

EOF
	awk -F '\t' '
	FNR == NR { if (!(($1) in col)) { col[$1] = ++ncol; rel[ncol] = $1 }; next }
	FILENAME ~ /differ/ { expd[$1, $2] = $4; vary[$1] = 1; next }
	{
		o[$1, $2] = $3
		if (($1) in first && first[$1] != $3) vary[$1] = 1
		if (!(($1) in first)) first[$1] = $3
	}
	END {
		n = 0
		for (key in vary) keys[++n] = key
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && keys[j - 1] > keys[j]; j--) {
				t = keys[j]; keys[j] = keys[j - 1]; keys[j - 1] = t
			}
		if (n == 0) { print "Every kernel did the same, and what the data says."; exit }
		printf "| key |"
		for (c = 1; c <= ncol; c++) printf " %s |", rel[c]
		printf "\n|---|"
		for (c = 1; c <= ncol; c++) printf "---|"
		printf "\n"
		for (i = 1; i <= n; i++) {
			printf "| `%s` |", keys[i]
			for (c = 1; c <= ncol; c++) {
				r = rel[c]
				if (!((keys[i], r) in o)) { printf " — |"; continue }
				v = o[keys[i], r]; gsub(/\|/, "\\|", v)
				if ((keys[i], r) in expd) {
					e = expd[keys[i], r]
					if (e == "(no expectation)") printf " %s ? |", v
					else printf " **%s** ≠ %s |", v, e
				} else printf " %s |", v
			}
			printf "\n"
		}
	}' "$res/summary.tsv" "$res/differ.tsv" "$res/observed.tsv"
	tc=
	for f in "$res"/*.tc; do
		[ -s "$f" ] && tc=1
	done
	if [ -n "$tc" ]; then
		printf '\n## Test cases that did not pass\n\n| kernel | result | test case | reason |\n|---|---|---|---|\n'
		for f in "$res"/*.tc; do
			[ -s "$f" ] || continue
			awk -F '\t' -v r="$(basename "$f" .tc)" '{ gsub(/\|/, "\\|", $3)
			    printf "| %s | %s | `%s` | %s |\n", r, $1, $2, $3 }' "$f"
		done
	fi
}

page >"$out.tmp" || exit 1
mv "$out.tmp" "$out"
