# lib.sh: shell functions the tools share; sourced, never run.

# as_user user command: run the sh command as that user.  Linux's su
# takes the shell with -s, the BSDs' keeps ours with -m; which one works is
# found once, with "true", so that a command that fails is never run twice.
as_user() {
	if [ -z "${su_form:-}" ]; then
		if su "$1" -s /bin/sh -c true >/dev/null 2>&1; then
			su_form=s
		else
			su_form=m
		fi
	fi
	if [ "$su_form" = s ]; then
		su "$1" -s /bin/sh -c "$2"
	else
		SHELL=/bin/sh su -m "$1" -c "$2"
	fi
}

# copy_tree from to: copy the source tree at from into the directory to,
# less .git and _build (cp, not tar --exclude: OpenBSD's tar has none).
copy_tree() {
	for entry in "$1"/* "$1"/.[!.]*; do
		case ${entry##*/} in .git|_build|'.[!.]*') continue ;; esac
		cp -R "$entry" "$2/" || return 1
	done
}
