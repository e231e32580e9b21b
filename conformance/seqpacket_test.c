/*
 * SOCK_SEQPACKET semantics (catalogue group SEQ): connected like a stream,
 * with the record boundaries of a datagram.  What a short read does to
 * the rest of a record, whether MSG_EOR and MSG_TRUNC are reported, what
 * an empty record is, and how the end of the connection shows are where
 * the systems part.  Every check is keyed in platforms/.
 *
 * macOS has no SOCK_SEQPACKET for AF_UNIX: there every test case reports
 * the errno of socket(AF_UNIX, SOCK_SEQPACKET, 0) under its own key, so
 * the data says what the system answers instead.
 *
 * Nothing here may block: every receive and every send that could wait
 * uses MSG_DONTWAIT.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "afx.h"

/*
 * Whether this system makes SOCK_SEQPACKET sockets.  If not, report what
 * socket() said (or that the constant is missing) under the test's key;
 * the caller then returns.
 */
static int
have_seqpacket(const atf_tc_t *tc)
{
#ifdef SOCK_SEQPACKET
	int fd;

	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (fd == -1) {
		afx_expect(tc, afx_errname(errno));
		return (0);
	}
	ATF_REQUIRE(close(fd) == 0);
	return (1);
#else
	afx_expect(tc, "unsupported");
	return (0);
#endif
}

#ifdef SOCK_SEQPACKET
/* A connected pair through a listener at "srv". */
static void
connect_pair(int *cfd, int *afd)
{
	int lfd;

	lfd = afx_bound(SOCK_SEQPACKET, "srv");
	ATF_REQUIRE_MSG(listen(lfd, 8) == 0, "listen: %s", strerror(errno));
	*cfd = afx_connected(SOCK_SEQPACKET, "srv");
	*afd = afx_accept(lfd);
	ATF_REQUIRE(close(lfd) == 0);
}
#endif

AFX_TC(socket, "seq.socket",
    "socket(AF_UNIX, SOCK_SEQPACKET, 0)")
ATF_TC_BODY(socket, tc)
{

	if (have_seqpacket(tc))
		afx_expect(tc, "ok");
}

AFX_TC(listen_connect_accept, "seq.listen_connect_accept",
    "bind, listen, connect and accept make a pair that carries records")
ATF_TC_BODY(listen_connect_accept, tc)
{
#ifdef SOCK_SEQPACKET
	char buf[8];
	int cfd, afd;

	if (!have_seqpacket(tc))
		return;
	connect_pair(&cfd, &afd);
	afx_send_str(cfd, "ping", MSG_DONTWAIT | MSG_NOSIGNAL);
	afx_send_str(afd, "pong", MSG_DONTWAIT | MSG_NOSIGNAL);
	afx_expect(tc, recv(afd, buf, sizeof(buf), MSG_DONTWAIT) == 4 &&
	    recv(cfd, buf, sizeof(buf), MSG_DONTWAIT) == 4 ? "ok" : "lost");
#else
	(void)have_seqpacket(tc);
#endif
}

AFX_TC(boundaries, "seq.boundaries",
    "two records of 3 bytes: one read of 64 returns one of them")
ATF_TC_BODY(boundaries, tc)
{
#ifdef SOCK_SEQPACKET
	char buf[64];
	int sv[2];

	if (!have_seqpacket(tc))
		return;
	afx_pair(SOCK_SEQPACKET, sv);
	afx_send_str(sv[0], "abc", MSG_DONTWAIT | MSG_NOSIGNAL);
	afx_send_str(sv[0], "def", MSG_DONTWAIT | MSG_NOSIGNAL);
	afx_expect_len(tc, recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT));
#else
	(void)have_seqpacket(tc);
#endif
}

AFX_TC(short_read_rest, "seq.short_read_rest",
    "after reading 2 bytes of a 6-byte record, what the next read returns")
ATF_TC_BODY(short_read_rest, tc)
{
#ifdef SOCK_SEQPACKET
	char buf[64];
	ssize_t n;
	int sv[2];

	if (!have_seqpacket(tc))
		return;
	afx_pair(SOCK_SEQPACKET, sv);
	afx_send_str(sv[0], "abcdef", MSG_DONTWAIT | MSG_NOSIGNAL);
	afx_send_str(sv[0], "xyz", MSG_DONTWAIT | MSG_NOSIGNAL);
	ATF_REQUIRE(recv(sv[1], buf, 2, MSG_DONTWAIT) == 2);
	n = recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT);
	ATF_REQUIRE_MSG(n != -1, "second recv: %s", strerror(errno));
	if (n == 3 && memcmp(buf, "xyz", 3) == 0)
		afx_expect(tc, "discarded");
	else if (n == 4 && memcmp(buf, "cdef", 4) == 0)
		afx_expect(tc, "kept");
	else
		afx_expectf(tc, "%zd", n);
