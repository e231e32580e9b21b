#!/bin/sh
# fetch.sh: download Debian kernels without installing them, and unpack
# each into a bootable image.
#
#	fetch.sh [-u] [-l] -b builddir [kernel ...]
#
# A kernel is a series ("6.1": the newest 6.1.y found), a release
# ("6.12.43", "7.3-rc7"), "all" (the newest of every series, the default),
# "oldest" or "newest".  It prints the chosen releases, oldest first, and
# leaves each in builddir/img/RELEASE/: "vmlinux" (the uncompressed ELF,
# booted through its PVH entry) or, when that cannot be had, "vmlinuz" (the
# bzImage);
# "info" says which package it came from.  -l only lists what the archive
# offers; -u refreshes the package lists first.
#
# apt runs with a private configuration in builddir/apt (its own sources,
# lists, cache and empty status), so the machine's apt state is never
# touched.  The archive address and keyring are the ones the machine's own
# sources use; nothing here names a host.  What was downloaded once is
# never downloaded again.
set -u

prog=fetch.sh
die() { echo "$prog: $*" >&2; exit 1; }
usage() { die "usage: $prog [-u] [-l] -b builddir [kernel ...]"; }

builddir='' update=0 list=0
while getopts b:lu opt; do
	case $opt in
	b) builddir=$OPTARG ;;
	l) list=1 ;;
	u) update=1 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ -n "$builddir" ] || usage
[ $# -gt 0 ] || set -- all
for t in apt-get dpkg-deb tar od; do
	command -v "$t" >/dev/null 2>&1 || die "$t is not installed"
done

# Where the series live: bullseye has 5.10, bookworm 6.1, trixie and the
# security suites 6.12, trixie-backports 6.16 to 7.x, sid and experimental
# the newest.
SUITES=${KERNEL_SUITES:-"bullseye-security bookworm-security trixie-security trixie-backports sid experimental"}

mkdir -p "$builddir" || exit 1
k=$(cd "$builddir" && pwd)
apt=$k/apt

# The machine's Debian archive, security archive and keyring, from its
# one-line (.list) or deb822 (.sources) entries.  Prints "archive security
# keyring".
host_sources() {
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
	    /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] && cat "$f" && echo
	done | awk '
	function take(uri, suites, key,   n, s, i) {
		n = split(suites, s, /[ \t]+/)
		for (i = 1; i <= n; i++) {
			if (s[i] ~ /^(bullseye|bookworm|trixie|forky|sid|stable|testing|unstable|oldstable)/) {
				if (s[i] ~ /-security$/) { if (sec == "") sec = uri }
				else if (arc == "" && uri ~ /\/debian\/?$/) { arc = uri; kr = key }
			}
		}
	}
	# deb822 stanzas
	/^URIs:/ { uri = $2 }
	/^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
	/^Signed-By:/ { key = $2 }
	/^Types:/ { types = $0 }
	/^[ \t]*$/ { if (uri != "" && types ~ /deb( |$)/) take(uri, suites, key)
		uri = suites = key = types = "" }
	# one-line entries
	/^deb[ \t]/ {
		key = ""; i = 2
		if ($2 ~ /^\[/) {
			for (; i <= NF; i++) {
				if ($i ~ /signed-by=/) { key = $i; sub(/.*signed-by=/, "", key); sub(/\]$/, "", key) }
				if ($i ~ /\]$/) { i++; break }
			}
		}
		take($i, $(i + 1), key); key = ""
	}
	END {
		if (sec == "" && arc != "") { sec = arc; sub(/\/debian\/?$/, "/debian-security", sec) }
		if (arc != "") print arc, sec, (kr == "" ? "-" : kr)
	}'
}

setup_apt() {
	mkdir -p "$apt/etc/apt.conf.d" "$apt/etc/preferences.d" \
	    "$apt/etc/sources.list.d" "$apt/lists/partial" \
	    "$apt/cache/archives/partial" "$apt/log" || exit 1
	[ -e "$apt/status" ] || : >"$apt/status"
	read -r archive security keyring <<EOF
$(host_sources)
EOF
	[ -n "$keyring" ] || die "no Debian archive in the machine's apt sources"
	# A mirror may be a frozen snapshot whose Release files have
	# expired: the signatures are still checked.
	# The keyring the sources name, or Debian's (the private apt has no
	# trusted.gpg.d of its own).
	if [ "$keyring" = - ] || [ ! -r "$keyring" ]; then
		keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	fi
	[ -r "$keyring" ] || die "no keyring for the Debian archive (debian-archive-keyring)"
	opts="check-valid-until=no signed-by=$keyring"
	for s in $SUITES; do
		case $s in
		*-security) echo "deb [$opts] $security $s main" ;;
		*) echo "deb [$opts] $archive $s main" ;;
		esac
	done >"$apt/etc/sources.list.new" || exit 1
	# Only this file and the command line configure apt: the machine's
	# apt.conf.d, preferences and sources are never read.
	cat >"$apt/apt.conf" <<EOF
