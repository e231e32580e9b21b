/*
 * # 11. Stream server and client: backlog, names, half-close, SIGPIPE
 *
 * A `SOCK_STREAM` server is four calls: `socket`, `bind` a name, `listen`,
 * then `accept` in a loop.  Each `accept` returns a *new* socket, connected
 * to one client; the listening socket only ever hands out connections.
 * A client is `socket` and `connect`.  What flows is a stream of bytes,
 * both ways, until one side says it has finished.
 *
 * This lesson (the server is this process, the clients are sockets in it
 * and a forked child) shows:
 *
 * - **the backlog**: connects that nobody has accepted yet wait in a
 *   queue, and `connect` already succeeds; when the queue is full, a
 *   non-blocking `connect` fails (`EAGAIN` on Linux, where a backlog of
 *   N admits N + 1);
 * - **names on both sides**: the accepted socket's own name is the
 *   server's; its peer's name is the client's, or *unnamed* when the
 *   client never bound one (the usual case).  The client sees the mirror
 *   image;
 * - **end of file and the half-close**: `shutdown(SHUT_WR)` tells the
 *   server "that was the whole request" (its `read` returns 0) while the
 *   client can still read the answer;
 * - **writing to a closed peer**: `EPIPE`, and the signal `SIGPIPE`,
 *   which kills a process that did not ask otherwise: `MSG_NOSIGNAL` on
 *   the call, or `SO_NOSIGPIPE` on the socket (BSD, macOS).
 *
 * Run: `./11-stream` (the lesson, checked).  Experiments:
 * `./11-stream server PATH` serves until ^C (remove PATH afterwards, see
 * lesson 4): it reads each client's bytes up to end of file and answers
 * with the count; `echo hello | ./11-stream client PATH` sends its input,
 * half-closes, and prints the answer.  Start several clients at once, or
 * a client with nobody serving, and watch.
 *
 * Read next: 12-dgram (messages instead of a stream), 13-seqpacket
 * (both).
 *
 * Keys: lis.backlog_zero, conn.backlog_full, conn.before_accept,
 * addr.getsockname_accepted, addr.getpeername_client,
 * addr.accept_unbound_peer_len, addr.getpeername_accepted_unbound_len,
 * str.eof_after_close, shut.wr_peer_eof,
 * shut.closed_peer_epipe, shut.closed_peer_sigpipe, shut.nosignal,
 * shut.so_nosigpipe
 *
 * Portability: the calls are POSIX.  The backlog is a hint: Linux admits
 * backlog + 1 and then makes a blocking `connect` wait (`EAGAIN` when
 * non-blocking); FreeBSD, NetBSD, DragonFly and macOS refuse with
 * `ECONNREFUSED`, FreeBSD only beyond 3/2 of the backlog; OpenBSD
 * raises a small backlog to `sominconn`, so there the 8 tries here may
 * all succeed.  An unnamed peer's address length is 2 on Linux, 16 on
 * FreeBSD and OpenBSD, 3 on current macOS.  `SO_NOSIGPIPE` exists on
 * FreeBSD and macOS, not on Linux, OpenBSD or illumos; `MSG_NOSIGNAL` is
 * POSIX.1-2008, but older macOS SDKs lack it.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lesson.h"

#define WAIT_MS	5000	/* the longest any step waits for the other side */

#ifdef MSG_NOSIGNAL
#define NOSIGNAL	MSG_NOSIGNAL
#else
#define NOSIGNAL	0	/* older macOS: only SO_NOSIGPIPE */
#endif

/* socket, bind, listen: the listening socket, or a one-line error. */
static int
listen_on(const char *path, int backlog)
{
	struct sockaddr_un sun;
	socklen_t len = sun_fill(&sun, path);
	int fd;

	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	if (bind(fd, (struct sockaddr *)&sun, len) == -1)
		err(1, "bind %s", path);
	if (listen(fd, backlog) == -1)
		err(1, "listen %s", path);
	return (fd);
}

/*
 * A client: socket, bind `me` first if given, connect.  Non-blocking, so
 * that a full backlog answers at once instead of making us wait.
 */
static int
connect_to(const char *who, const char *path, const char *me)
{
	struct sockaddr_un sun;
	char call[160];
	int fd, e;

	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    fcntl(fd, F_SETFL, O_NONBLOCK) == -1)
		err(1, "socket");
	if (me != NULL && bind(fd, (struct sockaddr *)&sun,
	    sun_fill(&sun, me)) == -1)
		err(1, "bind %s", me);
	snprintf(call, sizeof(call), "%s: connect(fd %d, \"%s\")", who, fd,
	    path);
	if (said(call, connect(fd, (struct sockaddr *)&sun,
	    sun_fill(&sun, path))) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return (-1);
	}
	return (fd);
}

/*
 * ## Names
 *
 * `getsockname` is the socket's own address, `getpeername` the other
 * end's.  An unbound socket's address is the family alone: there is no
 * path to show.  Writes `"path"` or `unnamed` into buf.
 */
