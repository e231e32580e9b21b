/*
 * # 5. Permissions: who may connect
 *
 * A pathname socket is guarded like a file.  To connect, a process needs
 * **write** permission on the socket file and **search** (x) permission
 * on every directory it walks through to reach it.  The mode of the file
 * is decided when `bind` creates it.
 *
 * This lesson shows:
 *
 * - the mode comes from the **umask at bind time**: `0777 & ~umask`;
 * - on Linux, **`fchmod` on the socket before `bind`** sets the mode the
 *   file is created with (then `& ~umask`), leaving no moment in which the
 *   file is more open than meant; a `chmod` after `bind` leaves one;
 * - a socket file with no write permission (0555) refuses a connect with
 *   `EACCES`, **even for its owner**;
 * - a directory without search permission (0666) hides a 0777 socket
 *   inside it: `EACCES`;
 * - the **private directory**: a socket in a 0700 directory is reachable
 *   by that directory's owner only, whatever the socket's own mode.  This
 *   is the portable way to restrict a socket;
 * - **root passes every one of these checks**.
 *
 * The connects run in a child.  Run as root, the child becomes `nobody`
 * first (with no supplementary groups), so the "other" bits apply to it.
 * Run as anyone else, the child stays that user, who owns every file
 * here: the owner's bits apply, so the 0555 socket and the 0666 directory
 * still refuse it, but the private directory, being its own, lets it in.
 *
 * Run: `./05-permissions` (the lesson, checked), or
 * `./05-permissions client PATH` to see what a connect to PATH meets; try
 * it as another user against `./04-unlink server PATH`.
 *
 * Read next: 06-socketpair.
 *
 * Keys: perm.connect_no_write, perm.dir_not_searchable,
 * perm.umask_at_bind, bind.fchmod_before_bind, perm.root_bypass_socket
 *
 * Portability: POSIX says nothing about the permissions of a socket
 * file.  Linux, the BSDs and macOS check write permission on it; illumos
 * asks for read and write; some older BSDs ignored it, and unix(7) warns
 * that "portable programs should not rely on this feature for security".
 * The private directory works on every system.  `fchmod` before `bind` is
 * Linux behaviour; elsewhere it is new (FreeBSD's 2025 sources) or
 * missing: the key `bind.fchmod_before_bind` in platforms/ says what is
 * known for each system.
 */
#define _DEFAULT_SOURCE		/* setgroups(2) in lesson_unprivileged() */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lesson.h"

/* socket, bind, listen, narrated; the socket's mode can be set first. */
static int
listen_on(const char *path, int premode)
{
	struct sockaddr_un sun;
	socklen_t len = sun_fill(&sun, path);
	char call[160];
	int fd;

	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	snprintf(call, sizeof(call), "fchmod(fd, %04o) before bind",
	    (unsigned)premode);
	if (premode != -1)
		said(call, fchmod(fd, (mode_t)premode));
	snprintf(call, sizeof(call), "bind(\"%s\")", path);
	if (said(call, bind(fd, (struct sockaddr *)&sun, len)) == -1 ||
	    listen(fd, 8) == -1)
		err(1, "cannot bind %s", path);
	return (fd);
}

/* A connect from a fresh non-blocking socket, narrated and closed. */
static int
try_connect(const char *who, const char *path)
{
	struct sockaddr_un sun;
	socklen_t len = sun_fill(&sun, path);
	char call[300];
	int fd, rc, e;

	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    fcntl(fd, F_SETFL, O_NONBLOCK) == -1)
		err(1, "socket");
	snprintf(call, sizeof(call), "%s: connect(\"%s\")", who, path);
	rc = (int)said(call, connect(fd, (struct sockaddr *)&sun, len));
	e = errno;
	close(fd);
	errno = e;
	return (rc);
}

/* The subdirectories are the lesson's to empty, even after an error. */
static void
tidy(void)
{

	if (getpid() != lesson_owner)
		return;
	(void)chmod("nosearch", 0700);
	(void)unlink("nosearch/s.sock");
	(void)unlink("private/s.sock");
	(void)rmdir("nosearch");
	(void)rmdir("private");
}

