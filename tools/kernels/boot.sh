#!/bin/sh
# boot.sh: boot one kernel with the suite's initramfs in qemu and keep what
# it reports.
#
#	boot.sh -i initramfs -o outdir [-a tcg|kvm] [-j jobs] [-t seconds] imgdir
#
# imgdir is what fetch.sh made (vmlinux, or vmlinuz, and info).  The
# console goes to outdir/console.log, the report (the second serial port)
# to outdir/report; outdir/seconds is the wall time of the boot.  Exit
# status 0 only when the report is complete.  Everything runs under
# timeout: a kernel that hangs costs -t seconds (default 300), no more.
set -u

prog=boot.sh
die() { echo "$prog: $*" >&2; exit 1; }
usage() { die "usage: $prog -i initramfs -o outdir [-a tcg|kvm] [-j jobs] [-t seconds] imgdir"; }

initrd='' out='' accel=tcg jobs=2 limit=300
while getopts a:i:j:o:t: opt; do
	case $opt in
	a) accel=$OPTARG ;;
	i) initrd=$OPTARG ;;
	j) jobs=$OPTARG ;;
	o) out=$OPTARG ;;
	t) limit=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -ne 1 ] || [ -z "$initrd" ] || [ -z "$out" ]; then usage; fi
img=$1
[ -f "$initrd" ] || die "$initrd: no such initramfs"
if [ -f "$img/vmlinux" ]; then
	kernel=$img/vmlinux
elif [ -f "$img/vmlinuz" ]; then
	kernel=$img/vmlinuz
else
	die "$img: no kernel image (run fetch.sh)"
fi
command -v qemu-system-x86_64 >/dev/null 2>&1 ||
    die "qemu-system-x86_64 is not installed (qemu-system-x86)"

mkdir -p "$out" || exit 1
rm -f "$out/console.log" "$out/report" "$out/report.raw" "$out/seconds"
args="console=ttyS0 quiet panic=-1 afunix.jobs=$jobs"
args="$args lsm=lockdown,capability,landlock,yama ${KERNEL_APPEND:-}"
start=$(date +%s)
# -nodefaults: no VGA, network or disks, only the two serial ports.
# panic=-1 with -no-reboot turns a kernel panic (init dying) into an exit.
# lsm=: the Linux data holds for a kernel with no LSM that answers
# SO_PEERSEC.  Debian's kernels start AppArmor (SELinux when AppArmor is
# off), and the BPF LSM, which answers it too on 6.1.y (commit 5a287d3d2b9d
# not backported).  KERNEL_APPEND comes last, so it can undo this.
timeout -k 5 "$limit" qemu-system-x86_64 -accel "$accel" -M pc -m 512M \
    -smp 1 -nodefaults -no-user-config -no-reboot -display none \
    -kernel "$kernel" -initrd "$initrd" \
    -append "$args" \
    -serial "file:$out/console.log" -serial "file:$out/report.raw" \
    </dev/null >"$out/qemu.log" 2>&1
status=$?
echo $(($(date +%s) - start)) >"$out/seconds"
tr -d '\r' <"$out/report.raw" >"$out/report" && rm -f "$out/report.raw"
[ "$status" -eq 124 ] && die "$img: no end after $limit s (see $out/console.log)"
grep -q '^afunix-begin$' "$out/report" || die "$img: no report (see $out/console.log, $out/qemu.log)"
grep -q '^afunix-end$' "$out/report" ||
    die "$img: incomplete report, qemu exit $status (see $out/console.log, $out/qemu.log)"
exit 0
