/*
 * listen() and accept() (catalogue group LIS): which sockets can listen,
 * how many connections a backlog of 0 or -1 admits, which sockets can
 * accept, what a non-blocking accept with nothing pending says, the
 * accept4() flags, whether accept() passes the listener's O_NONBLOCK on,
 * the address and length accept() hands back, and SO_ACCEPTCONN.  Every
 * check is keyed in platforms/.
 */
#define _GNU_SOURCE		/* glibc: accept4() is a Linux/BSD extension */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "afx.h"

/* More than any backlog the tests ask for, so a wrong kernel fails. */
#define MAXCONN	32

static int
is_nonblock(int fd)
{
	int fl;

	ATF_REQUIRE((fl = fcntl(fd, F_GETFL)) != -1);
	return ((fl & O_NONBLOCK) != 0);
}

/*
 * How many non-blocking connects to path succeed before one fails, up to
 * MAXCONN ("many"): the connections a listener's queue admits.
 */
static void
expect_admitted(const atf_tc_t *tc, const char *path)
{
	int fds[MAXCONN], i, n, full, before;

	before = afx_count_fds();
	full = 0;
	for (n = 0; n < MAXCONN; n++) {
		fds[n] = afx_socket(SOCK_STREAM);
		/* Linux would otherwise sleep until an accept makes room. */
		afx_nonblock(fds[n]);
		if (afx_try_connect(fds[n], path) == -1) {
			ATF_REQUIRE_MSG(errno == EAGAIN || errno == ECONNREFUSED,
			    "connect %d: %s", n + 1, strerror(errno));
			ATF_REQUIRE(close(fds[n]) == 0);
			full = 1;
			break;
		}
	}
	for (i = 0; i < n; i++)
		ATF_REQUIRE(close(fds[i]) == 0);
	ATF_REQUIRE_EQ(afx_count_fds(), before);
	if (full)
		afx_expectf(tc, "%d", n);
	else
		afx_expect(tc, "many");
}