Dir::Etc "$apt/etc";
Dir::Etc::main "$apt/etc/none.conf";
Dir::Etc::parts "$apt/etc/apt.conf.d";
Dir::Etc::sourcelist "$apt/etc/sources.list";
Dir::Etc::sourceparts "$apt/etc/sources.list.d";
Dir::Etc::preferences "$apt/etc/preferences";
Dir::Etc::preferencesparts "$apt/etc/preferences.d";
Dir::State "$apt";
Dir::State::lists "$apt/lists";
Dir::State::status "$apt/status";
Dir::Cache "$apt/cache";
Dir::Log "$apt/log";
APT::Architecture "amd64";
APT::Architectures { "amd64"; };
APT::Sandbox::User "root";
Acquire::Languages "none";
Acquire::GzipIndexes "true";
Debug::NoLocking "true";
EOF
	if ! cmp -s "$apt/etc/sources.list.new" "$apt/etc/sources.list"; then
		mv "$apt/etc/sources.list.new" "$apt/etc/sources.list"
		update=1
	else
		rm -f "$apt/etc/sources.list.new"
	fi
	ls "$apt"/lists/*_Packages* >/dev/null 2>&1 || update=1
	APT_CONFIG=$apt/apt.conf
	export APT_CONFIG
	if [ "$update" -eq 1 ]; then
		echo "$prog: updating the package lists of: $SUITES" >&2
		apt-get -q update >"$apt/log/update.log" 2>&1 ||
		    die "apt-get update failed (see $apt/log/update.log)"
	fi
}

list_cat() {
	if [ -x /usr/lib/apt/apt-helper ]; then
		/usr/lib/apt/apt-helper cat-file "$@"
	else
		cat "$@"
	fi
}

# Every kernel image of the generic amd64 flavour: "release suite package
# debversion", one line per release (the last suite listed wins: a
# release's own distribution rather than an older one's backport).  From
# 6.19 the image is in linux-binary-ABI, linux-image-ABI being a small
# package that depends on it; the size test also drops the linux-image-X.Y
# meta packages.
catalogue() {
	rev=
	for s in $SUITES; do rev="$s $rev"; done
	for s in $rev; do
		for f in "$apt"/lists/*_dists_"${s}"_main_binary-amd64_Packages*; do
			[ -f "$f" ] || continue
			# The lists stay compressed (GzipIndexes); apt-helper reads
			# whatever compression apt chose.
			list_cat "$f" | awk -v suite="$s" '
			/^Package: / { p = $2 }
			/^Version: / { v = $2 }
			/^Installed-Size: / { size = $2 }
			/^$/ {
				if (p ~ /^linux-(image|binary)-[0-9].*-amd64$/ &&
				    p !~ /-(cloud|rt)-amd64$/ && size > 5000) {
					r = v; sub(/-[^-]*$/, "", r); gsub(/~/, "-", r)
					print r, suite, p, v
				}
				p = v = ""; size = 0
			}'
		done
	done | awk '!seen[$1]++' | sort -V -k1,1
}

series() { echo "$1" | sed 's/^\([0-9]*\.[0-9]*\).*/\1/'; }

# The releases the arguments name, oldest first, one per line.
choose() {
	cat=$1
	shift
	each=$(awk '{ s = $1; sub(/^[0-9]+\.[0-9]+/, "", s)
	    s = substr($1, 1, length($1) - length(s))
	    if (!(s in last)) order[++n] = s; last[s] = $1 }
	    END { for (i = 1; i <= n; i++) print last[order[i]] }' "$cat")
	list=
	for want in "$@"; do
		case $want in
		all) r=$each ;;
		oldest) r=$(echo "$each" | head -n 1) ;;
		newest) r=$(echo "$each" | tail -n 1) ;;
		[0-9]*.[0-9]*)
			r=$(awk -v w="$want" '$1 == w { print $1; exit }
			    index($1, w) == 1 && substr($1, length(w) + 1, 1) ~ /^[.-]$/ {
				last = $1 }
			    END { if (last != "") print last }' "$cat" | head -n 1)
			[ -n "$r" ] ||
			    die "no kernel $want in: $SUITES ($prog -l lists them)" ;;
		*) die "not a kernel: '$want' (a series 6.1, a release 6.1.170, all, oldest or newest)" ;;
		esac
		list="$list
