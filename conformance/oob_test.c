/*
 * MSG_OOB (catalogue group OOB): out-of-band data on stream sockets,
 * which Linux has had since 5.15 (CONFIG_AF_UNIX_OOB) and the BSDs refuse:
 * one urgent byte, the mark where reading stops, sockatmark(), a second
 * urgent byte, SO_OOBINLINE, SIGURG, POLLPRI, and MSG_OOB on datagram
 * and seqpacket sockets.  Where the first send(MSG_OOB) fails, a test
 * reports its errno.  Every check is keyed in platforms/.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "afx.h"

/*
 * Send s with MSG_OOB, so its last byte is the urgent one.  0, or -1
 * after reporting the errno as the test's outcome.
 */
static int
send_oob(const atf_tc_t *tc, int fd, const char *s)
{
	size_t len = strlen(s);
	ssize_t n;

	n = send(fd, s, len, MSG_OOB);
	if (n == -1) {
		afx_expect(tc, afx_errname(errno));
		return (-1);
	}
	ATF_REQUIRE_EQ((size_t)n, len);
	return (0);
}

/*
 * A receive that cannot block, as a string: the bytes, "eof" for none,
 * or errno's name.
 */
static const char *
recv_str(int fd, char *buf, size_t size, int flags)
{
	ssize_t n;

	n = recv(fd, buf, size - 1, flags | MSG_DONTWAIT);
	if (n == -1)
		return (afx_errname(errno));
	if (n == 0)
		return ("eof");
	buf[n] = '\0';
	return (buf);
}

/*
 * Non-blocking receives with the given flags, one after the other; the
 * results joined by '-' are the test's outcome.
 */
static void
expect_reads(const atf_tc_t *tc, int fd, const int *flags, int n)
{
	char buf[4][16], out[96];
	size_t len = 0;
	int i;

	ATF_REQUIRE(n > 0 && n <= 4);
	for (i = 0; i < n; i++) {
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%s",
		    i > 0 ? "-" : "", recv_str(fd, buf[i], sizeof(buf[i]),
		    flags[i]));
		ATF_REQUIRE(len < sizeof(out));
	}
	afx_expect(tc, out);
}

/* Whether sig is pending (blocked beforehand); take it if so. */
static const char *
sig_taken(int sig, const char *name)
{
	sigset_t set;
	int got;

	ATF_REQUIRE(sigpending(&set) == 0);
	if (!sigismember(&set, sig))
		return ("none");
	sigemptyset(&set);
	sigaddset(&set, sig);
	ATF_REQUIRE(sigwait(&set, &got) == 0 && got == sig);
	return (name);
}

static int
pollpri(int fd)
{
	struct pollfd p;

	memset(&p, 0, sizeof(p));
	p.fd = fd;
	p.events = POLLPRI;
	ATF_REQUIRE(poll(&p, 1, 0) != -1);
	return ((p.revents & POLLPRI) != 0);
}

