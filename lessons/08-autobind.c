/*
 * # 8. Autobind: a name the kernel makes up (Linux)
 *
 * A datagram server answers by sending to the address `recvfrom` gave it.
 * A client that never bound has no address, so the server has nowhere to
 * send the answer.  The client could bind a path, but then it must pick a
 * unique one, in a directory it may write, and unlink it afterwards.
 * Linux offers a better way: **autobind**.
 *
 * This lesson shows:
 *
 * - `bind` with `addrlen == sizeof(sa_family_t)` (the family and nothing
 *   else) gives the socket a fresh abstract name: a NUL then **5 hex
 *   digits**, `addrlen` 8;
 * - an unbound datagram client's message arrives **with no sender
 *   address**: the server cannot reply.  Sending alone does *not*
 *   autobind;
 * - after autobind the server sees the name and its reply comes back;
 * - **implicit autobind**: with `SO_PASSCRED` set (see unix(7)), an
 *   unbound socket is autobound when it connects or sends.
 *
 * Run: `./08-autobind` (no arguments).
 *
 * Read next: 09-cmsg (control messages; `SO_PASSCRED` again).
 *
 * Keys: abs.autobind_len, abs.autobind_name,
 * abs.implicit_connect_passcred, abs.implicit_connect_plain,
 * addr.getsockname_unbound_len
 *
 * Portability: Linux only.  There are 2^20 such names; when all are
 * taken, bind fails with `ENOSPC`.  FreeBSD, DragonFly and macOS refuse
 * an address with no path (`EINVAL`: a path length of zero in
 * `uipc_bindat` / `unp_bind`); OpenBSD looks up the empty path instead.
 * There a datagram client binds a path in a private directory, and
 * unlinks it when done.  When run there, this lesson shows the error.
 */
#ifdef __linux__
#define _GNU_SOURCE		/* SO_PASSCRED */
#endif
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

/* The address length that holds the family and nothing else. */
#define FAMILY_ONLY	((socklen_t)offsetof(struct sockaddr_un, sun_path))

#ifdef __linux__
/* Print a socket's name; return its length. */
static socklen_t
show_name(const char *who, int fd, struct sockaddr_un *sun)
{
	socklen_t len = sizeof(*sun);

	memset(sun, 0, sizeof(*sun));
	if (getsockname(fd, (struct sockaddr *)sun, &len) == -1)
		err(1, "getsockname");
	if (len > FAMILY_ONLY && sun->sun_path[0] == '\0')
		say("  %s: getsockname -> addrlen %u, name @%.*s", who,
		    (unsigned)len, (int)(len - FAMILY_ONLY - 1),
		    sun->sun_path + 1);
	else
		say("  %s: getsockname -> addrlen %u: unnamed", who,
		    (unsigned)len);
	return (len);
}

/*
 * The server's side of one exchange: receive, and answer if the sender
 * has an address.  Returns the sender's address length.
 */
static socklen_t
serve(int srv)
{
	struct sockaddr_un from;
	socklen_t flen = sizeof(from);
	char buf[32];
	ssize_t n;

	memset(&from, 0, sizeof(from));
	if ((n = recvfrom(srv, buf, sizeof(buf), 0, (struct sockaddr *)&from,
	    &flen)) == -1)
		err(1, "recvfrom");
	say("  server: recvfrom -> %zd bytes, sender addrlen %u", n,
	    (unsigned)flen);
	if (flen <= FAMILY_ONLY) {
		say("  server: no sender address: nowhere to send a reply");
		return (flen);
	}
	said("server: sendto(sender, \"pong\")", sendto(srv, "pong", 4, 0,
	    (struct sockaddr *)&from, flen));
	return (flen);
}

/* Did a reply arrive?  Never waits. */
static int
got_reply(const char *who, int fd)
{
	char buf[8];
	ssize_t n;

	n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	said(who, n);
	return (n == 4 && memcmp(buf, "pong", 4) == 0);
}
#endif

