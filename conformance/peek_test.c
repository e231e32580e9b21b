/*
 * MSG_PEEK (catalogue group PEEK): peeking leaves the data queued, how
 * much one peek returns on each socket type, MSG_PEEK with MSG_TRUNC
 * and MSG_DONTWAIT, the flags recvmsg hands back, and Linux's
 * SO_PEEK_OFF, which makes successive peeks move on.  Every check is
 * keyed in platforms/.
 */
#ifdef __linux__
#define _DEFAULT_SOURCE		/* glibc shows SO_PEEK_OFF only with it */
#endif

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "afx.h"

/* recv into buf as a string (size includes the NUL): length or -1. */
static ssize_t
recv_str(int fd, char *buf, size_t size, int flags)
{
	ssize_t n;

	n = recv(fd, buf, size - 1, flags | MSG_DONTWAIT);
	buf[n > 0 ? n : 0] = '\0';
	return (n);
}

/* The msg_flags bits that matter here, by name, "0" for none. */
static const char *
flag_names(int flags, char *buf, size_t size)
{
	static const struct {
		int	bit;
		const char *name;
	} names[] = {
		{ MSG_OOB, "MSG_OOB" },
		{ MSG_PEEK, "MSG_PEEK" },
		{ MSG_TRUNC, "MSG_TRUNC" },
		{ MSG_CTRUNC, "MSG_CTRUNC" },
		{ MSG_EOR, "MSG_EOR" },
	};
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if ((flags & names[i].bit) == 0)
			continue;
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
		    len > 0 ? "+" : "", names[i].name);
		ATF_REQUIRE(len < size);
	}
	if (len == 0)
		snprintf(buf, size, "0");
	return (buf);
}

/*
 * Two messages of 2 and 8 bytes, then one peek into a large buffer: the
 * length it returns, or the errno of socketpair when the type is missing.
 */
