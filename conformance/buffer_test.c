/*
 * Buffers, timeouts and socket options (catalogue group BUF): the send
 * and receive buffer sizes and what setting them does, filling a stream
 * without blocking, the byte counts FIONREAD and SIOCOUTQ report, send
 * and receive timeouts, SO_ERROR, SO_ACCEPTCONN and SO_RCVLOWAT.  Every
 * check is keyed in platforms/.
 */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#ifdef __linux__
#include <linux/sockios.h>	/* SIOCOUTQ */
#endif

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <atf-c.h>

#include "afx.h"

/* Enough to fill any buffer seen so far many times over, yet quick. */
#define FILL_LIMIT	((size_t)64 * 1024 * 1024)
/* Single-byte writes after the first refusal, a bound of their own. */
#define FILL_BYTES	65536
/* A timeout short enough for a fast test, long enough to be one. */
#define TIMEO_USEC	20000

static int
get_int(int fd, int opt)
{
	socklen_t len = sizeof(int);
	int v = -1;

	ATF_REQUIRE_MSG(getsockopt(fd, SOL_SOCKET, opt, &v, &len) == 0,
	    "getsockopt(%d): %s", opt, strerror(errno));
	return (v);
}

static void
set_nonblock(int fd, int on)
{
	int fl;

	fl = fcntl(fd, F_GETFL);
	ATF_REQUIRE(fl != -1);
	fl = on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK;
	ATF_REQUIRE(fcntl(fd, F_SETFL, fl) == 0);
}

/*
 * Write to a non-blocking stream socket until the kernel refuses more;
 * the errno of that refusal, or 0 if it never came within the bounds.
 * Single bytes at the end take up what room a large write could not.
 */
static int
fill(int fd, size_t *total)
{
	static char chunk[4096];
	ssize_t n;
	int i;

	*total = 0;
	while (*total < FILL_LIMIT) {
		n = write(fd, chunk, sizeof(chunk));
		if (n == -1 && errno != EAGAIN)
			return (errno);
		if (n == -1)
			break;
		*total += (size_t)n;
	}
	if (*total >= FILL_LIMIT)
		return (0);
	for (i = 0; i < FILL_BYTES; i++) {
		if (write(fd, chunk, 1) == -1)
			return (errno);
		(*total)++;
	}
	return (0);
}

static void
set_timeo(int fd, int opt, long usec)
{
	struct timeval tv;

	tv.tv_sec = 0;
	tv.tv_usec = usec;
	ATF_REQUIRE_MSG(setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof(tv)) == 0,
	    "setsockopt timeout: %s", strerror(errno));
}

