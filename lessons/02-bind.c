/*
 * # 2. bind: a socket gets a name in the filesystem
 *
 * `bind` gives a UNIX domain socket a pathname, and it does so by
 * creating a file: a node of type socket (`S_IFSOCK`, shown by `ls -l` as
 * `s`).  Clients find the socket through that file, with the same lookup
 * rules as for any other file.
 *
 * This lesson shows:
 *
 * - bind **creates the node**, with mode `0777 & ~umask`;
 * - **one name per socket**: a second bind of a bound socket fails with
 *   `EINVAL` (and with `EADDRINUSE` if the second name is taken, since
 *   that is checked first);
 * - **relative names** are looked up from the caller's working directory
 *   *at the time of the call*, and are kept as given: `getsockname`
 *   returns them unresolved;
 * - **what the directory must allow**: the directories of the path must
 *   exist (`ENOENT`), be directories (`ENOTDIR`), be searchable, and the
 *   last one must be writable (`EACCES`), exactly as for creating a file;
 * - **the file outlives the socket**: close the socket and the name stays,
 *   leading nowhere (`ECONNREFUSED`) until someone unlinks it.
 *
 * Run: `./02-bind` (the lesson, checked), or `./02-bind PATH` to bind
 * PATH yourself, see the node, close the socket, see the node stay; it is
 * then removed.  Run as root, the lesson shows the directory permission in
 * a child that becomes `nobody`.
 *
 * Read next: 03-stale (what to do about a name that is already there).
 *
 * Keys: bind.creates_socket_node, addr.relative_path_returned,
 * bind.rebind, bind.dir_not_writable, bind.node_outlives_socket
 *
 * Portability: the same on the BSDs and macOS: bind fails with
 * `EADDRINUSE` on any existing file, `EINVAL` on a second bind, and
 * applies the umask.  A connect to the name of a closed socket is
 * `ECONNREFUSED` everywhere (`EDESTADDRREQ` for datagram sockets on
 * illumos).
 */
#define _DEFAULT_SOURCE		/* setgroups(2) in lesson_unprivileged() */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lesson.h"

/* bind(fd, path), narrated; bind's result with its errno. */
static int
bind_to(int fd, const char *path)
{
	struct sockaddr_un sun;
	socklen_t len = sun_fill(&sun, path);
	char call[160];

	snprintf(call, sizeof(call), "bind(fd %d, \"%s\")", fd, path);
	return ((int)said(call, bind(fd, (struct sockaddr *)&sun, len)));
}

static int
new_socket(void)
{
	int fd;

	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	return (fd);
}

/* A fresh socket's connect to path, narrated; the socket is closed. */
static int
try_connect(const char *path)
{
	struct sockaddr_un sun;
	socklen_t len = sun_fill(&sun, path);
	char call[300];
	int fd = new_socket(), rc, e;

	snprintf(call, sizeof(call), "connect(\"%s\")", path);
	rc = (int)said(call, connect(fd, (struct sockaddr *)&sun, len));
	e = errno;
	close(fd);
	errno = e;
	return (rc);
}

