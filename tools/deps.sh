#!/bin/sh
# deps.sh: find what afunix needs and is missing, and install it where we
# can.  On Debian or Ubuntu as root it runs apt-get; as another user it
# prints the exact command and stops.  On the BSDs and macOS it names the
# packages.  It never assumes that an earlier run installed anything.
#
#	deps.sh [-n] [docs] [kernels]
#
# -n only reports.  "docs" adds what the documentation build needs,
# "kernels" what booting other Linux kernels under qemu needs.
set -u

prog=deps.sh
report_only=0
want_docs=0
want_kernels=0
want_gates=0
for arg in "$@"; do
	case $arg in
	-n) report_only=1 ;;
	docs) want_docs=1 ;;
	kernels) want_kernels=1 ;;
	gates) want_gates=1 ;;
	*) echo "usage: $prog [-n] [docs] [kernels] [gates]" >&2; exit 2 ;;
	esac
done

have() { command -v "$1" >/dev/null 2>&1; }

# Each check: a test, then the Debian package that satisfies it.
missing_deb=
need() {
	if ! eval "$1" >/dev/null 2>&1; then
		missing_deb="$missing_deb $2"
	fi
}
need 'have cc' gcc
need 'have clang' clang
need 'have bmake' bmake
need 'have kyua' kyua
need 'have atf-sh' atf-sh
need 'have pkg-config' pkg-config
need 'pkg-config --exists atf-c' libatf-dev
need 'have tar' tar
if [ "$want_docs" -eq 1 ]; then
	need 'have pandoc' pandoc
	need 'have groff' groff-base
	need 'have man' man-db
	need 'have chromium || have chromium-browser' chromium
fi
if [ "$want_kernels" -eq 1 ] && [ "$(uname -s)" = Linux ]; then
	need 'have qemu-system-x86_64' qemu-system-x86
	# The initramfs needs a busybox that runs with no libraries.
	# shellcheck disable=SC2016  # need() evaluates the test itself
	need 'have busybox && ldd "$(command -v busybox)" 2>&1 | grep -q "not a dynamic"' busybox-static
	need 'have zstd' zstd
	need 'have xz' xz-utils
	need 'have readelf' binutils
fi
if [ "$want_gates" -eq 1 ]; then
	need 'have shellcheck' shellcheck
	need 'have cppcheck' cppcheck
	need 'have clang-tidy' clang-tidy
	need 'have valgrind' valgrind
	# clang only recommends its runtime, which libFuzzer and ASan need.
	need 'echo "int LLVMFuzzerTestOneInput(const char *d, long n) { (void)d; (void)n; return 0; }" | clang -x c -fsanitize=fuzzer,address,undefined -o /dev/null -' libclang-rt-dev
fi
missing_deb=${missing_deb# }

[ -z "$missing_deb" ] && exit 0

os=$(uname -s)
case $os in
FreeBSD)
	# kyua and atf live in base; bmake is the system make.
	pkgs=pkgconf
	[ "$want_docs" -eq 1 ] && pkgs="$pkgs hs-pandoc"
	echo "$prog: missing:$missing_deb" >&2
	echo "$prog: install with: pkg install $pkgs" >&2
	exit 1 ;;
NetBSD|OpenBSD|DragonFly|Darwin)
	echo "$prog: missing (Debian names):$missing_deb" >&2
	echo "$prog: install bmake, kyua, atf and pkg-config from the" \
	    "system's packages (pkgsrc, ports or Homebrew)" >&2
	exit 1 ;;
esac

if ! have apt-get; then
	echo "$prog: missing (Debian package names):$missing_deb" >&2
	echo "$prog: this is not a Debian-like system: install them by hand" >&2
	exit 1
fi
cmd="apt-get update && apt-get install -y --no-install-recommends $missing_deb"
if [ "$report_only" -eq 1 ]; then
	echo "$prog: missing:$missing_deb" >&2
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "$prog: missing:$missing_deb" >&2
	echo "$prog: as root, run: sudo sh -c '$cmd'" >&2
	exit 1
fi
echo "$prog: installing:$missing_deb"
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086  # the list is meant to split into words
apt-get update -qq && apt-get install -y -qq --no-install-recommends \
    $missing_deb >/dev/null || {
	echo "$prog: apt-get failed; run by hand: $cmd" >&2
	exit 1
}
exit 0
