/*
 * # 12. Datagrams: messages, replies, truncation, size and a full receiver
 *
 * A `SOCK_DGRAM` socket sends *messages*: each `sendto` is one datagram,
 * and each receive returns one datagram, whole or cut short, never two
 * glued together.  There is no connection: a server binds a name and
 * receives from anyone who knows it; `recvfrom` says who sent each one.
 * Unlike UDP, a UNIX datagram never leaves the kernel, so nothing is
 * lost or reordered on the way: when the receiver cannot take more, the
 * *sender* is told.
 *
 * This lesson (one process, a server socket and a client socket) shows:
 *
 * - **boundaries**: three sends, three receives of 1, 2 and 3 bytes;
 * - **replies need a name**: a client that never bound arrives with no
 *   sender address, and the server cannot answer it; once the client
 *   binds a path (or, on Linux, autobinds: lesson 8) the answer comes;
 * - **truncation**: a buffer shorter than the datagram gets its first
 *   bytes and `MSG_TRUNC` in `msg_flags`; the rest is discarded.  On
 *   Linux (and FreeBSD) `recv` with the `MSG_TRUNC` flag returns the
 *   real length;
 * - **the largest datagram** this system takes, measured by bisection,
 *   next to `SO_SNDBUF` (on Linux the limit is `SO_SNDBUF` - 32);
 * - **a full receiver**: the sender fails or waits, and every datagram
 *   that was accepted arrives, in order.
 *
 * Run: `./12-dgram` (no arguments).
 *
 * Read next: 13-seqpacket (boundaries *and* a connection), 08-autobind.
 *
 * Keys: dgr.boundaries, dgr.send_unconnected, dgr.trunc_flag,
 * dgr.trunc_discards_rest, dgr.recv_msg_trunc, dgr.max_default,
 * dgr.emsgsize_big, dgr.full_sendto, dgr.full_nonblock
 *
 * Portability: a full receiver is where systems differ most.  Linux
 * counts datagrams (`net.unix.max_dgram_qlen`, 10 by default): the next
 * send waits, or fails with `EAGAIN` when non-blocking or when
 * `SO_SNDTIMEO` runs out.  FreeBSD, NetBSD, OpenBSD, DragonFly and macOS
 * look at the receiver's buffer space and answer `ENOBUFS` at once,
 * blocking or not; that datagram is dropped.  (`tools/afunix-expect show
 * dgr.full_sendto` prints what the data says for every platform.)  The
 * largest datagram is 2 to 8 KiB on the BSDs and macOS
 * (`net.local.dgram.maxdgram` on FreeBSD and macOS), about 208 KiB on
 * Linux, where raising `SO_SNDBUF` raises it.  An unbound sender
 * arrives with address length 0 on Linux; elsewhere this lesson only
 * checks that the server cannot answer it.  As an input flag,
 * `MSG_TRUNC` returns the real length on Linux and FreeBSD; OpenBSD
 * returns the bytes copied.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lesson.h"

#define MAXTRY	((size_t)4 << 20)	/* bisection's upper end */

/* A datagram socket, non-blocking (so nothing here can hang), bound to me. */
static int
dgram(const char *me)
{
	struct sockaddr_un sun;
	int fd;

	if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1 ||
	    fcntl(fd, F_SETFL, O_NONBLOCK) == -1)
		err(1, "socket");
	if (me != NULL && bind(fd, (struct sockaddr *)&sun,
	    sun_fill(&sun, me)) == -1)
		err(1, "bind %s", me);
	return (fd);
}

/* sendto a path; narrated unless quiet. */
static ssize_t
send_to(int fd, const void *buf, size_t len, const char *to, int quiet)
{
	struct sockaddr_un sun;
	char call[160];
	ssize_t n;

	n = sendto(fd, buf, len, 0, (struct sockaddr *)&sun, sun_fill(&sun,
	    to));
	if (!quiet) {
		snprintf(call, sizeof(call), "client: sendto(fd %d, %zu "
		    "byte%s, \"%s\")", fd, len, len == 1 ? "" : "s", to);
		said(call, n);
	}
	return (n);
}

/*
 * ## Receiving one datagram
 *
 * `recvmsg` into `size` bytes; narrates the length, the bytes, the
 * sender's address (length and path) and `msg_flags`, and keeps the
 * last three for the caller.  Returns the length, or -1 when nothing is
 * queued (everything here is non-blocking).
 */
