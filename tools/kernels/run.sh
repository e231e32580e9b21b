#!/bin/sh
# run.sh: run the conformance suite on many Linux kernels and compare each
# with the Linux data for its release.
#
#	run.sh [-b builddir] [-j vms] [kernel ...]
#
# Kernels as fetch.sh takes them ("5.10 6.1 7.2", "oldest newest"; default
# all, or $KERNELS).  Steps: fetch (cached in builddir/kernels), build the
# initramfs, boot -j kernels at a time (default 2), compare.  Prints the
# time of each step and of each kernel, then compare.sh's table and
# closing line.  Variables: KERNEL_ACCEL (tcg or kvm; default: kvm only
# when it really boots a kernel here), KERNEL_TIMEOUT (seconds per kernel,
# default 300), KERNEL_SUITE_JOBS (kyua parallelism in a VM, default 2),
# KERNEL_APPEND (more kernel arguments), AFUNIX_DATADIR (the data).
set -u

prog=run.sh
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tools/kernels
die() { echo "$prog: $*" >&2; exit 2; }
builddir=$top/_build vms=2
while getopts b:j: opt; do
	case $opt in
	b) builddir=$OPTARG ;;
	j) vms=$OPTARG ;;
	*) die "usage: $prog [-b builddir] [-j vms] [kernel ...]" ;;
	esac
done
shift $((OPTIND - 1))
# shellcheck disable=SC2086  # KERNELS is a list
[ $# -gt 0 ] || set -- ${KERNELS:-all}

missing=
for t in qemu-system-x86_64:qemu-system-x86 busybox:busybox-static \
    kyua:kyua apt-get:apt dpkg-deb:dpkg xz:xz-utils zstd:zstd \
    timeout:coreutils gzip:gzip readelf:binutils; do
	command -v "${t%%:*}" >/dev/null 2>&1 || missing="$missing ${t#*:}"
done
[ -z "$missing" ] || die "missing:$missing (apt-get install$missing)"

mkdir -p "$builddir/kernels" || exit 2
k=$(cd "$builddir/kernels" && pwd)
t0=$(date +%s)

releases=$(sh "$here/fetch.sh" -b "$k" "$@") || exit 2
t1=$(date +%s)
echo "$prog: kernels: $(echo "$releases" | tr '\n' ' ')"
echo "$prog: fetch: $((t1 - t0)) s"

initrd=$k/initramfs.cpio.gz
sh "$here/initramfs.sh" -b "$k" "$top" "$initrd" || exit 2
t2=$(date +%s)
echo "$prog: initramfs: $((t2 - t1)) s ($(wc -c <"$initrd") bytes)"

# KVM only where it boots a kernel in a few seconds: /dev/kvm can be
# there and hang (nested virtualisation).  The verdict holds until the
# machine reboots.
accel=${KERNEL_ACCEL:-}
if [ -z "$accel" ]; then
	accel=tcg
	boot_id=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo none)
	if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
		if [ "$(sed -n 1p "$k/accel" 2>/dev/null)" = "$boot_id" ]; then
			accel=$(sed -n 2p "$k/accel")
		else
			first=$(echo "$releases" | head -n 1)
			if KERNEL_APPEND=afunix.probe sh "$here/boot.sh" -a kvm \
			    -t 8 -i "$initrd" -o "$k/probe" "$k/img/$first" \
			    >/dev/null 2>&1; then
				accel=kvm
			fi
			printf '%s\n%s\n' "$boot_id" "$accel" >"$k/accel"
		fi
	fi
fi
t3=$(date +%s)
echo "$prog: accelerator: $accel ($((t3 - t2)) s to decide)"

# The kernels, dealt out in turn to the VM slots; each
# slot boots its kernels one after another.
mkdir -p "$k/run"
rm -f "$k"/run/slot.*
i=0
for rel in $releases; do
	rm -rf "${k:?}/run/$rel"
	echo "$rel" >>"$k/run/slot.$((i % vms))"
	i=$((i + 1))
done
for slot in "$k"/run/slot.*; do
	(
		while read -r rel; do
			if sh "$here/boot.sh" -a "$accel" -t "${KERNEL_TIMEOUT:-300}" \
			    -j "${KERNEL_SUITE_JOBS:-2}" -i "$initrd" -o "$k/run/$rel" \
			    "$k/img/$rel"; then
				echo "$prog: $rel: $(cat "$k/run/$rel/seconds") s"
			else
				echo "$prog: $rel: FAILED after $(cat "$k/run/$rel/seconds" 2>/dev/null) s"
			fi
		done <"$slot"
	) &
done
wait
rm -f "$k"/run/slot.*
t4=$(date +%s)
echo "$prog: boot and suite: $((t4 - t3)) s for $i kernels, $vms at a time"

# shellcheck disable=SC2086  # one argument per release
table=$(sh "$here/compare.sh" -k "$k" ${AFUNIX_DATADIR:+-d "$AFUNIX_DATADIR"} $releases)
status=$?
t5=$(date +%s)
echo "$prog: total $((t5 - t0)) s (fetch $((t1 - t0)) s, boot and suite $((t4 - t3)) s)"
echo
printf '%s\n' "$table"
exit $status
