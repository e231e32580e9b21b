#!/bin/sh
# initramfs.sh: build the one initramfs every kernel boots: busybox
# (static), kyua, the atf libraries, the conformance programs the
# conformance Makefile builds with a Kyuafile that lists them, the platform
# data, and an init that runs the suite and powers off.
#
#	initramfs.sh -b builddir top out.cpio.gz
#
# The init runs kyua as root with nobody as the unprivileged user, in
# record mode (every check prints "afunix-record<TAB>key<TAB>observed" and
# passes; compare.sh judges the observations against the data on the
# host).  Its report goes to the second serial port between "afunix-begin"
# and "afunix-end":
#	uname RELEASE / proc /proc/version / seconds N / lsm LIST /
#	kyua-status N
#	rec KEY<TAB>OBSERVED		one per check
#	tc RESULT<TAB>PROGRAM:CASE<TAB>REASON	one per test case
# Shared libraries come from the build machine (ldd), so the programs run
# exactly as they do there.
set -u

prog=initramfs.sh
die() { echo "$prog: $*" >&2; exit 1; }

builddir=''
while getopts b: opt; do
	case $opt in
	b) builddir=$OPTARG ;;
	*) die "usage: $prog -b builddir top out.cpio.gz" ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -ne 2 ] || [ -z "$builddir" ]; then
	die "usage: $prog -b builddir top out.cpio.gz"
fi
top=$(cd "$1" && pwd) || exit 1
out=$2
busybox=$(command -v busybox) || die "busybox is not installed (busybox-static)"
ldd "$busybox" 2>&1 | grep -q 'not a dynamic' ||
    die "$busybox is not static (install busybox-static)"
kyua=$(command -v kyua) || die "kyua is not installed"
[ -d /usr/share/kyua/store ] || die "/usr/share/kyua/store is missing"

progs=$(cd "$top/conformance" && ${BMAKE:-bmake} -V ATF_TESTS_C) ||
    die "cannot read ATF_TESTS_C from $top/conformance/Makefile"
[ -n "$progs" ] || die "the conformance Makefile builds no test program"
for p in $progs; do
	[ -x "$top/conformance/$p" ] || die "conformance/$p is not built (run make all)"
done

stage=$builddir/initramfs.d
rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/dev" "$stage/etc" "$stage/proc" "$stage/sys" \
    "$stage/tmp" "$stage/usr/bin" "$stage/usr/share/kyua" \
    "$stage/afunix/conformance" "$stage/afunix/platforms" || exit 1

# A file and the shared libraries it needs, at the same paths.
copy_with_libs() {
	cp "$1" "$stage$2" || exit 1
	ldd "$1" 2>/dev/null | awk '/=> \// { print $3 } /^[ \t]*\/[^ ]+ \(/ { print $1 }' |
	while read -r lib; do
		[ -e "$stage$lib" ] && continue
		mkdir -p "$stage$(dirname "$lib")" && cp -L "$lib" "$stage$lib" || exit 1
	done
}

cp "$busybox" "$stage/bin/busybox" || exit 1
copy_with_libs "$kyua" /usr/bin/kyua
cp -R /usr/share/kyua/store "$stage/usr/share/kyua/" || exit 1
{
	echo "syntax(2)"
	echo "test_suite('afunix')"
	for p in $progs; do
		copy_with_libs "$top/conformance/$p" "/afunix/conformance/$p"
		echo "atf_test_program{name='$p'}"
	done
} >"$stage/afunix/conformance/Kyuafile" || exit 1
for f in "$top"/platforms/*; do
	case $f in */README*) continue ;; esac
	cp "$f" "$stage/afunix/platforms/" || exit 1
done
printf 'root:x:0:0:root:/tmp:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
    >"$stage/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$stage/etc/group"

cat >"$stage/init" <<'EOF'
#!/bin/busybox sh
# The afunix kernel-test init (tools/kernels/initramfs.sh).
/bin/busybox --install -s /bin
PATH=/bin:/usr/bin HOME=/tmp TMPDIR=/tmp
export PATH HOME TMPDIR
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
# A probe (is this accelerator usable?) needs no suite.
if grep -q afunix.probe /proc/cmdline; then
	printf 'afunix-begin\nafunix-end\n' >/dev/ttyS1
	poweroff -f
fi
jobs=$(sed -n 's/.*afunix\.jobs=\([0-9]*\).*/\1/p' /proc/cmdline)
cd /afunix/conformance || poweroff -f
start=$(date +%s)
kyua --logfile=/tmp/kyua.log -v "parallelism=${jobs:-2}" \
    -v unprivileged_user=nobody \
    -v test_suites.afunix.record=yes \
    -v test_suites.afunix.datadir=/afunix/platforms \
    test -k /afunix/conformance/Kyuafile -r /tmp/results.db
status=$?
end=$(date +%s)
# Closing the port waits until every byte has left it.
{
	echo afunix-begin
	echo "uname $(uname -r)"
	echo "proc $(cat /proc/version)"
	echo "seconds $((end - start))"
	echo "lsm $(cat /sys/kernel/security/lsm 2>/dev/null)"
	echo "kyua-status $status"
	kyua db-exec --no-headers -r /tmp/results.db \
	    "SELECT CAST(f.contents AS TEXT) FROM files f
	     JOIN test_case_files t ON t.file_id = f.file_id
	     WHERE t.file_name = '__STDOUT__'" |
	    sed -n 's/^afunix-record	/rec /p'
	kyua db-exec --no-headers -r /tmp/results.db \
	    "SELECT 'tc ' || r.result_type || char(9) || p.relative_path ||
		':' || c.name || char(9) ||
		REPLACE(COALESCE(r.result_reason, ''), char(10), ' ')
	     FROM test_results r
	     JOIN test_cases c ON c.test_case_id = r.test_case_id
	     JOIN test_programs p ON p.test_program_id = c.test_program_id"
	echo afunix-end
} >/dev/ttyS1 2>&1
poweroff -f
EOF
chmod 755 "$stage/init" || exit 1
chmod -R a+rX "$stage"

# One newc entry with no data (a device node), in the format's ASCII hex.
newc() {
	n=$((${#1} + 1))
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%s\000' \
	    "$2" "$3" 0 0 1 0 0 0 0 "$4" "$5" "$n" 0 "$1"
	pad=$(((4 - (110 + n) % 4) % 4))
	while [ "$pad" -gt 0 ]; do printf '\000'; pad=$((pad - 1)); done
}

# The archive the kernel unpacks: the staged tree, then a second archive
# with the /dev/console node (made here, so no mknod and no root needed),
# which the kernel opens for init's first descriptors before devtmpfs is
# mounted.
(
	cd "$stage" && find . | LC_ALL=C sort | "$busybox" cpio -o -H newc -R 0:0 2>/dev/null
	newc dev/console 9999 8576 5 1
	newc TRAILER!!! 0 0 0 0
) | gzip -1 >"$out.tmp" || die "cannot write $out"
mv "$out.tmp" "$out"