static struct sockaddr_un from;	/* the last datagram's sender, */
static socklen_t fromlen;	/* its length */
static int flags;		/* and msg_flags */

static ssize_t
recv_from(const char *who, int fd, char *buf, size_t size)
{
	struct iovec iov = { .iov_base = buf, .iov_len = size };
	struct msghdr msg;
	size_t len;
	ssize_t n;
	int e;

	memset(&msg, 0, sizeof(msg));
	memset(&from, 0, sizeof(from));
	msg.msg_name = &from;
	msg.msg_namelen = sizeof(from);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if ((n = recvmsg(fd, &msg, 0)) == -1) {
		e = errno;
		say("  %s: recvmsg(fd %d) -> -1 %s", who, fd, errname(e));
		errno = e;
		return (-1);
	}
	fromlen = msg.msg_namelen;
	flags = msg.msg_flags;
	len = strnlen(from.sun_path, sizeof(from.sun_path));
	say("  %s: recvmsg(fd %d, room for %zu) -> %zd \"%.*s\" from %s%.*s%s "
	    "(addrlen %u)%s", who, fd, size, n, (int)n, buf, len ? "\"" :
	    "no name", (int)len, from.sun_path, len ? "\"" : "",
	    (unsigned)fromlen, flags & MSG_TRUNC ? ", MSG_TRUNC" : "");
	return (n);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_un sun;
	struct timespec t0, t1;
	struct timeval tv = { .tv_sec = 0, .tv_usec = 100000 };
	socklen_t optlen;
	char buf[64], *big, *end;
	ssize_t n, r[3];
	size_t lo, hi, mid;
	int srv, cli, sndbuf, sent, got, inorder, i, e;

	if (argc > 1)
		errx(2, "usage: %s (takes no arguments)", argv[0]);
	say("working in %s", workdir_enter());
	srv = dgram("srv");
	cli = dgram(NULL);

	/*
	 * ## Boundaries
	 *
	 * Three sends from an unbound client.  Every receive has room for
	 * 64 bytes and still returns exactly one datagram.
	 */
	say("server: bound \"srv\"; client: not bound");
	send_to(cli, "a", 1, "srv", 0);
	send_to(cli, "bb", 2, "srv", 0);
	send_to(cli, "ccc", 3, "srv", 0);
	for (i = 0; i < 3; i++)
		r[i] = recv_from("server", srv, buf, sizeof(buf));
	check(r[0] == 1 && r[1] == 2 && r[2] == 3, "one datagram per "
	    "receive, in the order sent");

	/*
	 * ## Replies need a name
	 *
	 * The server answers to the address `recvfrom` gave it.  The
	 * unbound client had none (on Linux `addrlen` is 0), so there is
	 * nowhere to send: Linux treats a send without an address as a
	 * send to the connected peer, and there is none (`ENOTCONN`).
	 * Bound to "cli", the client gets its answer.
	 */
	n = sendto(srv, "pong", 4, 0, (struct sockaddr *)&from, fromlen);
	said("server: sendto(the address recvmsg gave, \"pong\")", n);
#ifdef __linux__
	check(fromlen == 0 && n == -1 && errno == ENOTCONN, "no sender "
	    "address, no reply: ENOTCONN");
#else
	check(n == -1, "no sender address, no reply");
#endif
	said("client: bind(\"cli\")", bind(cli, (struct sockaddr *)&sun,
	    sun_fill(&sun, "cli")));
	send_to(cli, "ping", 4, "srv", 0);
	(void)recv_from("server", srv, buf, sizeof(buf));
	n = sendto(srv, "pong", 4, 0, (struct sockaddr *)&from, fromlen);
	said("server: sendto(the address recvmsg gave, \"pong\")", n);
	n = recv_from("client", cli, buf, sizeof(buf));
	check(n == 4 && memcmp(buf, "pong", 4) == 0 && strcmp(from.sun_path,
	    "srv") == 0, "the bound client got its answer, from \"srv\"");

	/*
	 * ## Truncation
	 *
	 * Ten bytes into a 4-byte buffer: the first four arrive and the
	 * kernel says `MSG_TRUNC`.  The other six are gone: the next
	 * receive finds the queue empty.  Size the buffer for the largest
	 * message the protocol allows; on Linux, `recv(MSG_PEEK |
	 * MSG_TRUNC)` returns the real length without taking it.
	 */
	send_to(cli, "0123456789", 10, "srv", 0);
	n = recv_from("server", srv, buf, 4);
	check(n == 4 && (flags & MSG_TRUNC), "4 bytes and MSG_TRUNC");
	n = recv_from("server", srv, buf, sizeof(buf));
	check(n == -1 && errno == EAGAIN, "the rest was discarded");
#ifdef __linux__
	send_to(cli, "0123456789", 10, "srv", 0);
	n = said("server: recv(fd, room for 4, MSG_PEEK | MSG_TRUNC)",
	    recv(srv, buf, 4, MSG_PEEK | MSG_TRUNC));
	check(n == 10, "Linux: the flag returns the datagram's real length");
	(void)recv_from("server", srv, buf, sizeof(buf));
#endif

	/*
	 * ## The largest datagram
	 *
	 * A datagram goes whole or not at all: one larger than the limit is
	 * `EMSGSIZE`.  Bisection finds the limit: each size that goes
	 * through is received (so the queue is empty for the next try).
	 */
	optlen = sizeof(sndbuf);
	if (getsockopt(cli, SOL_SOCKET, SO_SNDBUF, &sndbuf, &optlen) == -1 ||
	    (big = malloc(MAXTRY)) == NULL)
		err(1, "SO_SNDBUF");
	memset(big, 'x', MAXTRY);
	for (lo = 1, hi = MAXTRY; hi - lo > 1; ) {
		mid = lo + (hi - lo) / 2;
		if (send_to(cli, big, mid, "srv", 1) == -1)
			hi = mid;
		else if (recv(srv, big, MAXTRY, 0) == (ssize_t)mid)
			lo = mid;
		else
			errx(1, "a datagram of %zu bytes went missing", mid);
	}
	say("client: SO_SNDBUF %d; bisection: the largest datagram is %zu "
	    "bytes", sndbuf, lo);
	n = send_to(cli, big, lo + 1, "srv", 0);
#ifdef __linux__
	check(n == -1 && errno == EMSGSIZE && lo == (size_t)sndbuf - 32,
	    "Linux: SO_SNDBUF - 32, then EMSGSIZE");
#else
	check(n == -1 && errno == EMSGSIZE, "one byte more is EMSGSIZE");
#endif
	free(big);

	/*
	 * ## A full receiver
	 *
	 * Nobody reads "srv" now; the client sends numbered datagrams,
	 * non-blocking, until the kernel refuses.  Then once more,
	 * *blocking* with a send timeout of 0.1 s: Linux waits that long for
	 * room (without the timeout it would wait for ever), the BSDs refuse
	 * at once.  Then the server reads everything back.
	 */
	for (sent = 0; sent < 10000; sent++) {
		snprintf(buf, sizeof(buf), "%d", sent);
		if (send_to(cli, buf, strlen(buf), "srv", 1) == -1)
			break;
	}
	e = errno;
	say("client: %d datagrams accepted; the next, non-blocking: -1 %s",
	    sent, errname(e));
	errno = e;
#ifdef __linux__
	check(errno == EAGAIN, "Linux: EAGAIN; the limit counts datagrams "
	    "(net.unix.max_dgram_qlen, 10 by default, plus one)");
#else
	check(errno == ENOBUFS, "ENOBUFS");
#endif
	if (fcntl(cli, F_SETFL, 0) == -1 || setsockopt(cli, SOL_SOCKET,
	    SO_SNDTIMEO, &tv, sizeof(tv)) == -1)
		err(1, "SO_SNDTIMEO");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	n = send_to(cli, "more", 4, "srv", 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	say("  (blocking, SO_SNDTIMEO 100 ms: returned after %ld ms)",
	    (long)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) /
	    1000000));
#ifdef __linux__
	check(n == -1 && errno == EAGAIN, "Linux: waited for room, then "
	    "EAGAIN");
#else
	check(n == -1 && errno == ENOBUFS, "ENOBUFS, blocking or not");
#endif
	for (got = 0, inorder = 1; (n = recv(srv, buf, sizeof(buf) - 1, 0)) >
	    0; got++) {
		buf[n] = '\0';
		if (strtol(buf, &end, 10) != got || *end != '\0')
			inorder = 0;
	}
	say("server: received %d datagrams", got);
	check(got == sent && inorder, "every accepted datagram arrived, in "
	    "order: nothing is lost inside the kernel");
	close(cli);
	close(srv);
	lesson_exit();
}