static const char *
name(const char *who, int fd, int peer, char *buf, size_t size)
{
	struct sockaddr_un sun;
	socklen_t len = sizeof(sun);

	memset(&sun, 0, sizeof(sun));	/* a full sun_path has no NUL */
	if ((peer ? getpeername(fd, (struct sockaddr *)&sun, &len) :
	    getsockname(fd, (struct sockaddr *)&sun, &len)) == -1)
		err(1, "%s", peer ? "getpeername" : "getsockname");
	snprintf(buf, size, sun.sun_path[0] ? "\"%.*s\"" : "unnamed",
	    (int)sizeof(sun.sun_path), sun.sun_path);
	say("  %s: %s(fd %d) -> %s, addrlen %u", who, peer ? "getpeername" :
	    "getsockname", fd, buf, (unsigned)len);
	return (buf);
}

/* Wait at most ms (-1: for ever) for fd to have something to read. */
static int
ready(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return (poll(&p, 1, ms) == 1);
}

/*
 * Read until end of file: a stream has no messages, so "the whole
 * request" is whatever came before the other side shut its writing half.
 * Returns the byte count (buf holds the bytes and a NUL), or -1 when
 * the other side sends nothing for WAIT_MS.
 */
static ssize_t
recv_all(const char *who, int fd, char *buf, size_t size)
{
	size_t got = 0;
	ssize_t n = 0;

	while (got < size - 1) {
		if (!ready(fd, WAIT_MS)) {
			say("%s: nothing to read within %d ms", who, WAIT_MS);
			return (-1);
		}
		if ((n = read(fd, buf + got, size - 1 - got)) <= 0)
			break;
		say("%s: read -> %zd bytes \"%.*s\"", who, n, (int)n,
		    buf + got);
		got += (size_t)n;
	}
	buf[got] = '\0';
	if (n == -1)
		err(1, "%s: read", who);
	if (n == 0)
		say("%s: read -> 0: end of file", who);
	return ((ssize_t)got);
}

/*
 * ## The server's side of one connection
 *
 * Accept (waiting at most ms), read the request up to end of file,
 * answer with its length, close.  Returns the request's length.
 */
static ssize_t
serve_one(int l, int ms)
{
	char buf[4096], reply[32];
	ssize_t n;
	int a;

	if (!ready(l, ms) || (a = accept(l, NULL, NULL)) == -1)
		errx(1, "server: no client to accept");
	if ((n = recv_all("server", a, buf, sizeof(buf))) >= 0) {
		snprintf(reply, sizeof(reply), "got %zd bytes", n);
		say("server: send(\"%s\"), then close", reply);
		(void)send(a, reply, strlen(reply), NOSIGNAL);
	}
	close(a);
	return (n);
}

/*
 * ## The client's side: a request and its answer
 *
 * Connect, send the request, shut down the writing half, read the
 * answer up to end of file.  Returns the answer's length, or -1.
 */
static ssize_t
request(const char *path, const char *data, size_t len, char *buf,
    size_t size)
{
	ssize_t n;
	int fd;

	if ((fd = connect_to("client", path, NULL)) == -1)
		err(1, "connect %s", path);
	say("client: send(%zu bytes), then shutdown(SHUT_WR)", len);
	if (send(fd, data, len, NOSIGNAL) != (ssize_t)len ||
	    shutdown(fd, SHUT_WR) == -1)
		err(1, "client: send");
	n = recv_all("client", fd, buf, size);
	close(fd);
	return (n);
}

