/*
 * # 6. socketpair and fork: a full-duplex pipe made of sockets
 *
 * `socketpair(AF_UNIX, type, 0, sv)` gives two sockets already connected
 * to each other, with no name anywhere: nothing in the filesystem, nothing
 * to bind, nothing to clean up.  Forked, it is the classic way for a parent
 * and a child to talk: like `pipe(2)`, but both ends read *and* write.
 *
 * This lesson shows:
 *
 * - the pair is **unnamed**: `getsockname` returns only the family;
 * - the pair is **full duplex**: the parent says "ping", the child answers
 *   "pong" on the very same descriptors;
 * - **EOF needs every copy of the other end closed**: after `fork` both
 *   processes hold both ends; an end left open in the wrong process means
 *   the reader never sees end of file (it sees `EAGAIN` instead, here);
 * - **stream and datagram pairs differ**: a stream pair merges two writes
 *   into one read; a datagram pair keeps each message apart, and when its
 *   peer closes there is no end of file, only nothing to read.
 *
 * Run: `./06-socketpair` (no arguments).
 *
 * Read next: 07-abstract (names without files), 10-scm-rights (sending a
 * descriptor over a pair like this one).
 *
 * Keys: addr.getsockname_unbound_len, cre.socketpair_dgram,
 * cre.socketpair_seqpacket
 *
 * Portability: everything here is POSIX and behaves the same on the BSDs
 * and macOS, except the length `getsockname` returns for an unnamed
 * socket: 2 (`sizeof(sa_family_t)`) on Linux, 16 on FreeBSD, OpenBSD and
 * macOS, which return an empty `struct sockaddr`.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <err.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lesson.h"

/*
 * Send a short message.  Narrated before the call, so that the line
 * comes before the other process's answer.
 */
static void
tell(const char *who, int fd, const char *msg)
{

	say("%s: send(fd %d, \"%s\")", who, fd, msg);
	if (send(fd, msg, strlen(msg), 0) != (ssize_t)strlen(msg))
		err(1, "%s: send", who);
}

/* Receive what is there; -1 with errno set when there is nothing. */
static ssize_t
hear(const char *who, int fd, char *buf, size_t size, int flags)
{
	ssize_t n;
	int e;

	n = recv(fd, buf, size - 1, flags);
	e = errno;
	if (n >= 0) {
		buf[n] = '\0';
		say("%s: recv(fd %d%s) -> %zd \"%s\"%s", who, fd,
		    flags & MSG_DONTWAIT ? ", MSG_DONTWAIT" : "", n, buf,
		    n == 0 ? "  (end of file)" : "");
	} else
		say("%s: recv(fd %d%s) -> -1 %s", who, fd,
		    flags & MSG_DONTWAIT ? ", MSG_DONTWAIT" : "", errname(e));
	errno = e;
	return (n);
}

/*
 * ## Stream or datagram: where the message boundaries go
 *
 * Two sends, "a" then "bc", then one receive with room for both.  The
 * stream pair is a byte stream: the receive may return all three bytes
 * at once.  The datagram pair delivers one message per receive, so "a"
 * comes alone.  A `SOCK_SEQPACKET` pair would keep the boundaries too,
 * *and* report end of file like a stream.
 */