/* listen() on a bound stream socket with the backlog, then count. */
static void
expect_backlog(const atf_tc_t *tc, int backlog)
{
	int fd;

	fd = afx_bound(SOCK_STREAM, "srv");
	if (listen(fd, backlog) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	expect_admitted(tc, "srv");
}

/* A listener with one connection waiting; the client is bound to "cli". */
static int
pending_listener(void)
{
	struct sockaddr_un sun;
	socklen_t len;
	int lfd, cfd;

	lfd = afx_listener("srv");
	cfd = afx_bound(SOCK_STREAM, "cli");
	len = afx_sun(&sun, "srv");
	ATF_REQUIRE_MSG(connect(cfd, (struct sockaddr *)&sun, len) == 0,
	    "connect: %s", strerror(errno));
	return (lfd);
}

AFX_TC(unbound, "lis.unbound",
    "listen on a stream socket that is not bound (Linux EINVAL, FreeBSD "
    "EDESTADDRREQ)")
ATF_TC_BODY(unbound, tc)
{

	afx_expect_rc(tc, listen(afx_socket(SOCK_STREAM), 8));
}

AFX_TC(dgram, "lis.dgram",
    "listen on a bound datagram socket")
ATF_TC_BODY(dgram, tc)
{

	afx_expect_rc(tc, listen(afx_bound(SOCK_DGRAM, "sock"), 8));
}

AFX_TC(twice, "lis.twice",
    "listen again on a listening socket, with another backlog")
ATF_TC_BODY(twice, tc)
{

	afx_expect_rc(tc, listen(afx_listener("srv"), 16));
}

AFX_TC(connected, "lis.connected",
    "listen on a connected stream socket")
ATF_TC_BODY(connected, tc)
{

	(void)afx_listener("srv");
	afx_expect_rc(tc, listen(afx_connected(SOCK_STREAM, "srv"), 8));
}

AFX_TC(backlog_zero, "lis.backlog_zero",
    "connections a listener with backlog 0 admits before refusing")
ATF_TC_BODY(backlog_zero, tc)
{

	expect_backlog(tc, 0);
}

AFX_TC(backlog_negative, "lis.backlog_negative",
    "listen with backlog -1: refused, or the connections it admits "
    "(\"many\": at least 32, the system maximum)")
ATF_TC_BODY(backlog_negative, tc)
{

	expect_backlog(tc, -1);
}

AFX_TC(accept_not_listening, "lis.accept_not_listening",
    "accept on a bound stream socket that does not listen")
ATF_TC_BODY(accept_not_listening, tc)
{
	int fd;

	fd = afx_bound(SOCK_STREAM, "sock");
	/* If the kernel took it for a listener it must not block. */
	afx_nonblock(fd);
	afx_expect_rc(tc, accept(fd, NULL, NULL));
}

AFX_TC(accept_dgram, "lis.accept_dgram",
    "accept on a bound datagram socket (Linux EOPNOTSUPP, FreeBSD EINVAL)")
ATF_TC_BODY(accept_dgram, tc)
{
	int fd;

	fd = afx_bound(SOCK_DGRAM, "sock");
	afx_nonblock(fd);
	afx_expect_rc(tc, accept(fd, NULL, NULL));
}

AFX_TC(accept_nonblock_empty, "lis.accept_nonblock_empty",
    "a non-blocking accept with no connection pending")
ATF_TC_BODY(accept_nonblock_empty, tc)
{
	int lfd;

	lfd = afx_listener("srv");
	afx_nonblock(lfd);
	afx_expect_rc(tc, accept(lfd, NULL, NULL));
}

AFX_TC(accept_inherits_nonblock, "lis.accept_inherits_nonblock",
    "whether accept() gives the new socket the listener's O_NONBLOCK "
    "(Linux no, the BSDs yes)")
ATF_TC_BODY(accept_inherits_nonblock, tc)
{
	int lfd;

	lfd = pending_listener();
	afx_nonblock(lfd);
	afx_expect(tc, is_nonblock(afx_accept(lfd)) ? "yes" : "no");
}

AFX_TC(accept4_nonblock, "lis.accept4_nonblock",
    "accept4(SOCK_NONBLOCK) sets O_NONBLOCK on the new socket")
ATF_TC_BODY(accept4_nonblock, tc)
{
#ifdef SOCK_NONBLOCK
	int lfd, fd;

	lfd = pending_listener();
	if ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	afx_expect(tc, is_nonblock(fd) ? "yes" : "no");
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(accept4_cloexec, "lis.accept4_cloexec",
    "accept4(SOCK_CLOEXEC) sets FD_CLOEXEC on the new socket")
ATF_TC_BODY(accept4_cloexec, tc)
{
#ifdef SOCK_CLOEXEC
	int lfd, fd, fl;

	lfd = pending_listener();
	if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	ATF_REQUIRE((fl = fcntl(fd, F_GETFD)) != -1);
	afx_expect(tc, (fl & FD_CLOEXEC) != 0 ? "yes" : "no");
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(accept4_bad_flags, "lis.accept4_bad_flags",
    "accept4 with a flag other than SOCK_NONBLOCK and SOCK_CLOEXEC")
ATF_TC_BODY(accept4_bad_flags, tc)
{
#ifdef SOCK_CLOEXEC
	int lfd;

	lfd = pending_listener();
	/* O_APPEND is no accept4 flag on any system. */
	afx_expect_rc(tc, accept4(lfd, NULL, NULL, O_APPEND));
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(accept_addr_bound, "lis.accept_addr_bound",
    "accept returns the path a bound client was bound to")
ATF_TC_BODY(accept_addr_bound, tc)
{
	struct sockaddr_un sun;
	socklen_t len;
	int lfd;

	lfd = pending_listener();
	memset(&sun, 0, sizeof(sun));
	len = sizeof(sun);
	ATF_REQUIRE_MSG(accept(lfd, (struct sockaddr *)&sun, &len) != -1,
	    "accept: %s", strerror(errno));
	afx_expect(tc, sun.sun_family == AF_UNIX &&
	    strcmp(sun.sun_path, "cli") == 0 ? "ok" : "other");
}

AFX_TC(accept_addrlen_zero, "lis.accept_addrlen_zero",
    "accept with *addrlen 0 and a bound client: the *addrlen it returns "
    "(Linux the real length, FreeBSD 0)")
ATF_TC_BODY(accept_addrlen_zero, tc)
{
	struct sockaddr_un sun;
	socklen_t len;
	int lfd;

	lfd = pending_listener();
	memset(&sun, 0xa5, sizeof(sun));
	len = 0;
	ATF_REQUIRE_MSG(accept(lfd, (struct sockaddr *)&sun, &len) != -1,
	    "accept: %s", strerror(errno));
	/* Nothing may be written into a buffer of length 0. */
	ATF_REQUIRE(((unsigned char *)&sun)[0] == 0xa5);
	afx_expectf(tc, "%u", (unsigned)len);
}

AFX_TC(so_acceptconn, "lis.so_acceptconn",
    "SO_ACCEPTCONN on a listener: the value getsockopt gives")
ATF_TC_BODY(so_acceptconn, tc)
{
	socklen_t len;
	int v;

	len = sizeof(v);
	if (getsockopt(afx_listener("srv"), SOL_SOCKET, SO_ACCEPTCONN, &v,
	    &len) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	afx_expectf(tc, "%d", v);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, unbound);
	ATF_TP_ADD_TC(tp, dgram);
	ATF_TP_ADD_TC(tp, twice);
	ATF_TP_ADD_TC(tp, connected);
	ATF_TP_ADD_TC(tp, backlog_zero);
	ATF_TP_ADD_TC(tp, backlog_negative);
	ATF_TP_ADD_TC(tp, accept_not_listening);
	ATF_TP_ADD_TC(tp, accept_dgram);
	ATF_TP_ADD_TC(tp, accept_nonblock_empty);
	ATF_TP_ADD_TC(tp, accept_inherits_nonblock);
	ATF_TP_ADD_TC(tp, accept4_nonblock);
	ATF_TP_ADD_TC(tp, accept4_cloexec);
	ATF_TP_ADD_TC(tp, accept4_bad_flags);
	ATF_TP_ADD_TC(tp, accept_addr_bound);
	ATF_TP_ADD_TC(tp, accept_addrlen_zero);
	ATF_TP_ADD_TC(tp, so_acceptconn);
	return (atf_no_error());
}