/* MSG_OOB on a socket of a type other than stream. */
static void
expect_oob_type(const atf_tc_t *tc, int type)
{
	int sv[2];

	if (socketpair(AF_UNIX, type, 0, sv) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	afx_expect_rc(tc, (int)send(sv[0], "x", 1, MSG_OOB));
}

AFX_TC(send_stream, "oob.send_stream",
    "stream: send of one byte with MSG_OOB")
ATF_TC_BODY(send_stream, tc)
{
	int sv[2];

	afx_pair(SOCK_STREAM, sv);
	afx_expect_rc(tc, (int)send(sv[0], "x", 1, MSG_OOB));
}

AFX_TC(recv_byte, "oob.recv_byte",
    "stream: after send(\"hello\", MSG_OOB), recv(MSG_OOB) returns")
ATF_TC_BODY(recv_byte, tc)
{
	char buf[16];
	int sv[2];

	afx_pair(SOCK_STREAM, sv);
	if (send_oob(tc, sv[0], "hello") == -1)
		return;
	afx_expect(tc, recv_str(sv[1], buf, sizeof(buf), MSG_OOB));
}

AFX_TC(recv_none, "oob.recv_none",
    "stream: recv(MSG_OOB) with only normal data queued")
ATF_TC_BODY(recv_none, tc)
{
	char buf[16];
	int sv[2];

	afx_pair(SOCK_STREAM, sv);
	afx_send_str(sv[0], "hello", 0);
	afx_expect(tc, recv_str(sv[1], buf, sizeof(buf), MSG_OOB));
}

AFX_TC(stops_at_mark, "oob.stops_at_mark",
    "stream: a normal recv of \"hello\" sent with MSG_OOB stops at the mark")
ATF_TC_BODY(stops_at_mark, tc)
{
	char buf[16];
	int sv[2];

	afx_pair(SOCK_STREAM, sv);
	if (send_oob(tc, sv[0], "hello") == -1)
		return;
	afx_expect(tc, recv_str(sv[1], buf, sizeof(buf), 0));
}

AFX_TC(atmark, "oob.atmark",
    "stream: sockatmark before reading and after reading up to the mark")
ATF_TC_BODY(atmark, tc)
{
	char buf[16];
	int sv[2], before, after;

	afx_pair(SOCK_STREAM, sv);
	if (send_oob(tc, sv[0], "hello") == -1)
		return;
	before = sockatmark(sv[1]);
	if (before == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	(void)recv_str(sv[1], buf, sizeof(buf), 0);
	after = sockatmark(sv[1]);
	afx_expectf(tc, "%d-%d", before, after);
}

AFX_TC(replaced, "oob.replaced",
    "stream: urgent a, then urgent b: normal read, then the MSG_OOB read")
ATF_TC_BODY(replaced, tc)
{
	static const int flags[] = { 0, MSG_OOB };
	int sv[2];

	afx_pair(SOCK_STREAM, sv);
	if (send_oob(tc, sv[0], "a") == -1)
		return;
	ATF_REQUIRE(send(sv[0], "b", 1, MSG_OOB) == 1);
	expect_reads(tc, sv[1], flags, 2);
}

AFX_TC(dropped, "oob.dropped",
    "stream: \"hello\" urgent then \"world\": two normal reads, then MSG_OOB")
ATF_TC_BODY(dropped, tc)
{
	static const int flags[] = { 0, 0, MSG_OOB };
	int sv[2];

	afx_pair(SOCK_STREAM, sv);
	if (send_oob(tc, sv[0], "hello") == -1)
		return;
	afx_send_str(sv[0], "world", 0);
	expect_reads(tc, sv[1], flags, 3);
}

AFX_TC(oobinline, "oob.oobinline",
    "stream: with SO_OOBINLINE two normal reads of \"hello\", then MSG_OOB")
ATF_TC_BODY(oobinline, tc)
{
	static const int flags[] = { 0, 0, MSG_OOB };
	int sv[2], on = 1;

	afx_pair(SOCK_STREAM, sv);
	ATF_REQUIRE(setsockopt(sv[1], SOL_SOCKET, SO_OOBINLINE, &on,
	    sizeof(on)) == 0);
	if (send_oob(tc, sv[0], "hello") == -1)
		return;
	expect_reads(tc, sv[1], flags, 3);
}

AFX_TC(peek, "oob.peek",
    "stream: recv(MSG_OOB|MSG_PEEK) twice, then recv(MSG_OOB)")
ATF_TC_BODY(peek, tc)
{
	static const int flags[] = { MSG_OOB | MSG_PEEK, MSG_OOB | MSG_PEEK,
	    MSG_OOB };
	int sv[2];

	afx_pair(SOCK_STREAM, sv);
	if (send_oob(tc, sv[0], "hello") == -1)
		return;
	expect_reads(tc, sv[1], flags, 3);
}

AFX_TC(sigurg, "oob.sigurg",
    "stream: the F_SETOWN owner of the receiver gets SIGURG")
ATF_TC_BODY(sigurg, tc)
{
	sigset_t set;
	int sv[2];

	sigemptyset(&set);
	sigaddset(&set, SIGURG);
	ATF_REQUIRE(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
	afx_pair(SOCK_STREAM, sv);
	ATF_REQUIRE(fcntl(sv[1], F_SETOWN, getpid()) == 0);
	if (send_oob(tc, sv[0], "x") == -1)
		return;
	afx_expect(tc, sig_taken(SIGURG, "SIGURG"));
}

AFX_TC(pollpri, "oob.pollpri",
    "stream: POLLPRI while urgent data waits, then after recv(MSG_OOB)")
ATF_TC_BODY(pollpri, tc)
{
	char buf[16];
	int sv[2], before;

	afx_pair(SOCK_STREAM, sv);
	if (send_oob(tc, sv[0], "hello") == -1)
		return;
	before = pollpri(sv[1]);
	ATF_REQUIRE_STREQ(recv_str(sv[1], buf, sizeof(buf), MSG_OOB), "o");
	afx_expectf(tc, "%s-%s", before ? "POLLPRI" : "0",
	    pollpri(sv[1]) ? "POLLPRI" : "0");
}

AFX_TC(dgram, "oob.dgram",
    "datagram: send with MSG_OOB")
ATF_TC_BODY(dgram, tc)
{

	expect_oob_type(tc, SOCK_DGRAM);
}

AFX_TC(seqpacket, "oob.seqpacket",
    "seqpacket: send with MSG_OOB")
ATF_TC_BODY(seqpacket, tc)
{

	expect_oob_type(tc, SOCK_SEQPACKET);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, send_stream);
	ATF_TP_ADD_TC(tp, recv_byte);
	ATF_TP_ADD_TC(tp, recv_none);
	ATF_TP_ADD_TC(tp, stops_at_mark);
	ATF_TP_ADD_TC(tp, atmark);
	ATF_TP_ADD_TC(tp, replaced);
	ATF_TP_ADD_TC(tp, dropped);
	ATF_TP_ADD_TC(tp, oobinline);
	ATF_TP_ADD_TC(tp, peek);
	ATF_TP_ADD_TC(tp, sigurg);
	ATF_TP_ADD_TC(tp, pollpri);
	ATF_TP_ADD_TC(tp, dgram);
	ATF_TP_ADD_TC(tp, seqpacket);
	return (atf_no_error());
}