int
main(int argc, char *argv[])
{
	struct sockaddr_un sun;
	int srv;

	if (argc > 1)
		errx(2, "usage: %s (takes no arguments)", argv[0]);

	/*
	 * ## Explicit autobind
	 *
	 * The address is only a family: `addrlen` is
	 * `offsetof(struct sockaddr_un, sun_path)`, which on Linux is
	 * `sizeof(sa_family_t)`, 2.
	 */
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if ((srv = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1)
		err(1, "socket");
#ifndef __linux__
	check(said("server: bind(family only, addrlen 2)", bind(srv,
	    (struct sockaddr *)&sun, FAMILY_ONLY)) == -1, "no autobind on this "
	    "system: a bind without a path fails with %s", errname(errno));
	say("a datagram client here binds a path of its own to get replies");
	close(srv);
	lesson_exit();
#else
	struct sockaddr_un srvname, got;
	socklen_t len, srvlen;
	int c1, c2, on = 1;

	said("server: bind(family only, addrlen 2)", bind(srv,
	    (struct sockaddr *)&sun, FAMILY_ONLY));
	srvlen = show_name("server", srv, &srvname);
	check(srvlen == FAMILY_ONLY + 6 && srvname.sun_path[0] == '\0' &&
	    strspn(srvname.sun_path + 1, "0123456789abcdef") == 5,
	    "autobind gave \\0 + 5 hex digits, addrlen %u", (unsigned)srvlen);

	/*
	 * ## Why a datagram client wants a name
	 *
	 * Client 1 sends without binding.  The message arrives, but
	 * `recvfrom` reports a sender address of length 0: the client is
	 * unnamed, and sending did not give it a name.
	 */
	if ((c1 = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1 ||
	    (c2 = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1)
		err(1, "socket");
	said("client 1: sendto(server, \"ping\")", sendto(c1, "ping", 4, 0,
	    (struct sockaddr *)&srvname, srvlen));
	check(serve(srv) <= FAMILY_ONLY && show_name("client 1", c1, &got) ==
	    FAMILY_ONLY, "an unbound sender stays unnamed: no reply possible");

	/* The one-line fix: autobind, then send again. */
	said("client 1: bind(family only, addrlen 2)", bind(c1,
	    (struct sockaddr *)&sun, FAMILY_ONLY));
	(void)show_name("client 1", c1, &got);
	said("client 1: sendto(server, \"ping\")", sendto(c1, "ping", 4, 0,
	    (struct sockaddr *)&srvname, srvlen));
	(void)serve(srv);
	check(got_reply("client 1: recv", c1), "after autobind the server "
	    "could answer, and \"pong\" came back");

	/*
	 * ## Implicit autobind
	 *
	 * Client 2 asks for credentials messages (`SO_PASSCRED`).  unix(7):
	 * such a socket, if not bound, is autobound.  Not when the option
	 * is set, though (getsockname still says unnamed), but when it
	 * connects or sends (`unix_dgram_connect`, `unix_dgram_sendmsg`,
	 * `unix_stream_connect`).  Here `connect` does it, before any data
	 * moves.
	 */
	said("client 2: setsockopt(SO_PASSCRED, 1)", setsockopt(c2,
	    SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)));
	(void)show_name("client 2", c2, &got);
	said("client 2: connect(server)", connect(c2,
	    (struct sockaddr *)&srvname, srvlen));
	len = show_name("client 2", c2, &got);
	check(len == FAMILY_ONLY + 6, "connect with SO_PASSCRED autobound "
	    "client 2 (addrlen %u)", (unsigned)len);
	said("client 2: send(\"ping\")", send(c2, "ping", 4, 0));
	(void)serve(srv);
	check(got_reply("client 2: recv", c2), "the server answered client 2");

	close(c1);
	close(c2);
	close(srv);
	lesson_exit();
#endif
}