static ssize_t
boundaries(int type, const char *name)
{
	char buf[16];
	ssize_t first;
	int sv[2];

	if (socketpair(AF_UNIX, type, 0, sv) == -1)
		err(1, "socketpair %s", name);
	say("%s pair: fds %d and %d", name, sv[0], sv[1]);
	tell(name, sv[0], "a");
	tell(name, sv[0], "bc");
	first = hear(name, sv[1], buf, sizeof(buf), 0);
	if (first == 1)
		(void)hear(name, sv[1], buf, sizeof(buf), 0);
	/*
	 * A datagram pair has no end of file: once the peer is closed there
	 * is simply nothing to receive, and sending to it fails (Linux says
	 * `ECONNREFUSED`).
	 */
	close(sv[0]);
	if (type == SOCK_DGRAM) {
		say("%s: closed fd %d, the peer", name, sv[0]);
		(void)hear(name, sv[1], buf, sizeof(buf), MSG_DONTWAIT);
		said("send(fd, \"d\", MSG_DONTWAIT)", send(sv[1], "d", 1,
		    MSG_DONTWAIT));
	}
	close(sv[1]);
	return (first);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_un sun;
	socklen_t len;
	char buf[64];
	pid_t pid;
	ssize_t n;
	int sv[2];

	if (argc > 1)
		errx(2, "usage: %s (takes no arguments)", argv[0]);

	/*
	 * ## The pair
	 *
	 * Both sockets exist only as descriptors.  Asking one for its name
	 * returns the family and nothing else: the socket is *unnamed*.
	 */
	if (said("socketpair(AF_UNIX, SOCK_STREAM, 0, sv)",
	    socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) == -1)
		err(1, "socketpair");
	say("sv[0] = fd %d, sv[1] = fd %d", sv[0], sv[1]);
	memset(&sun, 0, sizeof(sun));
	len = sizeof(sun);
	said("getsockname(sv[0])", getsockname(sv[0], (struct sockaddr *)&sun,
	    &len));
	say("  returned length %u (the family alone takes %zu), "
	    "sun_path[0] = %d", (unsigned)len,
	    offsetof(struct sockaddr_un, sun_path), sun.sun_path[0]);
	check(sun.sun_family == AF_UNIX && (len <=
	    offsetof(struct sockaddr_un, sun_path) || sun.sun_path[0] == '\0'),
	    "the pair is unnamed: getsockname gives length %u, no path",
	    (unsigned)len);

	/*
	 * ## fork: now both processes hold both ends
	 *
	 * The usual rule is that each side closes the end it does not use
	 * right after `fork`.  The child does so at once.  The parent, to
	 * show why the rule exists, keeps its copy of the child's end
	 * (`sv[1]`) open until the end.
	 */
	say("fork: the child will close sv[0] and use sv[1] (fd %d); the "
	    "parent uses sv[0] (fd %d)", sv[1], sv[0]);
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		close(sv[0]);
		check(hear("child", sv[1], buf, sizeof(buf), 0) > 0,
		    "the child heard the parent");
		tell("child", sv[1], "pong");
		close(sv[1]);
		lesson_child_exit();
	}

	/*
	 * Full duplex: the parent writes and reads on the same descriptor,
	 * and so does the child.  With pipes this would take two of them.
	 */
	tell("parent", sv[0], "ping");
	(void)hear("parent", sv[0], buf, sizeof(buf), 0);
	check(strcmp(buf, "pong") == 0, "full duplex: \"ping\" went one way "
	    "and \"pong\" came back on the same descriptors");
	lesson_child_wait(pid);
	say("parent: the child has exited, closing its copy of sv[1]");

	/*
	 * ## End of file, and the end left open by mistake
	 *
	 * The child is gone, so no one will ever write to `sv[1]` again,
	 * yet the parent's read does not report end of file: the parent
	 * itself still holds `sv[1]`.  A blocking `recv` would wait
	 * forever; with `MSG_DONTWAIT` it says `EAGAIN`, "nothing yet".
	 * Only when the last descriptor for the other end is closed does
	 * `recv` return 0.
	 */
	n = hear("parent", sv[0], buf, sizeof(buf), MSG_DONTWAIT);
	check(n == -1 && errno == EAGAIN, "with its own copy of sv[1] still "
	    "open, the parent gets %s, not end of file", n == -1 ?
	    errname(errno) : "data");
	said("parent: close(sv[1])", close(sv[1]));
	n = hear("parent", sv[0], buf, sizeof(buf), MSG_DONTWAIT);
	check(n == 0, "once every copy of sv[1] is closed, recv returns 0: "
	    "end of file");
	close(sv[0]);

	n = boundaries(SOCK_STREAM, "stream");
	check(n == 3, "stream pair: the two sends came back as one read "
	    "of %zd bytes", n);
	n = boundaries(SOCK_DGRAM, "dgram");
	check(n == 1, "datagram pair: the first read returned the first "
	    "message only (%zd byte)", n);

	lesson_exit();
}
