/*
 * socketpair specifics (catalogue group SP): a pair of each type is
 * connected both ways at once, the creation flags reach both ends, the
 * ends have no names, and what socketpair refuses.  Every check is keyed
 * in platforms/.
 */
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

/*
 * Make a pair of the type and send one message each way on it: "ok", the
 * errno of socketpair(), or "lost" when a message did not arrive whole.
 */
static void
expect_duplex(const atf_tc_t *tc, int type)
{
	char buf[8];
	int sv[2];

	if (socketpair(AF_UNIX, type, 0, sv) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	ATF_REQUIRE(send(sv[0], "ping", 4, MSG_DONTWAIT) == 4);
	ATF_REQUIRE(send(sv[1], "pong", 4, MSG_DONTWAIT) == 4);
	afx_expect(tc,
	    recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT) == 4 &&
	    memcmp(buf, "ping", 4) == 0 &&
	    recv(sv[0], buf, sizeof(buf), MSG_DONTWAIT) == 4 &&
	    memcmp(buf, "pong", 4) == 0 ? "ok" : "lost");
	ATF_REQUIRE(close(sv[0]) == 0 && close(sv[1]) == 0);
}

/*
 * socketpair() with arguments it should refuse: its errno, after checking
 * that a failure leaves no descriptor behind.
 */
static void
expect_refused(const atf_tc_t *tc, int domain, int type, int protocol)
{
	int before, rc, err, sv[2];

	before = afx_count_fds();
	rc = socketpair(domain, type, protocol, sv);
	err = errno;
	if (rc == 0) {
		ATF_REQUIRE(close(sv[0]) == 0 && close(sv[1]) == 0);
		afx_expect(tc, "ok");
		return;
	}
	ATF_REQUIRE_EQ(afx_count_fds(), before);
	afx_expect(tc, afx_errname(err));
}

#if defined(SOCK_NONBLOCK) || defined(SOCK_CLOEXEC)
/* Which ends of a pair have the descriptor or file status flag set. */
static const char *
ends_with(int sv[2], int fd_flag, int fl_flag)
{
	int i, n, v;

	n = 0;
	for (i = 0; i < 2; i++) {
		v = fd_flag != 0 ? fcntl(sv[i], F_GETFD) : fcntl(sv[i],
		    F_GETFL);
		ATF_REQUIRE(v != -1);
		if ((v & (fd_flag | fl_flag)) != 0)
			n++;
	}
	return (n == 2 ? "both" : n == 1 ? "one" : "neither");
}
#endif

AFX_TC(stream_duplex, "sp.stream_duplex",
    "a SOCK_STREAM pair carries data both ways at once")
ATF_TC_BODY(stream_duplex, tc)
{

	expect_duplex(tc, SOCK_STREAM);
}

AFX_TC(dgram_duplex, "sp.dgram_duplex",
    "a SOCK_DGRAM pair is connected in both directions")
ATF_TC_BODY(dgram_duplex, tc)
{

	expect_duplex(tc, SOCK_DGRAM);
}

AFX_TC(seqpacket_duplex, "sp.seqpacket_duplex",
    "a SOCK_SEQPACKET pair carries records both ways, where the type exists")