$r"
	done
	printf '%s\n' "$list" | awk 'NF && !seen[$0]++' | sort -V
}

# The kernel image inside a bzImage: setup_sects (0x1f1) says where the
# protected-mode part starts; payload_offset (0x248) and payload_length
# (0x24c) locate the compressed vmlinux in it, whose last 4 bytes are its
# uncompressed size (not part of the stream).
unpack_vmlinux() {
	z=$1 out=$2
	setup=$(od -An -tu1 -j 497 -N 1 "$z" | tr -d ' ')
	off=$(od -An -tu4 -j 584 -N 4 "$z" | tr -d ' ')
	len=$(od -An -tu4 -j 588 -N 4 "$z" | tr -d ' ')
	[ -n "$setup" ] && [ -n "$off" ] && [ -n "$len" ] && [ "$len" -gt 4 ] ||
	    return 1
	start=$(((setup + 1) * 512 + off + 1))
	magic=$(tail -c +"$start" "$z" | head -c 4 | od -An -tx1 | tr -d ' \n')
	case $magic in
	fd377a58) dec="xz -dc" ;;
	28b52ffd) dec="zstd -dcq" ;;
	1f8b*) dec="gzip -dc" ;;
	5d0000*) dec="xz -dc --format=lzma" ;;
	02214c18) dec="lz4 -dc" ;;
	*) return 1 ;;
	esac
	command -v "${dec%% *}" >/dev/null 2>&1 || return 1
	tail -c +"$start" "$z" | head -c $((len - 4)) | $dec >"$out.tmp" 2>/dev/null &&
	    [ "$(head -c 4 "$out.tmp" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ] &&
	    mv "$out.tmp" "$out"
	status=$?
	rm -f "$out.tmp"
	return $status
}

# qemu enters an ELF kernel through its PVH note (Xen note type 18,
# XEN_ELFNOTE_PHYS32_ENTRY); without it the bzImage is booted.
has_pvh() {
	command -v readelf >/dev/null 2>&1 || return 0
	readelf -n "$1" 2>/dev/null | grep -q 'Xen.*(0x00000012)'
}

fetch_one() {
	rel=$1
	dir=$k/img/$rel
	[ -s "$dir/info" ] && return 0
	read -r _ suite pkg ver <<EOF
$(awk -v r="$rel" '$1 == r' "$k/catalogue")
EOF
	mkdir -p "$k/debs" "$dir" || exit 1
	deb=$k/debs/${pkg}_${ver}_amd64.deb
	if [ ! -s "$deb" ]; then
		echo "$prog: downloading $pkg $ver ($suite)" >&2
		(cd "$k/debs" && apt-get -q download "$pkg=$ver" \
		    >"$apt/log/download-$rel.log" 2>&1) ||
		    die "apt-get download $pkg=$ver failed (see $apt/log/download-$rel.log; $prog -u refreshes the lists)"
	fi
	# Only the image is unpacked: /boot/vmlinuz-ABI, or from 7.2
	# usr/lib/modules/ABI/vmlinuz.
	rm -rf "$dir/x"
	mkdir -p "$dir/x"
	dpkg-deb --fsys-tarfile "$deb" | tar -xf - -C "$dir/x" --wildcards \
	    './boot/vmlinuz-*' './usr/lib/modules/*/vmlinuz' 2>/dev/null
	z=$(find "$dir/x" -type f -name 'vmlinuz*' | head -n 1)
	[ -n "$z" ] || die "$deb holds no vmlinuz"
	mv "$z" "$dir/vmlinuz"
	rm -rf "$dir/x"
	if unpack_vmlinux "$dir/vmlinuz" "$dir/vmlinux" && has_pvh "$dir/vmlinux"; then
		boot=vmlinux
		rm -f "$dir/vmlinuz"
	else
		rm -f "$dir/vmlinux"
		boot=vmlinuz
	fi
	printf 'release %s\nseries %s\nsuite %s\npackage %s\nversion %s\nboot %s\n' \
	    "$rel" "$(series "$rel")" "$suite" "$pkg" "$ver" "$boot" >"$dir/info"
}

setup_apt
catalogue >"$k/catalogue.tmp" && mv "$k/catalogue.tmp" "$k/catalogue"
[ -s "$k/catalogue" ] || die "no amd64 kernel images in $SUITES"
if [ "$list" -eq 1 ]; then
	cat "$k/catalogue"
	exit 0
fi
chosen=$(choose "$k/catalogue" "$@") || exit 1
for rel in $chosen; do
	fetch_one "$rel"
done
echo "$chosen"