int
main(int argc, char *argv[])
{
	char buf[4096], s1[120], s2[120];
	int l, c[8], a, n, i, rc, status;
	ssize_t len;
	pid_t pid;

	/*
	 * The experiments: a server that runs until killed, a client
	 * that sends up to 4 KiB of its standard input.
	 */
	if (argc == 3 && strcmp(argv[1], "server") == 0) {
		l = listen_on(argv[2], 8);
		say("server: listening on \"%s\"; ^C stops", argv[2]);
		for (;;)
			serve_one(l, -1);
	}
	if (argc == 3 && strcmp(argv[1], "client") == 0) {
		if ((len = read(STDIN_FILENO, buf, sizeof(buf))) == -1)
			err(1, "standard input");
		return (request(argv[2], buf, (size_t)len, buf, sizeof(buf)) ==
		    -1);
	}
	if (argc != 1)
		errx(2, "usage: 11-stream [server PATH | client PATH]");
	say("working in %s", workdir_enter());

	/*
	 * ## The backlog
	 *
	 * `listen(fd, 2)`, then clients connect and nobody accepts.  The
	 * kernel completes each connection by itself and queues it: the
	 * client's `connect` returns 0 and it may even start writing.  The
	 * listener is non-blocking so that a missing connection cannot hang
	 * the lesson in `accept`.  The first client binds a name of its own.
	 */
	l = listen_on("srv", 2);
	if (fcntl(l, F_SETFL, O_NONBLOCK) == -1)
		err(1, "fcntl");
	say("server: socket, bind(\"srv\"), listen(fd %d, 2)", l);
	name("server", l, 0, s1, sizeof(s1));
	for (n = 0; n < 8; n++) {
		snprintf(s1, sizeof(s1), "client %d", n);
		if ((c[n] = connect_to(s1, "srv", n == 0 ? "cli" : NULL)) == -1)
			break;
	}
#ifdef __linux__
	check(n == 3 && errno == EAGAIN, "Linux: backlog 2 admitted 3; the "
	    "next non-blocking connect is EAGAIN (a blocking one would wait)");
#else
	say("  admitted %d; then %s", n, n == 8 ? "the lesson stopped trying"
	    : errname(errno));
	check(n >= 2, "the backlog holds connections nobody accepted yet");
#endif

	/*
	 * ## accept, and the names on both sides
	 *
	 * Connections come out in the order they were made.  The accepted
	 * socket is named like the listener; its peer is the client's own
	 * name if it bound one, otherwise unnamed.  The client sees the
	 * mirror image.
	 */
	for (i = 0; i < n; i++) {
		if ((a = accept(l, NULL, NULL)) == -1)
			err(1, "accept");
		say("server: accept -> fd %d", a);
		if (i < 2) {
			rc = strcmp(name("server", a, 0, s1, sizeof(s1)),
			    "\"srv\"") == 0 && strcmp(name("client", c[i], 1,
			    s2, sizeof(s2)), "\"srv\"") == 0;
			name("server", a, 1, s1, sizeof(s1));
			name("client", c[i], 0, s2, sizeof(s2));
			check(rc && strcmp(s1, s2) == 0 && strcmp(s1, i == 0 ?
			    "\"cli\"" : "unnamed") == 0, "both ends agree: "
			    "the server is \"srv\", the client %s", i == 0 ?
			    "\"cli\"" : "unnamed");
		}
		close(a);
		close(c[i]);
	}

	/*
	 * ## A conversation, and the half-close
	 *
	 * A child connects, sends its request and shuts down its writing
	 * half.  The server reads until end of file (0), which is how it
	 * knows the request is complete, then answers on the same
	 * connection and closes: the client reads the answer, then its own
	 * end of file.  (After `SHUT_WR` the client's own sends would fail
	 * with `EPIPE`.)
	 */
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		close(l);
		len = request("srv", "request", 7, buf, sizeof(buf));
		check(len == 11 && strcmp(buf, "got 7 bytes") == 0, "client: "
		    "the answer came after its own half-close");
		lesson_child_exit();
	}
	len = serve_one(l, WAIT_MS);
	lesson_child_wait(pid);
	check(len == 7, "server: the whole request, then end of file: the "
	    "client's shutdown(SHUT_WR)");

	/*
	 * ## Writing to a closed peer
	 *
	 * The server accepts a client and closes at once.  Reading on the
	 * client would say end of file; writing cannot succeed: `EPIPE`.
	 * Unless told otherwise the kernel also sends `SIGPIPE`, whose
	 * default action ends the process: a server that writes to a
	 * vanished client dies of it.  Ask per call (`MSG_NOSIGNAL`), per
	 * socket (`SO_NOSIGPIPE`, BSD and macOS), or ignore `SIGPIPE` for
	 * the whole process.
	 */
	if ((c[0] = connect_to("client", "srv", NULL)) == -1 ||
	    !ready(l, WAIT_MS) || (a = accept(l, NULL, NULL)) == -1)
		errx(1, "no connection");
	said("server: close(accepted fd)", close(a));
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		close(l);
		(void)signal(SIGPIPE, SIG_DFL);
		say("client (a child): write(\"x\"), nothing else asked");
		if (write(c[0], "x", 1) == -1)
			say("  -> -1 %s, and the child lives", errname(errno));
		_exit(3);
	}
	if (waitpid(pid, &status, 0) == -1)
		err(1, "waitpid");
	check(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE, "the child "
	    "was killed by SIGPIPE: by default a closed peer is fatal");
#ifdef MSG_NOSIGNAL
	rc = (int)said("client: send(\"x\", MSG_NOSIGNAL)", send(c[0], "x", 1,
	    MSG_NOSIGNAL));
	check(rc == -1 && errno == EPIPE, "EPIPE, and no signal");
#endif
#ifdef SO_NOSIGPIPE
	i = 1;
	if (setsockopt(c[0], SOL_SOCKET, SO_NOSIGPIPE, &i, sizeof(i)) == -1)
		err(1, "SO_NOSIGPIPE");
	rc = (int)said("client: write(\"x\") with SO_NOSIGPIPE set",
	    write(c[0], "x", 1));
	check(rc == -1 && errno == EPIPE, "EPIPE, and no signal");
#else
	say("  (this system has no SO_NOSIGPIPE: use MSG_NOSIGNAL)");
#endif
	close(c[0]);
	close(l);
	lesson_exit();
}