static void
expect_first_message(const atf_tc_t *tc, int type)
{
	char buf[64];
	int sv[2];

	if (afx_try_pair(type, sv) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	afx_send_str(sv[0], "ab", 0);
	afx_send_str(sv[0], "cdefghij", 0);
	afx_expectf(tc, "%zd", recv_str(sv[1], buf, sizeof(buf), MSG_PEEK));
}

/* Whether SO_PEEK_OFF can be set to 0 on a socket of the type. */
static void
expect_peek_off(const atf_tc_t *tc, int type)
{
#ifdef SO_PEEK_OFF
	int sv[2], off = 0;

	if (afx_try_pair(type, sv) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	afx_expect_rc(tc, setsockopt(sv[1], SOL_SOCKET, SO_PEEK_OFF, &off,
	    sizeof(off)));
#else
	(void)type;
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(stream_keeps, "peek.stream_keeps",
    "stream: MSG_PEEK returns the same bytes twice and leaves them queued")
ATF_TC_BODY(stream_keeps, tc)
{
	char a[16], b[16], c[16];
	int sv[2];

	afx_pair(SOCK_STREAM, sv);
	afx_send_str(sv[0], "hello", 0);
	ATF_REQUIRE(recv_str(sv[1], a, sizeof(a), MSG_PEEK) == 5);
	ATF_REQUIRE(recv_str(sv[1], b, sizeof(b), MSG_PEEK) == 5);
	ATF_REQUIRE(recv_str(sv[1], c, sizeof(c), 0) == 5);
	afx_expect(tc, strcmp(a, "hello") == 0 && strcmp(b, "hello") == 0 &&
	    strcmp(c, "hello") == 0 ? "ok" : "changed");
}

AFX_TC(stream_segments, "peek.stream_segments",
    "stream: one peek after two writes of 3 bytes returns how many")
ATF_TC_BODY(stream_segments, tc)
{
	char buf[64];
	int sv[2];

	afx_pair(SOCK_STREAM, sv);
	afx_send_str(sv[0], "abc", 0);
	afx_send_str(sv[0], "def", 0);
	afx_expectf(tc, "%zd", recv_str(sv[1], buf, sizeof(buf), MSG_PEEK));
}

AFX_TC(dgram_first_message, "peek.dgram_first_message",
    "datagram: a peek returns the first datagram only (2 of 2+8)")
ATF_TC_BODY(dgram_first_message, tc)
{

	expect_first_message(tc, SOCK_DGRAM);
}

AFX_TC(seqpacket_first_message, "peek.seqpacket_first_message",
    "seqpacket: a peek returns the first record only (2 of 2+8)")
ATF_TC_BODY(seqpacket_first_message, tc)
{

	expect_first_message(tc, SOCK_SEQPACKET);
}

AFX_TC(trunc_dgram, "peek.trunc_dgram",
    "datagram: MSG_PEEK|MSG_TRUNC with a 0-byte buffer returns")
ATF_TC_BODY(trunc_dgram, tc)
{
	char buf[16];
	ssize_t n;
	int sv[2];

	afx_pair(SOCK_DGRAM, sv);
	afx_send_str(sv[0], "abcdefgh", 0);
	n = recv(sv[1], buf, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
	if (n == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	/* A peek never takes the datagram, whatever it reported. */
	ATF_REQUIRE(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT) == 8);
	afx_expectf(tc, "%zd", n);
}

AFX_TC(msg_flags, "peek.msg_flags",
    "datagram: msg_flags after peeking 2 bytes of an 8-byte datagram")
ATF_TC_BODY(msg_flags, tc)
{
	struct msghdr msg;
	struct iovec iov;
	char buf[2], names[64];
	int sv[2];

	afx_pair(SOCK_DGRAM, sv);
	afx_send_str(sv[0], "abcdefgh", 0);
	afx_msg(&msg, &iov, buf, sizeof(buf), NULL, 0);
	ATF_REQUIRE(recvmsg(sv[1], &msg, MSG_PEEK | MSG_DONTWAIT) == 2);
	afx_expect(tc, flag_names(msg.msg_flags, names, sizeof(names)));
}

AFX_TC(dontwait_empty, "peek.dontwait_empty",
    "stream: MSG_PEEK|MSG_DONTWAIT on an empty socket")
ATF_TC_BODY(dontwait_empty, tc)
{
	char c;
	int sv[2];

	afx_pair(SOCK_STREAM, sv);
	afx_expect_rc(tc, (int)recv(sv[1], &c, 1, MSG_PEEK | MSG_DONTWAIT));
}

AFX_TC(off_stream, "peek.off_stream",
    "stream: setting SO_PEEK_OFF to 0")
ATF_TC_BODY(off_stream, tc)
{

	expect_peek_off(tc, SOCK_STREAM);
}

AFX_TC(off_dgram, "peek.off_dgram",
    "datagram: setting SO_PEEK_OFF to 0")
ATF_TC_BODY(off_dgram, tc)
{

	expect_peek_off(tc, SOCK_DGRAM);
}

AFX_TC(off_seqpacket, "peek.off_seqpacket",
    "seqpacket: setting SO_PEEK_OFF to 0")
ATF_TC_BODY(off_seqpacket, tc)
{

	expect_peek_off(tc, SOCK_SEQPACKET);
}

AFX_TC(off_stream_advances, "peek.off_stream_advances",
    "stream: with SO_PEEK_OFF two 4-byte peeks of aaaabbbb, then a read")
ATF_TC_BODY(off_stream_advances, tc)
{
#ifdef SO_PEEK_OFF
	char a[5], b[5], c[5];
	int sv[2], off = 0;

	afx_pair(SOCK_STREAM, sv);
	if (setsockopt(sv[1], SOL_SOCKET, SO_PEEK_OFF, &off,
	    sizeof(off)) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	afx_send_str(sv[0], "aaaabbbb", 0);
	ATF_REQUIRE(recv_str(sv[1], a, sizeof(a), MSG_PEEK) == 4);
	ATF_REQUIRE(recv_str(sv[1], b, sizeof(b), MSG_PEEK) == 4);
	/* A read takes from the head, whatever the peek offset. */
	ATF_REQUIRE(recv_str(sv[1], c, sizeof(c), 0) == 4);
	afx_expectf(tc, "%s-%s-%s", a, b, c);
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(off_dgram_advances, "peek.off_dgram_advances",
    "datagram: with SO_PEEK_OFF peeks of 2, 8, 8 bytes over aaaa and bbbb")
ATF_TC_BODY(off_dgram_advances, tc)
{
#ifdef SO_PEEK_OFF
	char a[3], b[9], c[9];
	int sv[2], off = 0;

	afx_pair(SOCK_DGRAM, sv);
	if (setsockopt(sv[1], SOL_SOCKET, SO_PEEK_OFF, &off,
	    sizeof(off)) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	afx_send_str(sv[0], "aaaa", 0);
	afx_send_str(sv[0], "bbbb", 0);
	(void)recv_str(sv[1], a, sizeof(a), MSG_PEEK);
	(void)recv_str(sv[1], b, sizeof(b), MSG_PEEK);
	(void)recv_str(sv[1], c, sizeof(c), MSG_PEEK);
	afx_expectf(tc, "%s-%s-%s", a, b, c);
#else
	afx_expect(tc, "unsupported");
#endif
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, stream_keeps);
	ATF_TP_ADD_TC(tp, stream_segments);
	ATF_TP_ADD_TC(tp, dgram_first_message);
	ATF_TP_ADD_TC(tp, seqpacket_first_message);
	ATF_TP_ADD_TC(tp, trunc_dgram);
	ATF_TP_ADD_TC(tp, msg_flags);
	ATF_TP_ADD_TC(tp, dontwait_empty);
	ATF_TP_ADD_TC(tp, off_stream);
	ATF_TP_ADD_TC(tp, off_dgram);
	ATF_TP_ADD_TC(tp, off_seqpacket);
	ATF_TP_ADD_TC(tp, off_stream_advances);
	ATF_TP_ADD_TC(tp, off_dgram_advances);
	return (atf_no_error());
}