ATF_TC_BODY(seqpacket_duplex, tc)
{

#ifdef SOCK_SEQPACKET
	expect_duplex(tc, SOCK_SEQPACKET);
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(nonblock, "sp.nonblock",
    "SOCK_NONBLOCK alone: both ends are non-blocking, neither close-on-exec")
ATF_TC_BODY(nonblock, tc)
{
#ifdef SOCK_NONBLOCK
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	ATF_REQUIRE_STREQ(ends_with(sv, FD_CLOEXEC, 0), "neither");
	afx_expect(tc, ends_with(sv, 0, O_NONBLOCK));
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(nonblock_recv, "sp.nonblock_recv",
    "a plain recv on an empty SOCK_NONBLOCK stream pair does not wait")
ATF_TC_BODY(nonblock_recv, tc)
{
#ifdef SOCK_NONBLOCK
	char buf[8];
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	/* Guarded: were the flag lost, recv would wait for ever. */
	ATF_REQUIRE((fcntl(sv[1], F_GETFL) & O_NONBLOCK) != 0);
	if (recv(sv[1], buf, sizeof(buf), 0) == -1)
		afx_expect(tc, afx_errname(errno));
	else
		afx_expect(tc, "data");
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(cloexec, "sp.cloexec",
    "SOCK_CLOEXEC alone: both ends close-on-exec, neither non-blocking")
ATF_TC_BODY(cloexec, tc)
{
#ifdef SOCK_CLOEXEC
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	ATF_REQUIRE_STREQ(ends_with(sv, 0, O_NONBLOCK), "neither");
	afx_expect(tc, ends_with(sv, FD_CLOEXEC, 0));
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(getsockname_len, "sp.getsockname_len",
    "getsockname on a socketpair end (unnamed): the length returned")
ATF_TC_BODY(getsockname_len, tc)
{
	union afx_bigaddr a;
	socklen_t len;
	int sv[2];

	ATF_REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	len = sizeof(a);
	memset(&a, 0, sizeof(a));
	if (getsockname(sv[0], (struct sockaddr *)&a, &len) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	afx_expectf(tc, "%u", (unsigned)len);
}

AFX_TC(getpeername_len, "sp.getpeername_len",
    "getpeername on a socketpair end (unnamed peer): the length returned")
ATF_TC_BODY(getpeername_len, tc)
{
	union afx_bigaddr a;
	socklen_t len;
	int sv[2];

	ATF_REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	len = sizeof(a);
	memset(&a, 0, sizeof(a));
	if (getpeername(sv[0], (struct sockaddr *)&a, &len) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	afx_expectf(tc, "%u", (unsigned)len);
}

AFX_TC(getpeername_dgram, "sp.getpeername_dgram",
    "getpeername on an end of a datagram socketpair")
ATF_TC_BODY(getpeername_dgram, tc)
{
	union afx_bigaddr a;
	socklen_t len;
	int sv[2];

	ATF_REQUIRE(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
	len = sizeof(a);
	afx_expect_rc(tc, getpeername(sv[1], (struct sockaddr *)&a, &len));
}

AFX_TC(bad_protocol, "sp.bad_protocol",
    "socketpair(AF_UNIX, SOCK_STREAM, 17): a protocol AF_UNIX does not have")
ATF_TC_BODY(bad_protocol, tc)
{

	expect_refused(tc, AF_UNIX, SOCK_STREAM, 17);
}

AFX_TC(bad_type, "sp.bad_type",
    "socketpair(AF_UNIX, SOCK_RAW, 0)")
ATF_TC_BODY(bad_type, tc)
{

	expect_refused(tc, AF_UNIX, SOCK_RAW, 0);
}

AFX_TC(bad_domain, "sp.bad_domain",
    "socketpair(AF_INET, SOCK_STREAM, 0): a family without socketpair")
ATF_TC_BODY(bad_domain, tc)
{

	expect_refused(tc, AF_INET, SOCK_STREAM, 0);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, stream_duplex);
	ATF_TP_ADD_TC(tp, dgram_duplex);
	ATF_TP_ADD_TC(tp, seqpacket_duplex);
	ATF_TP_ADD_TC(tp, nonblock);
	ATF_TP_ADD_TC(tp, nonblock_recv);
	ATF_TP_ADD_TC(tp, cloexec);
	ATF_TP_ADD_TC(tp, getsockname_len);
	ATF_TP_ADD_TC(tp, getpeername_len);
	ATF_TP_ADD_TC(tp, getpeername_dgram);
	ATF_TP_ADD_TC(tp, bad_protocol);
	ATF_TP_ADD_TC(tp, bad_type);
	ATF_TP_ADD_TC(tp, bad_domain);
	return (atf_no_error());
}
