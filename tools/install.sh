#!/bin/sh
# install.sh: install afunix the way the system test suites are installed,
# or remove exactly what an install put there.
#
#	install.sh install | uninstall
#
# Environment: PREFIX (default /usr/local), DESTDIR (default empty).
#
#	PREFIX/tests/afunix/		Kyuafile, conformance/ programs and Kyuafile
#	PREFIX/share/afunix/platforms/	the platform data the tests read
#	PREFIX/share/afunix/lessons/	the lessons' sources
#	PREFIX/libexec/afunix/		the lessons, built
#	PREFIX/bin/afunix-expect	the data's command line
#	PREFIX/share/man/man7/		afunix(7), afunix-platforms(7), a page per lesson
#	PREFIX/share/afunix/MANIFEST	what was installed, for uninstall
#
# Then: kyua test -k PREFIX/tests/afunix/Kyuafile, from any directory.
set -u

prog=install.sh
top=$(cd "$(dirname "$0")/.." && pwd)
PREFIX=${PREFIX:-/usr/local}
DESTDIR=${DESTDIR:-}
root=$DESTDIR$PREFIX
manifest=$root/share/afunix/MANIFEST
die() { echo "$prog: $*" >&2; exit 1; }

case $PREFIX in
/*) ;;
*) die "PREFIX must be an absolute path: $PREFIX" ;;
esac

# Directories we create are recorded so that uninstall removes them again,
# and only them.
newdirs=
mkdirs() {	# mkdirs DIR-relative-to-root: each missing level, top down
	sofar=
	for part in $(echo "$1" | tr / ' '); do
		sofar=${sofar:+$sofar/}$part
		[ -d "$root/$sofar" ] && continue
		mkdir "$root/$sofar" || die "cannot create $root/$sofar"
		newdirs="$newdirs $sofar"
	done
}

files=
put() {	# put MODE SOURCE DEST-relative-to-root
	[ -f "$2" ] || die "$2 is missing: build first (make all docs)"
	mkdirs "$(dirname "$3")"
	cp "$2" "$root/$3.tmp" && chmod "$1" "$root/$3.tmp" &&
	    mv "$root/$3.tmp" "$root/$3" || die "cannot install $root/$3"
	files="$files $3"
}

put_text() {	# put_text MODE DEST-relative-to-root TEXT
	mkdirs "$(dirname "$2")"
	printf '%s\n' "$3" >"$root/$2.tmp" && chmod "$1" "$root/$2.tmp" &&
	    mv "$root/$2.tmp" "$root/$2" || die "cannot install $root/$2"
	files="$files $2"
}

do_install() {
	[ -f "$manifest" ] && die "$manifest exists: uninstall the earlier install first"
	mkdir -p "$root" || die "cannot create $root"
	put_text 444 tests/afunix/Kyuafile "syntax(2)

include('conformance/Kyuafile')"
	put 444 "$top/conformance/Kyuafile" tests/afunix/conformance/Kyuafile
	# shellcheck disable=SC2013  # program names are single words
	for t in $(sed -n "s/.*atf_test_program{name='\([^']*\)'.*/\1/p" \
	    "$top/conformance/Kyuafile"); do
		put 555 "$top/conformance/$t" "tests/afunix/conformance/$t"
	done
	for f in "$top"/platforms/*; do
		put 444 "$f" "share/afunix/platforms/$(basename "$f")"
	done
	put 555 "$top/tools/afunix-expect" bin/afunix-expect
	for src in "$top"/lessons/[0-9][0-9]-*.c; do
		[ -f "$src" ] || continue
		l=$(basename "$src" .c)
		put 555 "$top/lessons/$l" "libexec/afunix/$l"
		put 444 "$src" "share/afunix/lessons/$l.c"
	done
	put 444 "$top/lessons/lesson.h" share/afunix/lessons/lesson.h
	put 444 "$top/tools/errname.h" share/afunix/lessons/errname.h
	mandir=${AFUNIX_DOCSDIR:-$top/_build/docs}/man
	for m in "$mandir"/*.7; do
		[ -f "$m" ] || die "no man pages in $mandir: run make docs first"
		put 444 "$m" "share/man/man7/$(basename "$m")"
	done
	{
		echo "# afunix install manifest: f FILE, d DIRECTORY (made by the install)"
		for f in $files; do echo "f $f"; done
		echo "f share/afunix/MANIFEST"
		for d in $newdirs; do echo "d $d"; done
	} >"$manifest" || die "cannot write $manifest"
	echo "$prog: installed $(echo "$files" | wc -w | tr -d ' ') files under $root"
	echo "$prog: run the suite with: kyua test -k $root/tests/afunix/Kyuafile"
}

do_uninstall() {
	[ -f "$manifest" ] || die "no $manifest: nothing of afunix is installed under $root"
	list=$(cat "$manifest") || die "cannot read $manifest"
	n=0
	for path in $(echo "$list" | sed -n 's/^f //p'); do
		rm -f "$root/$path" || die "cannot remove $root/$path"
		n=$((n + 1))
	done
	# The directories the install made, deepest first, if now empty.
	for d in $(echo "$list" | sed -n 's/^d //p' | sort -r); do
		rmdir "$root/$d" 2>/dev/null || true
	done
	echo "$prog: removed $n files from $root"
}

case ${1:-} in
install) do_install ;;
uninstall) do_uninstall ;;
*) echo "usage: $prog install | uninstall   (PREFIX, DESTDIR from the environment)" >&2; exit 2 ;;
esac