/* `./02-bind PATH`: bind, look, close, look again, clean up. */
static int
bind_path(const char *path)
{
	int fd = new_socket();

	if (bind_to(fd, path) == -1)
		err(1, "cannot bind %s", path);
	say_node(path);
	said("close(fd)", close(fd));
	say_node(path);
	said("unlink(path): the name is removed by hand", unlink(path));
	return (0);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_un back;
	socklen_t blen = sizeof(back);
	char abspath[300];
	const char *dir;
	mode_t mode;
	pid_t pid;
	int fd, fd2, rc;

	if (argc > 2) {
		fprintf(stderr, "usage: 02-bind [path]\n");
		return (2);
	}
	if (argc == 2)
		return (bind_path(argv[1]));
	dir = workdir_enter();

	/*
	 * ## bind makes a file
	 *
	 * The umask is set here because the mode of the new node depends on
	 * it, as for `open(O_CREAT)` or `mkdir`.
	 */
	umask(022);
	say("umask(022)");
	fd = new_socket();
	rc = bind_to(fd, "first.sock");
	mode = say_node("first.sock");
	check(rc == 0 && S_ISSOCK(mode), "bind created a node of type socket");
	check((mode & 07777) == 0755, "mode 0777 & ~022 = 0755");

	/*
	 * ## One name per socket
	 *
	 * A socket has at most one address for its whole life.  Linux
	 * looks the new name up first, so a taken name gives `EADDRINUSE`
	 * even here; a free one gives `EINVAL` and is not left behind.
	 */
	rc = bind_to(fd, "second.sock");
	check(rc == -1 && errno == EINVAL, "a bound socket cannot bind again: "
	    "EINVAL");
	check(say_node("second.sock") == 0, "no second node was left behind");
	rc = bind_to(fd, "first.sock");
	check(rc == -1 && errno == EADDRINUSE, "its own name again: "
	    "EADDRINUSE (the name is taken)");

	/*
	 * ## Relative and absolute names
	 *
	 * The kernel stores the name as it was given.  A client in another
	 * directory that uses the same relative name looks somewhere else.
	 */
	if (listen(fd, 4) == -1)
		err(1, "listen");
	said("getsockname(fd)", getsockname(fd, (struct sockaddr *)&back,
	    &blen));
	say("  -> \"%.*s\": relative, as given", (int)strnlen(back.sun_path,
	    sizeof(back.sun_path)), back.sun_path);
	if (mkdir("elsewhere", 0700) == -1 || chdir("elsewhere") == -1)
		err(1, "elsewhere");
	say("chdir(\"elsewhere\")");
	rc = try_connect("first.sock");
	check(rc == -1 && errno == ENOENT, "from elsewhere/, \"first.sock\" "
	    "is elsewhere/first.sock: ENOENT");
	check(try_connect("../first.sock") == 0, "\"../first.sock\" reaches "
	    "it");
	if (snprintf(abspath, sizeof(abspath), "%s/first.sock", dir) <
	    (int)sizeof(back.sun_path))
		check(try_connect(abspath) == 0, "so does the absolute name");
	else
		say("(the absolute name does not fit in sun_path here: %s)",
		    abspath);
	if (chdir("..") == -1 || rmdir("elsewhere") == -1)
		err(1, "elsewhere");

	/*
	 * ## What the directory must allow
	 *
	 * Creating the node is creating a file.  For the permission case a
	 * child enters `ro/` (mode 0555: search, no write) *before* it gives
	 * up root, because the lesson's directory is private (0700) to the
	 * user who runs it; then it binds a relative name there.  Root itself
	 * is not held back by the mode (`CAP_DAC_OVERRIDE`).
	 */
	fd2 = new_socket();
	rc = bind_to(fd2, "missing/x.sock");
	check(rc == -1 && errno == ENOENT, "no such directory: ENOENT");
	rc = bind_to(fd2, "first.sock/x.sock");
	check(rc == -1 && errno == ENOTDIR, "a socket is no directory: "
	    "ENOTDIR");
	if (mkdir("ro", 0555) == -1)
		err(1, "mkdir ro");
	say_node("ro");
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		if (chdir("ro") == -1)
			err(1, "chdir ro");
		say("child: uid %u, in ro/", (unsigned)lesson_unprivileged());
		rc = bind_to(fd2, "x.sock");
		check(rc == -1 && errno == EACCES, "no write permission on the "
		    "directory: EACCES");
		close(fd2);
		close(fd);
		lesson_child_exit();
	}
	lesson_child_wait(pid);
	if (geteuid() == 0) {
		check(bind_to(fd2, "ro/x.sock") == 0, "root binds there all the "
		    "same");
		said("unlink(\"ro/x.sock\")", unlink("ro/x.sock"));
	}
	close(fd2);
	said("rmdir(\"ro\")", rmdir("ro"));

	/*
	 * ## The file outlives the socket
	 *
	 * Closing the last descriptor frees the socket, not the name.  What
	 * is left is a *stale* socket file: it still blocks a bind (lesson 3)
	 * and leads nowhere.  Only `unlink` removes it (lesson 4).
	 */
	said("close(fd)", close(fd));
	mode = say_node("first.sock");
	rc = try_connect("first.sock");
	check(S_ISSOCK(mode) && rc == -1 && errno == ECONNREFUSED, "the node "
	    "stays; nobody is behind it: ECONNREFUSED");
	said("unlink(\"first.sock\")", unlink("first.sock"));
	check(say_node("first.sock") == 0, "now the name is gone");
	lesson_exit();
}