#else
	(void)have_seqpacket(tc);
#endif
}

AFX_TC(short_read_flags, "seq.short_read_flags",
    "msg_flags after reading 2 bytes of a 6-byte record")
ATF_TC_BODY(short_read_flags, tc)
{
#ifdef SOCK_SEQPACKET
	int flags, sv[2];

	if (!have_seqpacket(tc))
		return;
	afx_pair(SOCK_SEQPACKET, sv);
	afx_send_str(sv[0], "abcdef", MSG_DONTWAIT | MSG_NOSIGNAL);
	ATF_REQUIRE(afx_recv_flags(sv[1], 2, 0, &flags) == 2);
	afx_expect(tc, (flags & MSG_TRUNC) != 0 ?
	    ((flags & MSG_EOR) != 0 ? "MSG_TRUNC|MSG_EOR" : "MSG_TRUNC") :
	    ((flags & MSG_EOR) != 0 ? "MSG_EOR" : "none"));
#else
	(void)have_seqpacket(tc);
#endif
}

AFX_TC(eor_flag, "seq.eor_flag",
    "msg_flags after reading a whole record: is MSG_EOR reported")
ATF_TC_BODY(eor_flag, tc)
{
#ifdef SOCK_SEQPACKET
	int flags, sv[2];

	if (!have_seqpacket(tc))
		return;
	afx_pair(SOCK_SEQPACKET, sv);
	afx_send_str(sv[0], "abc", MSG_DONTWAIT | MSG_NOSIGNAL);
	ATF_REQUIRE(afx_recv_flags(sv[1], 64, 0, &flags) == 3);
	afx_expect(tc, (flags & MSG_EOR) != 0 ? "set" : "clear");
#else
	(void)have_seqpacket(tc);
#endif
}

AFX_TC(recv_msg_trunc, "seq.recv_msg_trunc",
    "recv(MSG_TRUNC) of 2 bytes of a 6-byte record: what it returns")
ATF_TC_BODY(recv_msg_trunc, tc)
{
#ifdef SOCK_SEQPACKET
	char buf[2];
	int sv[2];

	if (!have_seqpacket(tc))
		return;
	afx_pair(SOCK_SEQPACKET, sv);
	afx_send_str(sv[0], "abcdef", MSG_DONTWAIT | MSG_NOSIGNAL);
	afx_expect_len(tc, recv(sv[1], buf, sizeof(buf), MSG_TRUNC |
	    MSG_DONTWAIT));
#else
	(void)have_seqpacket(tc);
#endif
}

AFX_TC(zero_length, "seq.zero_length",
    "a 0-byte record: does the reader get an empty record")
ATF_TC_BODY(zero_length, tc)
{
#ifdef SOCK_SEQPACKET
	char buf[8];
	ssize_t n;
	int sv[2];

	if (!have_seqpacket(tc))
		return;
	afx_pair(SOCK_SEQPACKET, sv);
	n = send(sv[0], "", 0, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n != 0) {
		afx_expect_len(tc, n);
		return;
	}
	n = recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT);
	if (n == -1 && errno == EAGAIN)
		afx_expect(tc, "nothing");
	else if (n == 0 && recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT) == -1)
		afx_expect(tc, "delivered");
	else
		afx_expect_len(tc, n);
#else
	(void)have_seqpacket(tc);
#endif
}

AFX_TC(eof, "seq.eof",
    "read after the peer closed returns 0 (end of file)")
ATF_TC_BODY(eof, tc)
{
#ifdef SOCK_SEQPACKET
	char buf[8];
	int sv[2];

	if (!have_seqpacket(tc))
		return;
	afx_pair(SOCK_SEQPACKET, sv);
	ATF_REQUIRE(close(sv[1]) == 0);
	afx_expect_len(tc, recv(sv[0], buf, sizeof(buf), MSG_DONTWAIT));
#else
	(void)have_seqpacket(tc);
#endif
}

AFX_TC(eof_shut_wr, "seq.eof_shut_wr",
    "read after the peer's shutdown(SHUT_WR) returns 0 (end of file)")
ATF_TC_BODY(eof_shut_wr, tc)
{
#ifdef SOCK_SEQPACKET
	char buf[8];
	int sv[2];

	if (!have_seqpacket(tc))
		return;
	afx_pair(SOCK_SEQPACKET, sv);
	ATF_REQUIRE(shutdown(sv[1], SHUT_WR) == 0);
	afx_expect_len(tc, recv(sv[0], buf, sizeof(buf), MSG_DONTWAIT));
#else
	(void)have_seqpacket(tc);
#endif
}

AFX_TC(reset_unread, "seq.reset_unread",
    "read after the peer closed with our record unread in its queue")