int
main(int argc, char *argv[])
{
	const char *dir;
	uid_t owner, uid;
	mode_t mode;
	pid_t pid;
	int fd[6], i, rc;

	if (argc == 3 && strcmp(argv[1], "client") == 0) {
		if (try_connect("client", argv[2]) == -1)
			err(1, "connect %s", argv[2]);
		return (0);
	}
	if (argc != 1) {
		fprintf(stderr, "usage: 05-permissions [client PATH]\n");
		return (2);
	}
	dir = workdir_enter();
	if (atexit(tidy) != 0)
		err(1, "atexit");
	owner = geteuid();

	/*
	 * ## The mode comes from the umask
	 *
	 * The umask is per process, so changing it around `bind` also
	 * changes it for every other thread's files at that moment.
	 */
	umask(077);
	say("umask(077)");
	fd[0] = listen_on("u077.sock", -1);
	check((say_node("u077.sock") & 07777) == 0700, "0777 & ~077 = 0700");
	umask(0);
	say("umask(0)");
	fd[1] = listen_on("open.sock", -1);
	check((say_node("open.sock") & 07777) == 0777, "0777 & ~0 = 0777");

	/*
	 * ## fchmod before bind
	 *
	 * Why not `chmod` after `bind`?  In between, the file has the
	 * umask's mode, and a client quick enough connects; permission is
	 * checked only at connect, so that connection stays.
	 */
	fd[2] = listen_on("fchmod.sock", 0600);
	mode = say_node("fchmod.sock");
#ifdef __linux__
	check((mode & 07777) == 0600, "Linux creates the file with the "
	    "socket's mode: 0600");
#else
	say("(mode %04o here; Linux would give 0600)", (unsigned)mode & 07777);
#endif

	/*
	 * ## Setting the stage
	 *
	 * The child will start its lookups from the lesson's directory, its
	 * working directory, so that directory must let it pass (0711:
	 * search, no listing); the directories above are not walked for a
	 * relative name.
	 */
	fd[3] = listen_on("ro.sock", -1);
	said("chmod(\"ro.sock\", 0555)", chmod("ro.sock", 0555));
	if (mkdir("nosearch", 0777) == -1 || mkdir("private", 0700) == -1)
		err(1, "mkdir");
	fd[4] = listen_on("nosearch/s.sock", -1);
	said("chmod(\"nosearch\", 0666)", chmod("nosearch", 0666));
	fd[5] = listen_on("private/s.sock", -1);
	say_node("private");
	said("chmod(lesson directory, 0711)", chmod(dir, 0711));

	/* ## The checks, as another user (or as ourselves) */
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		for (i = 0; i < 6; i++)		/* the parent's listeners */
			close(fd[i]);
		uid = lesson_unprivileged();
		say("child: uid %u; the files belong to uid %u", (unsigned)uid,
		    (unsigned)owner);
		check(try_connect("child", "open.sock") == 0, "0777 socket: "
		    "anyone may connect");
		rc = try_connect("child", "ro.sock");
		check(rc == -1 && errno == EACCES, "0555 socket: no write "
		    "permission, EACCES%s", uid == owner ? " (even the owner)" :
		    "");
		rc = try_connect("child", "nosearch/s.sock");
		check(rc == -1 && errno == EACCES, "0777 socket in a 0666 "
		    "directory: no search permission, EACCES");
		rc = try_connect("child", "private/s.sock");
		if (uid != owner)
			check(rc == -1 && errno == EACCES, "0777 socket in "
			    "another user's 0700 directory: EACCES");
		else
			check(rc == 0, "0777 socket in our own 0700 directory: "
			    "the owner gets in");
		lesson_child_exit();
	}
	lesson_child_wait(pid);

	/* ## Root */
	if (owner == 0) {
		check(try_connect("root", "ro.sock") == 0 &&
		    try_connect("root", "nosearch/s.sock") == 0 &&
		    try_connect("root", "private/s.sock") == 0,
		    "root connects to all of them");
	} else
		say("not root: run as root to see root pass every check");
	for (i = 0; i < 6; i++)
		close(fd[i]);
	lesson_exit();
}
