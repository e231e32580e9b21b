/*
 * # 7. The abstract namespace (Linux)
 *
 * On Linux, a `sun_path` that starts with a NUL byte is not a path at all:
 * it names a socket in the **abstract namespace**, a table kept by the
 * kernel.  Tools print such a name with `@` in place of the NUL
 * (`ss -xl`, `/proc/net/unix`).
 *
 * This lesson shows:
 *
 * - the name is the bytes after the NUL **up to `addrlen`**: no
 *   terminating NUL, and a different length is a different name;
 * - there is no file: nothing to `unlink`, no mode bits, and so **no
 *   permission checks** (any user may connect);
 * - the name **vanishes with the socket**: bind again right after close;
 * - the namespace belongs to the **network namespace**: a process in
 *   another one cannot see the name;
 * - what a BSD does with the same address (when run there).
 *
 * Run: `./07-abstract` (no arguments), or for experiments, in two
 * terminals, perhaps as two users or with `unshare -rn` on one side:
 *
 *     ./07-abstract server NAME      (waits up to 60 s for one client)
 *     ./07-abstract client NAME
 *
 * Read next: 08-autobind (names the kernel makes up).
 *
 * Keys: abs.bind, abs.no_node, abs.trailing_nul_distinct,
 * abs.no_permission_check, abs.released_on_close, addr.empty_path
 *
 * Portability: Linux only (Microsoft documents abstract names for Windows'
 * AF_UNIX too).  The BSDs and macOS take `sun_path` as a path name
 * (FreeBSD's `uipc_bindat`, OpenBSD's `unp_nam2sun`, the `unp_bind` of
 * DragonFly and macOS): the leading NUL makes it the empty path, and the
 * lookup of an empty path fails (POSIX: `ENOENT`).  When run there, this
 * lesson shows the error instead.
 */
#ifdef __linux__
#define _GNU_SOURCE		/* unshare(2) */
#include <sched.h>
#endif
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <err.h>
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lesson.h"

/*
 * ## Filling an abstract address
 *
 * `sun_path[0]` is the NUL; the name follows, and the length returned is
 * the one to pass to `bind` and `connect`: family, NUL, name, and no
 * terminating NUL.  `sizeof(struct sockaddr_un)` would be wrong here:
 * the zeros after the name would become part of it.
 */
static socklen_t
abstract_fill(struct sockaddr_un *sun, const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len >= sizeof(sun->sun_path))
		errx(2, "abstract name of %zu bytes: it must have 1 to %zu "
		    "bytes", len, sizeof(sun->sun_path) - 1);
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path + 1, name, len);
	return ((socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len));
}

#ifdef __linux__
/* Try to connect; return 0 or the errno. */
static int
try_connect(const char *who, const struct sockaddr_un *sun, socklen_t len)
{
	char what[80];
	int fd, rc;

	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	snprintf(what, sizeof(what), "%s: connect(@%s, addrlen %u)", who,
	    sun->sun_path + 1, (unsigned)len);
	rc = (int)said(what, connect(fd, (const struct sockaddr *)sun, len));
	rc = rc == -1 ? errno : 0;
	close(fd);
	return (rc);
}

/* Experiment modes: one server, one client, same abstract name. */
static void
mode(const char *m, const char *name)
{
	struct sockaddr_un sun;
	struct pollfd pfd;
	socklen_t len = abstract_fill(&sun, name);
	char buf[64];
	ssize_t n;
	int fd, c;

	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	if (strcmp(m, "client") == 0) {
		n = snprintf(buf, sizeof(buf), "hello from uid %ld",
		    (long)getuid());
		if (connect(fd, (struct sockaddr *)&sun, len) == -1 ||
		    write(fd, buf, (size_t)n) != n)
			err(1, "connect/write @%s (%s)", name, errname(errno));
		say("sent \"%s\" to @%s", buf, name);
	} else {
		if (bind(fd, (struct sockaddr *)&sun, len) == -1 ||
		    listen(fd, 1) == -1)
			err(1, "bind/listen @%s (%s)", name, errname(errno));
		say("listening on @%s (addrlen %u) for 60 s", name,
		    (unsigned)len);
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 60000) != 1)
			errx(1, "no client came within 60 s");
		if ((c = accept(fd, NULL, NULL)) == -1 ||
		    (n = read(c, buf, sizeof(buf) - 1)) < 0)
			err(1, "accept/read");
		buf[n] = '\0';
		say("a client said: \"%s\"", buf);
		close(c);
	}
	close(fd);
}
#endif

