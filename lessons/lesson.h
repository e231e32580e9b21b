/*
 * lesson.h: the few helpers every afunix lesson shares, so that each
 * lesson's own lines are about sockets.  Header-only: a lesson builds on
 * its own with "cc -I../tools NN-name.c".
 *
 *	say()		narrate a step
 *	said()		report a call's result: "-> 0" or "-> -1 EADDRINUSE (...)"
 *	check()		state what the lesson expects to see; a miss is counted
 *	lesson_exit()	exit 0 only if every check held
 *	workdir_enter()	a private 0700 directory to put sockets in; removed
 *			again, with everything in it, when the lesson exits
 *	sun_fill()	a sockaddr_un for a path, refusing paths that do not fit
 *	say_node()	narrate what lstat finds at a path: type and mode, or errno
 *	lesson_child_exit(), lesson_child_wait()
 *			a forked child's misses count in the parent's verdict
 *	lesson_unprivileged()
 *			in a child: as root, become "nobody" so permission
 *			checks apply (needs _DEFAULT_SOURCE on glibc)
 */
#ifndef AFUNIX_LESSON_H
#define AFUNIX_LESSON_H

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errname.h"

static int lesson_misses;
static char lesson_dir[256];
static pid_t lesson_owner;

static inline void __attribute__((__format__(__printf__, 1, 2)))
say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* Report what a call returned; errno is read before anything else. */
static inline long
said(const char *call, long rc)
{
	int err = errno;

	if (rc == -1)
		say("  %s -> -1 %s (%s)", call, errname(err), strerror(err));
	else
		say("  %s -> %ld", call, rc);
	errno = err;
	return (rc);
}

static inline void __attribute__((__format__(__printf__, 2, 3)))
check(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("  %s ", ok ? "[ok]  " : "[MISS]");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (!ok)
		lesson_misses++;
}

static inline void __attribute__((__noreturn__))
lesson_exit(void)
{

	if (lesson_misses > 0) {
		say("%d check(s) missed: this system did not behave as the "
		    "lesson expects.", lesson_misses);
		exit(1);
	}
	exit(0);
}

/* Remove the private directory and what the lesson left in it. */
static inline void
workdir_remove(void)
{
	struct dirent *de;
	DIR *d;
	char path[512];

	if (lesson_dir[0] == '\0' || getpid() != lesson_owner)
		return;
	if ((d = opendir(lesson_dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", lesson_dir,
			    de->d_name);
			if (unlink(path) == -1 && rmdir(path) == -1)
				warn("cannot remove %s", path);
		}
		closedir(d);
	}
	if (rmdir(lesson_dir) == -1)
		warn("cannot remove %s", lesson_dir);
	lesson_dir[0] = '\0';
}

/*
 * Make a private directory (mode 0700, from mkdtemp) and work inside it:
 * nobody else can reach a socket there, and the relative names used from
 * then on stay far below the sun_path limit.
 */
static inline const char *
workdir_enter(void)
{
	const char *tmp = getenv("TMPDIR");

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	if (snprintf(lesson_dir, sizeof(lesson_dir), "%s/afunix.XXXXXX",
	    tmp) >= (int)sizeof(lesson_dir))
		errx(1, "TMPDIR is too long: %s", tmp);
	if (mkdtemp(lesson_dir) == NULL)
		err(1, "mkdtemp %s", lesson_dir);
	lesson_owner = getpid();
	atexit(workdir_remove);
	if (chdir(lesson_dir) == -1)
		err(1, "chdir %s", lesson_dir);
	return (lesson_dir);
}

/*
 * Fill *sun for path and return the address length to pass to bind or
 * connect.  A path that does not fit is refused: copying it cut short
 * would bind or reach a different name.
 */
static inline socklen_t
sun_fill(struct sockaddr_un *sun, const char *path)
{
	size_t len = strlen(path);

	if (len == 0)
		errx(2, "empty socket path");
	if (len >= sizeof(sun->sun_path))
		errx(2, "socket path of %zu bytes does not fit: sun_path "
		    "holds %zu bytes with its NUL", len, sizeof(sun->sun_path));
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, path, len + 1);
	return ((socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1));
}

/*
 * Narrate what lstat finds at path and return its st_mode, or 0 with
 * errno set when there is nothing there.
 */
static inline mode_t
say_node(const char *path)
{
	struct stat st;
	const char *type;
	int err;

	if (lstat(path, &st) == -1) {
		err = errno;
		say("  lstat(\"%s\") -> -1 %s", path, errname(err));
		errno = err;
		return (0);
	}
	type = S_ISSOCK(st.st_mode) ? "socket" : S_ISREG(st.st_mode) ?
	    "regular file" : S_ISDIR(st.st_mode) ? "directory" : "other";
	say("  lstat(\"%s\") -> %s, mode %04o, owner uid %u", path, type,
	    (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid);
	return (st.st_mode);
}

/* End a forked child: its verdict is its exit status. */
static inline void __attribute__((__noreturn__))
lesson_child_exit(void)
{

	fflush(stdout);
	_exit(lesson_misses > 0 ? 1 : 0);
}

/* Wait for a child; a child that missed a check, or died, is a miss. */
static inline void
lesson_child_wait(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			err(1, "waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		say("  child %ld did not see what it expected", (long)pid);
		lesson_misses++;
	}
}

#if defined(_DEFAULT_SOURCE) || defined(_GNU_SOURCE) || !defined(_POSIX_C_SOURCE)
/*
 * Only in a forked child (there is no way back): as root, become the user
 * "nobody" (uid 65534 if there is no such entry) with no supplementary
 * groups, so root's group cannot open a door either, and the file
 * permission checks apply.  Anyone else stays who they are.  Returns the
 * uid now in effect.  setgroups(2) is BSD and Linux, not POSIX: glibc
 * declares it only with _DEFAULT_SOURCE.
 */
static inline uid_t
lesson_unprivileged(void)
{
	struct passwd *pw;
	uid_t uid = 65534;
	gid_t gid = 65534;

	if (geteuid() != 0)
		return (geteuid());
	if ((pw = getpwnam("nobody")) != NULL) {
		uid = pw->pw_uid;
		gid = pw->pw_gid;
	}
	if (setgroups(1, &gid) == -1 || setgid(gid) == -1 ||
	    setuid(uid) == -1)
		err(1, "cannot give up root for uid %u", (unsigned)uid);
	return (uid);
}
#endif

#endif
