/*
 * # 13. SOCK_SEQPACKET: a connection that keeps message boundaries
 *
 * A stream has a connection and end of file but no messages; a datagram
 * socket has messages but no connection.  `SOCK_SEQPACKET` has both: a
 * server binds, listens and accepts exactly as with a stream (lesson
 * 11), and then every `send` is one *record* that the other side
 * receives whole, in order, as with datagrams (lesson 12).  It suits
 * request/reply protocols: no length prefixes, no framing code, and the
 * server still learns when a client goes away.
 *
 * This lesson (one process plays both sides: on a UNIX socket `connect`
 * completes as soon as the connection is queued, so no fork is needed)
 * shows:
 *
 * - **a connection first**: `send` before `connect` is `ENOTCONN`;
 * - **boundaries**: three sends come back as three records, where a
 *   stream socket returns all their bytes in one read;
 * - **zero-length records**: on Linux an empty `send` is a record, and
 *   its receive returns 0, *exactly like end of file*; the BSDs queue
 *   nothing;
 * - **truncation**: a short buffer gets the start of the record; on
 *   Linux and OpenBSD the rest is discarded and `MSG_TRUNC` says so
 *   (FreeBSD keeps the rest for the next receive);
 * - **end of file**: when the peer closes, every receive returns 0, and
 *   a send fails with `EPIPE`.
 *
 * Run: `./13-seqpacket` (no arguments).
 *
 * Read next: 14-privsep; 10-scm-rights (descriptors travel on
 * seqpacket sockets too).
 *
 * Keys: cre.seqpacket, cre.socketpair_seqpacket, seq.socket,
 * seq.listen_connect_accept, seq.boundaries,
 * seq.zero_length, seq.short_read_rest, seq.short_read_flags,
 * seq.eor_flag, seq.eof, shut.seqpacket_closed_peer
 *
 * Portability: Linux (since 2.6.4), FreeBSD, OpenBSD and DragonFly have
 * it (the data has nothing yet on NetBSD and illumos).  **macOS does
 * not**: `socket(AF_UNIX,
 * SOCK_SEQPACKET, 0)` fails with `EPROTONOSUPPORT` (xnu has no protocol
 * switch entry for the type), and this lesson stops there, saying so.
 * Portable code uses a stream with a length prefix, or datagrams over a
 * `socketpair`.  Zero-length records and truncation differ as shown
 * above.  `MSG_EOR` on receive: never on Linux; on FreeBSD and OpenBSD
 * only for records the sender marked with `MSG_EOR`.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lesson.h"

#ifdef MSG_NOSIGNAL
#define NOSIGNAL	MSG_NOSIGNAL
#else
#define NOSIGNAL	0
#endif

/* Send one record, narrated. */
static ssize_t
put(const char *who, int fd, const char *rec)
{
	char call[120];

	snprintf(call, sizeof(call), "%s: send(fd %d, \"%s\", %zu)", who, fd,
	    rec, strlen(rec));
	return (said(call, send(fd, rec, strlen(rec), NOSIGNAL)));
}

/*
 * ## Receiving a record
 *
 * `recvmsg` with room for `size` bytes and `MSG_DONTWAIT`, so that an
 * empty queue answers `EAGAIN` instead of hanging the lesson; narrates
 * the bytes and `msg_flags`.  Returns the length, or -1; buf gets a NUL.
 */
static int trunc_flag;		/* MSG_TRUNC on the last record */