int
main(int argc, char *argv[])
{
	struct sockaddr_un sun;
	socklen_t len;
	char name[64];
	int lfd;

	if (argc == 3 && (strcmp(argv[1], "server") == 0 ||
	    strcmp(argv[1], "client") == 0)) {
#ifdef __linux__
		mode(argv[1], argv[2]);
		return (0);
#else
		errx(1, "there are no abstract names on this system");
#endif
	}
	if (argc != 1)
		errx(2, "usage: %s [server NAME | client NAME]", argv[0]);

	/* The pid keeps runs in parallel from sharing a name. */
	snprintf(name, sizeof(name), "afunix-07-%ld", (long)getpid());
	len = abstract_fill(&sun, name);
	if ((lfd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	say("bind(\"\\0%s\", addrlen %u = %zu + 1 NUL + %zu name bytes)",
	    name, (unsigned)len, offsetof(struct sockaddr_un, sun_path),
	    strlen(name));
#ifndef __linux__
	/*
	 * ## Elsewhere: the same bytes are an empty path
	 *
	 * The BSDs and macOS treat `sun_path` as a path name, so the
	 * leading NUL ends it at once.  Binding the empty path fails.
	 */
	check(said("bind", bind(lfd, (struct sockaddr *)&sun, len)) == -1,
	    "no abstract namespace here: the bind failed (if it did not, "
	    "this system may have gained abstract names)");
	close(lfd);
	lesson_exit();
#else
	struct sockaddr_un got;
	socklen_t glen;
	pid_t pid;
	int fd;

	check(said("bind", bind(lfd, (struct sockaddr *)&sun, len)) == 0,
	    "the abstract name is bound: no directory involved, no file made");
	if (listen(lfd, 8) == -1)
		err(1, "listen");

	/*
	 * `ss -xl` would list it as `@afunix-07-...`, with no file behind
	 * it.  `getsockname` hands back exactly the bytes bound: the
	 * length is part of the name.
	 */
	glen = sizeof(got);
	said("getsockname", getsockname(lfd, (struct sockaddr *)&got, &glen));
	check(glen == len && memcmp(&got, &sun, len) == 0,
	    "getsockname returns the same %u bytes", (unsigned)glen);

	/*
	 * ## The length is part of the name
	 *
	 * Connecting with `sizeof(struct sockaddr_un)` (a common habit from
	 * pathname sockets) asks for "\0name\0\0\0...": another name, and no
	 * one listens there.
	 */
	check(try_connect("parent", &sun, sizeof(sun)) == ECONNREFUSED,
	    "addrlen %zu names a different socket: ECONNREFUSED", sizeof(sun));
	check(try_connect("parent", &sun, len) == 0,
	    "addrlen %u reaches the listener", (unsigned)len);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	check(said("second bind of the same name", bind(fd,
	    (struct sockaddr *)&sun, len)) == -1 && errno == EADDRINUSE,
	    "while the first socket lives, the name is taken: EADDRINUSE");

	/*
	 * ## No permissions, and the network namespace
	 *
	 * A child becomes another user (when we are root), then connects:
	 * there is no file whose mode could stop it.  Then it moves into a
	 * new network namespace (a user namespace too, so that no
	 * privilege is needed) and tries again with a new socket: the name
	 * is not there.  A socket belongs to the namespace it was made in.
	 */
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		uid_t owner, now;

		close(lfd);
		close(fd);
		owner = getuid();
		now = lesson_unprivileged();
		say("child: uid %ld; the listener belongs to uid %ld%s",
		    (long)now, (long)owner, now == owner ? " (run as root to "
		    "see another user connect)" : "");
		check(try_connect("child", &sun, len) == 0, "any user may "
		    "connect: no permission checks on abstract names");
		if (said("child: unshare(CLONE_NEWUSER | CLONE_NEWNET)",
		    unshare(CLONE_NEWUSER | CLONE_NEWNET)) == 0)
			check(try_connect("child", &sun, len) == ECONNREFUSED,
			    "in another network namespace the name does not "
			    "exist: ECONNREFUSED");
		else
			say("child: no namespace to try this in here; skipped");
		lesson_child_exit();
	}
	lesson_child_wait(pid);

	/*
	 * ## The name vanishes with the socket
	 *
	 * Closing the listener frees the name at once: nothing to unlink,
	 * and no stale file to trip over the next start.
	 */
	said("close(listener)", close(lfd));
	check(said("bind on the other socket", bind(fd,
	    (struct sockaddr *)&sun, len)) == 0,
	    "after close the name was free again");
	close(fd);
	lesson_exit();
#endif
}