ATF_TC_BODY(reset_unread, tc)
{
#ifdef SOCK_SEQPACKET
	char buf[8];
	int sv[2];

	if (!have_seqpacket(tc))
		return;
	afx_pair(SOCK_SEQPACKET, sv);
	afx_send_str(sv[0], "abc", MSG_DONTWAIT | MSG_NOSIGNAL);
	ATF_REQUIRE(close(sv[1]) == 0);
	afx_expect_len(tc, recv(sv[0], buf, sizeof(buf), MSG_DONTWAIT));
#else
	(void)have_seqpacket(tc);
#endif
}

AFX_TC(sendto_connected, "seq.sendto_connected",
    "sendto with an unrelated path on a connected seqpacket socket")
ATF_TC_BODY(sendto_connected, tc)
{
#ifdef SOCK_SEQPACKET
	struct sockaddr_un sun;
	socklen_t len;
	char buf[8];
	ssize_t n;
	int sv[2];

	if (!have_seqpacket(tc))
		return;
	afx_pair(SOCK_SEQPACKET, sv);
	len = afx_sun(&sun, "nowhere");
	n = sendto(sv[0], "x", 1, MSG_DONTWAIT | MSG_NOSIGNAL,
	    (struct sockaddr *)&sun, len);
	if (n == 1)
		/* The address is ignored: the record went to the peer. */
		ATF_REQUIRE(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT) == 1);
	afx_expect_sent(tc, n);
#else
	(void)have_seqpacket(tc);
#endif
}

AFX_TC(sendto_unconnected, "seq.sendto_unconnected",
    "sendto a listener's path on an unconnected seqpacket socket")
ATF_TC_BODY(sendto_unconnected, tc)
{
#ifdef SOCK_SEQPACKET
	struct sockaddr_un sun;
	socklen_t len;
	int lfd;

	if (!have_seqpacket(tc))
		return;
	lfd = afx_bound(SOCK_SEQPACKET, "srv");
	ATF_REQUIRE(listen(lfd, 8) == 0);
	len = afx_sun(&sun, "srv");
	afx_expect_sent(tc, sendto(afx_socket(SOCK_SEQPACKET), "x", 1,
	    MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *)&sun, len));
#else
	(void)have_seqpacket(tc);
#endif
}

AFX_TC(big_record, "seq.big_record",
    "a non-blocking send of a 1 MiB record with default buffers")
ATF_TC_BODY(big_record, tc)
{
#ifdef SOCK_SEQPACKET
	size_t len = 1 << 20;
	char *buf;
	ssize_t n;
	int sv[2];

	if (!have_seqpacket(tc))
		return;
	afx_pair(SOCK_SEQPACKET, sv);
	ATF_REQUIRE((buf = calloc(1, len)) != NULL);
	n = send(sv[0], buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	free(buf);
	if (n == -1)
		afx_expect(tc, afx_errname(errno));
	else
		afx_expect(tc, (size_t)n == len ? "ok" : "partial");
#else
	(void)have_seqpacket(tc);
#endif
}

AFX_TC(full_nonblock, "seq.full_nonblock",
    "non-blocking sends of small records into a peer that does not read")
ATF_TC_BODY(full_nonblock, tc)
{
#ifdef SOCK_SEQPACKET
	char buf[64];
	int i, sv[2];

	if (!have_seqpacket(tc))
		return;
	afx_pair(SOCK_SEQPACKET, sv);
	memset(buf, 'x', sizeof(buf));
	for (i = 0; i < 100000; i++)
		if (send(sv[0], buf, sizeof(buf),
		    MSG_DONTWAIT | MSG_NOSIGNAL) == -1)
			break;
	ATF_REQUIRE_MSG(i < 100000, "%d records queued", i);
	afx_expect(tc, afx_errname(errno));
#else
	(void)have_seqpacket(tc);
#endif
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, socket);
	ATF_TP_ADD_TC(tp, listen_connect_accept);
	ATF_TP_ADD_TC(tp, boundaries);
	ATF_TP_ADD_TC(tp, short_read_rest);
	ATF_TP_ADD_TC(tp, short_read_flags);
	ATF_TP_ADD_TC(tp, eor_flag);
	ATF_TP_ADD_TC(tp, recv_msg_trunc);
	ATF_TP_ADD_TC(tp, zero_length);
	ATF_TP_ADD_TC(tp, eof);
	ATF_TP_ADD_TC(tp, eof_shut_wr);
	ATF_TP_ADD_TC(tp, reset_unread);
	ATF_TP_ADD_TC(tp, sendto_connected);
	ATF_TP_ADD_TC(tp, sendto_unconnected);
	ATF_TP_ADD_TC(tp, big_record);
	ATF_TP_ADD_TC(tp, full_nonblock);
	return (atf_no_error());
}