static double
now(void)
{
	struct timespec ts;

	ATF_REQUIRE(clock_gettime(CLOCK_MONOTONIC, &ts) == 0);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

/* The outcome of a call that was given a timeout, which must end it. */
static void
expect_timed(const atf_tc_t *tc, ssize_t rc, int err, double start)
{
	double took = now() - start;

	printf("returned after %.3f s\n", took);
	ATF_REQUIRE_MSG(took < 1.0, "a %d us timeout took %.3f s", TIMEO_USEC,
	    took);
	afx_expect(tc, afx_result((int)rc, err));
}

/* The FIONREAD count after datagrams (or writes) of 3 then 5 bytes. */
static void
expect_fionread(const atf_tc_t *tc, int type)
{
	int sv[2], n = -1;

	afx_pair(type, sv);
	ATF_REQUIRE(send(sv[0], "abc", 3, 0) == 3);
	ATF_REQUIRE(send(sv[0], "defgh", 5, 0) == 5);
	if (ioctl(sv[1], FIONREAD, &n) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	afx_expectf(tc, "%d", n);
}

AFX_TC(sndbuf_default_stream, "buf.sndbuf_default_stream",
    "the default SO_SNDBUF of a stream socket")
ATF_TC_BODY(sndbuf_default_stream, tc)
{

	afx_expectf(tc, "%d", get_int(afx_socket(SOCK_STREAM), SO_SNDBUF));
}

AFX_TC(rcvbuf_default_stream, "buf.rcvbuf_default_stream",
    "the default SO_RCVBUF of a stream socket")
ATF_TC_BODY(rcvbuf_default_stream, tc)
{

	afx_expectf(tc, "%d", get_int(afx_socket(SOCK_STREAM), SO_RCVBUF));
}

AFX_TC(sndbuf_default_dgram, "buf.sndbuf_default_dgram",
    "the default SO_SNDBUF of a datagram socket")
ATF_TC_BODY(sndbuf_default_dgram, tc)
{

	afx_expectf(tc, "%d", get_int(afx_socket(SOCK_DGRAM), SO_SNDBUF));
}

AFX_TC(sndbuf_set, "buf.sndbuf_set",
    "SO_SNDBUF set to 4096 on a stream socket reads back as")
ATF_TC_BODY(sndbuf_set, tc)
{
	int fd, v = 4096;

	fd = afx_socket(SOCK_STREAM);
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	afx_expectf(tc, "%d", get_int(fd, SO_SNDBUF));
}

AFX_TC(rcvbuf_set, "buf.rcvbuf_set",
    "SO_RCVBUF set to 4096 on a stream socket reads back as")
ATF_TC_BODY(rcvbuf_set, tc)
{
	int fd, v = 4096;

	fd = afx_socket(SOCK_STREAM);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	afx_expectf(tc, "%d", get_int(fd, SO_RCVBUF));
}

AFX_TC(nonblock_fill_stream, "buf.nonblock_fill_stream",
    "writing to a non-blocking stream nobody reads ends with this errno")
ATF_TC_BODY(nonblock_fill_stream, tc)
{
	size_t total;
	int sv[2], err;

	afx_pair(SOCK_STREAM, sv);
	set_nonblock(sv[0], 1);
	err = fill(sv[0], &total);
	printf("%zu bytes went in\n", total);
	afx_expect(tc, err == 0 ? "unbounded" : afx_errname(err));
}

AFX_TC(fionread_stream, "buf.fionread_stream",
    "stream: FIONREAD after writes of 3 and 5 bytes")
ATF_TC_BODY(fionread_stream, tc)
{

	expect_fionread(tc, SOCK_STREAM);
}

AFX_TC(fionread_dgram, "buf.fionread_dgram",
    "datagram: FIONREAD after datagrams of 3 and 5 bytes (next or total)")
ATF_TC_BODY(fionread_dgram, tc)
{

	expect_fionread(tc, SOCK_DGRAM);
}

AFX_TC(fionread_listener, "buf.fionread_listener",
    "FIONREAD on a listening socket")
ATF_TC_BODY(fionread_listener, tc)
{
	int n = -1;

	if (ioctl(afx_listener("srv"), FIONREAD, &n) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	afx_expectf(tc, "%d", n);
}

AFX_TC(siocoutq_stream, "buf.siocoutq_stream",
    "stream: SIOCOUTQ after 3 unread bytes: bytes, more (memory) or 0")
ATF_TC_BODY(siocoutq_stream, tc)
{
#ifdef SIOCOUTQ
	int sv[2], n = -1;

	afx_pair(SOCK_STREAM, sv);
	ATF_REQUIRE(send(sv[0], "abc", 3, 0) == 3);
	if (ioctl(sv[0], SIOCOUTQ, &n) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	printf("SIOCOUTQ: %d\n", n);
	/* Some kernels count the buffer memory, not the payload. */
	afx_expect(tc, n == 3 ? "bytes" : n > 3 ? "more" : n == 0 ? "0" :
	    "less");
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(rcvtimeo_expires, "buf.rcvtimeo_expires",
    "a recv on an empty stream with a 20 ms SO_RCVTIMEO times out with")
ATF_TC_BODY(rcvtimeo_expires, tc)
{
	char c;
	double start;
	ssize_t rc;
	int sv[2];

	afx_pair(SOCK_STREAM, sv);
	set_timeo(sv[0], SO_RCVTIMEO, TIMEO_USEC);
	start = now();
	rc = recv(sv[0], &c, 1, 0);
	expect_timed(tc, rc, errno, start);
}

AFX_TC(sndtimeo_expires, "buf.sndtimeo_expires",
    "a send to a full stream with a 20 ms SO_SNDTIMEO times out with")
ATF_TC_BODY(sndtimeo_expires, tc)
{
	double start;
	size_t total;
	ssize_t rc;
	int sv[2];

	afx_pair(SOCK_STREAM, sv);
	set_nonblock(sv[0], 1);
	ATF_REQUIRE_EQ(fill(sv[0], &total), EAGAIN);
	set_nonblock(sv[0], 0);
	set_timeo(sv[0], SO_SNDTIMEO, TIMEO_USEC);
	start = now();
	rc = send(sv[0], "x", 1, 0);
	expect_timed(tc, rc, errno, start);
}

AFX_TC(timeo_usec_range, "buf.timeo_usec_range",
    "SO_RCVTIMEO with tv_usec = 1000000, out of range")
ATF_TC_BODY(timeo_usec_range, tc)
{
	struct timeval tv;

	tv.tv_sec = 0;
	tv.tv_usec = 1000000;
	afx_expect_rc(tc, setsockopt(afx_socket(SOCK_STREAM), SOL_SOCKET,
	    SO_RCVTIMEO, &tv, sizeof(tv)));
}

AFX_TC(so_error_peer_reset, "buf.so_error_peer_reset",
    "stream: SO_ERROR after the peer closed with data unread ('0' if none)")
ATF_TC_BODY(so_error_peer_reset, tc)
{
	int sv[2], err;

	afx_pair(SOCK_STREAM, sv);
	ATF_REQUIRE(send(sv[0], "abc", 3, 0) == 3);
	ATF_REQUIRE(close(sv[1]) == 0);
	err = get_int(sv[0], SO_ERROR);
	afx_expect(tc, err == 0 ? "0" : afx_errname(err));
}

AFX_TC(acceptconn, "buf.acceptconn",
    "SO_ACCEPTCONN on a listener and on a connected socket ('1-0')")
ATF_TC_BODY(acceptconn, tc)
{
	int lfd, cfd;

	lfd = afx_listener("srv");
	cfd = afx_connected(SOCK_STREAM, "srv");
	afx_expectf(tc, "%d-%d", get_int(lfd, SO_ACCEPTCONN) != 0,
	    get_int(cfd, SO_ACCEPTCONN) != 0);
}

AFX_TC(rcvlowat_poll, "buf.rcvlowat_poll",
    "stream: SO_RCVLOWAT 4 with 2 bytes queued: does poll say readable")
ATF_TC_BODY(rcvlowat_poll, tc)
{
	struct pollfd p;
	int sv[2], lowat = 4;

	afx_pair(SOCK_STREAM, sv);
	if (setsockopt(sv[1], SOL_SOCKET, SO_RCVLOWAT, &lowat,
	    sizeof(lowat)) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	ATF_REQUIRE_EQ(get_int(sv[1], SO_RCVLOWAT), 4);
	ATF_REQUIRE(send(sv[0], "ab", 2, 0) == 2);
	memset(&p, 0, sizeof(p));
	p.fd = sv[1];
	p.events = POLLIN;
	ATF_REQUIRE(poll(&p, 1, 0) != -1);
	afx_expect(tc, (p.revents & POLLIN) != 0 ? "readable" :
	    "not_readable");
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, sndbuf_default_stream);
	ATF_TP_ADD_TC(tp, rcvbuf_default_stream);
	ATF_TP_ADD_TC(tp, sndbuf_default_dgram);
	ATF_TP_ADD_TC(tp, sndbuf_set);
	ATF_TP_ADD_TC(tp, rcvbuf_set);
	ATF_TP_ADD_TC(tp, nonblock_fill_stream);
	ATF_TP_ADD_TC(tp, fionread_stream);
	ATF_TP_ADD_TC(tp, fionread_dgram);
	ATF_TP_ADD_TC(tp, fionread_listener);
	ATF_TP_ADD_TC(tp, siocoutq_stream);
	ATF_TP_ADD_TC(tp, rcvtimeo_expires);
	ATF_TP_ADD_TC(tp, sndtimeo_expires);
	ATF_TP_ADD_TC(tp, timeo_usec_range);
	ATF_TP_ADD_TC(tp, so_error_peer_reset);
	ATF_TP_ADD_TC(tp, acceptconn);
	ATF_TP_ADD_TC(tp, rcvlowat_poll);
	return (atf_no_error());
}