static ssize_t
get(const char *who, int fd, char *buf, size_t size)
{
	struct iovec iov = { .iov_base = buf, .iov_len = size - 1 };
	struct msghdr msg;
	ssize_t n;
	int e;

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if ((n = recvmsg(fd, &msg, MSG_DONTWAIT)) == -1) {
		e = errno;
		say("  %s: recvmsg(fd %d) -> -1 %s", who, fd, errname(e));
		errno = e;
		return (-1);
	}
	buf[n] = '\0';
	trunc_flag = (msg.msg_flags & MSG_TRUNC) != 0;
	say("  %s: recvmsg(fd %d, room for %zu) -> %zd \"%s\"%s%s%s", who,
	    fd, size - 1, n, buf, trunc_flag ? ", MSG_TRUNC" : "",
	    (msg.msg_flags & MSG_EOR) ? ", MSG_EOR" : "", n == 0 ?
	    "  (0: end of file, or an empty record?)" : "");
	return (n);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_un sun;
	socklen_t len;
	char buf[64], small[5];
	ssize_t n, m, r;
	int l, c, a, sv[2];

	if (argc > 1)
		errx(2, "usage: %s (takes no arguments)", argv[0]);
	say("working in %s", workdir_enter());

	/*
	 * ## Does this system have it?
	 *
	 * The type is a constant in every `<sys/socket.h>`; whether the
	 * kernel implements it for `AF_UNIX` is another matter.
	 */
	l = (int)said("socket(AF_UNIX, SOCK_SEQPACKET, 0)", socket(AF_UNIX,
	    SOCK_SEQPACKET, 0));
	if (l == -1) {
#ifdef __APPLE__
		check(errno == EPROTONOSUPPORT, "macOS has no SOCK_SEQPACKET "
		    "for AF_UNIX: use SOCK_STREAM with a length prefix");
		lesson_exit();
#endif
		err(1, "socket SOCK_SEQPACKET");
	}

	/*
	 * ## A connection, as with a stream
	 *
	 * bind, listen, connect, accept.  Before the connect, the client
	 * has nobody to send to.
	 */
	len = sun_fill(&sun, "srv");
	if (bind(l, (struct sockaddr *)&sun, len) == -1 || listen(l, 4) == -1 ||
	    fcntl(l, F_SETFL, O_NONBLOCK) == -1)
		err(1, "bind, listen");
	say("server: bind(\"srv\"), listen: fd %d", l);
	if ((c = socket(AF_UNIX, SOCK_SEQPACKET, 0)) == -1)
		err(1, "socket");
	n = put("client", c, "early");
#ifdef __linux__
	check(n == -1 && errno == ENOTCONN, "not connected yet: ENOTCONN");
#else
	check(n == -1, "not connected yet");
#endif
	said("client: connect(\"srv\")", connect(c, (struct sockaddr *)&sun,
	    len));
	a = (int)said("server: accept", accept(l, NULL, NULL));
	if (a == -1)
		err(1, "accept");

	/*
	 * ## Records keep their boundaries
	 *
	 * Three sends, then receives with room for 63 bytes: three records.
	 * The same three sends on a stream socket pair come back as one
	 * run of 12 bytes.
	 */
	put("client", c, "one");
	put("client", c, "two!");
	put("client", c, "three");
	n = get("server", a, buf, sizeof(buf));
	m = get("server", a, buf, sizeof(buf));
	r = get("server", a, buf, sizeof(buf));
	check(n == 3 && m == 4 && r == 5, "three records of 3, 4 and 5 "
	    "bytes");
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		err(1, "socketpair");
	put("stream", sv[0], "one");
	put("stream", sv[0], "two!");
	put("stream", sv[0], "three");
	check(get("stream", sv[1], buf, sizeof(buf)) == 12, "a stream "
	    "returns the bytes, not the sends");
	close(sv[0]);
	close(sv[1]);

	/*
	 * ## A record of zero bytes
	 *
	 * On Linux the empty send is queued as a record of its own, and
	 * receiving it returns 0: the same value as end of file.  A reader
	 * that takes 0 to mean "the peer has gone" will hang up on a live
	 * client.  Protocols over `SOCK_SEQPACKET` should never send empty
	 * records (or a reader must check, say with another receive, or with
	 * `poll` and `POLLHUP`).
	 */
	put("client", c, "");
	put("client", c, "after");
	n = get("server", a, buf, sizeof(buf));
	m = n == 0 ? get("server", a, buf, sizeof(buf)) : n;
#ifdef __linux__
	check(n == 0 && m == 5, "Linux: an empty record (0, like end of "
	    "file), then \"after\"");
#else
	check(m == 5, "the data after the empty send arrives");
#endif

	/*
	 * ## A record too long for the buffer
	 *
	 * Ten bytes into room for four: the first four, and the other six
	 * are discarded with the record: the next receive gets the *next*
	 * record.  (FreeBSD instead keeps the six for the next receive,
	 * like a stream, and sets no `MSG_TRUNC`.)
	 */
	put("client", c, "0123456789");
	put("client", c, "next");
	n = get("server", a, small, sizeof(small));
#if defined(__linux__) || defined(__OpenBSD__)
	check(n == 4 && trunc_flag, "4 bytes and MSG_TRUNC");
#else
	check(n == 4, "4 bytes");
#endif
	n = get("server", a, buf, sizeof(buf));
#ifdef __FreeBSD__
	check(n >= 6 && strncmp(buf, "456789", 6) == 0, "FreeBSD: the "
	    "next receive goes on with the rest of the record");
	if (n == 6)
		(void)get("server", a, buf, sizeof(buf));
#else
	check(n == 4 && strcmp(buf, "next") == 0, "the rest of the record "
	    "was discarded: the next receive is the next record");
#endif

	/*
	 * ## End of file
	 *
	 * The client closes.  Unlike a datagram socket, the server learns
	 * of it: every receive now returns 0, and a send fails with
	 * `EPIPE`.  On Linux that send raises no `SIGPIPE` (a stream would);
	 * `MSG_NOSIGNAL` keeps it so on every system.
	 */
	said("client: close", close(c));
	n = get("server", a, buf, sizeof(buf));
	m = get("server", a, buf, sizeof(buf));
	check(n == 0 && m == 0, "end of file, and it stays so");
	n = put("server", a, "hello?");
	check(n == -1 && errno == EPIPE, "nobody to send to: EPIPE");
	close(a);
	close(l);
	lesson_exit();
}
