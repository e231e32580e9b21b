/*
 * Stream semantics (catalogue group STR): a byte stream merges writes and
 * splits reads, knows nothing of MSG_TRUNC, sends no empty messages, and
 * tells a reader that its peer went away with EOF (or, on Linux, with
 * ECONNRESET when the peer left our data unread).  Sends that cannot go
 * anywhere fail with an errno that differs between systems.  Every check
 * is keyed in platforms/.
 *
 * Nothing here may block: receives use MSG_DONTWAIT, and data written to
 * a socketpair is in the peer's queue when write() returns, so a receive
 * right after it sees everything that was sent.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "afx.h"

AFX_TC(coalesce, "str.coalesce",
    "two writes of 3 bytes come back from one read of 64 as 6 bytes")
ATF_TC_BODY(coalesce, tc)
{
	char buf[64];
	int sv[2];

	afx_pair(SOCK_STREAM, sv);
	afx_send_str(sv[0], "abc", MSG_NOSIGNAL);
	afx_send_str(sv[0], "def", MSG_NOSIGNAL);
	afx_expect_len(tc, recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT));
}

AFX_TC(partial_read, "str.partial_read",
    "a read shorter than the data leaves the rest queued, in order")
ATF_TC_BODY(partial_read, tc)
{
	char buf[64];
	ssize_t n1, n2;
	int sv[2];

	afx_pair(SOCK_STREAM, sv);
	afx_send_str(sv[0], "0123456789", MSG_NOSIGNAL);
	n1 = recv(sv[1], buf, 4, MSG_DONTWAIT);
	ATF_REQUIRE_MSG(n1 == 4, "first read: %zd", n1);
	n2 = recv(sv[1], buf + 4, sizeof(buf) - 4, MSG_DONTWAIT);
	afx_expect(tc, n2 == 6 && memcmp(buf, "0123456789", 10) == 0 ?
	    "ok" : "lost");
}

AFX_TC(trunc_flag, "str.trunc_flag",
    "a short recvmsg on a stream does not set MSG_TRUNC in msg_flags")
ATF_TC_BODY(trunc_flag, tc)
{
	struct msghdr msg;
	struct iovec iov;
	char buf[2];
	int sv[2];

	afx_pair(SOCK_STREAM, sv);
	afx_send_str(sv[0], "abcdef", MSG_NOSIGNAL);
	afx_msg(&msg, &iov, buf, sizeof(buf), NULL, 0);
	ATF_REQUIRE(recvmsg(sv[1], &msg, MSG_DONTWAIT) == 2);
	afx_expect(tc, (msg.msg_flags & MSG_TRUNC) != 0 ? "set" : "clear");
}

AFX_TC(recv_msg_trunc, "str.recv_msg_trunc",
    "recv(MSG_TRUNC) of 2 bytes with 6 queued: what it returns")
ATF_TC_BODY(recv_msg_trunc, tc)
{
	char buf[2];
	int sv[2];

	afx_pair(SOCK_STREAM, sv);
	afx_send_str(sv[0], "abcdef", MSG_NOSIGNAL);
	afx_expect_len(tc, recv(sv[1], buf, sizeof(buf), MSG_TRUNC |
	    MSG_DONTWAIT));
}

AFX_TC(zero_send, "str.zero_send",
    "send of 0 bytes on a connected stream returns 0")
ATF_TC_BODY(zero_send, tc)
{
	int sv[2];

	afx_pair(SOCK_STREAM, sv);
	afx_expect_len(tc, send(sv[0], "", 0, MSG_NOSIGNAL));
}

AFX_TC(zero_send_nothing_queued, "str.zero_send_nothing_queued",
    "send of 0 bytes queues nothing: the peer's read finds no data")
ATF_TC_BODY(zero_send_nothing_queued, tc)
{
	char buf[8];
	int sv[2];

	afx_pair(SOCK_STREAM, sv);
	ATF_REQUIRE(send(sv[0], "", 0, MSG_NOSIGNAL) == 0);
	afx_expect_len(tc, recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT));
}

AFX_TC(zero_recv_empty, "str.zero_recv_empty",
    "a 0-byte non-blocking recv on an empty stream")
ATF_TC_BODY(zero_recv_empty, tc)
{
	char buf[8];
	int sv[2];

	afx_pair(SOCK_STREAM, sv);
	afx_expect_len(tc, recv(sv[1], buf, 0, MSG_DONTWAIT));
}

AFX_TC(eof_after_close, "str.eof_after_close",
    "read after the peer closed returns 0 (end of file)")
ATF_TC_BODY(eof_after_close, tc)
{
	char buf[8];
	int sv[2];

	afx_pair(SOCK_STREAM, sv);
	ATF_REQUIRE(close(sv[1]) == 0);
	afx_expect_len(tc, recv(sv[0], buf, sizeof(buf), MSG_DONTWAIT));
}

AFX_TC(reset_unread, "str.reset_unread",
    "read after the peer closed with our data unread in its queue")
ATF_TC_BODY(reset_unread, tc)
{
	char buf[8];
	int sv[2];

	afx_pair(SOCK_STREAM, sv);
	afx_send_str(sv[0], "abc", MSG_NOSIGNAL);
	ATF_REQUIRE(close(sv[1]) == 0);
	afx_expect_len(tc, recv(sv[0], buf, sizeof(buf), MSG_DONTWAIT));
}

AFX_TC(sendto_connected, "str.sendto_connected",
    "sendto with an address on a connected stream socket")
ATF_TC_BODY(sendto_connected, tc)
{
	struct sockaddr_un sun;
	socklen_t len;
	int lfd, cfd, afd;

	lfd = afx_listener("srv");
	cfd = afx_connected(SOCK_STREAM, "srv");
	afd = afx_accept(lfd);
	len = afx_sun(&sun, "srv");
	afx_expect_sent(tc, sendto(cfd, "x", 1, MSG_NOSIGNAL,
	    (struct sockaddr *)&sun, len));
	ATF_REQUIRE(close(afd) == 0);
}

AFX_TC(send_unconnected, "str.send_unconnected",
    "send on a stream socket that was never connected")
ATF_TC_BODY(send_unconnected, tc)
{

	afx_expect_sent(tc, send(afx_socket(SOCK_STREAM), "x", 1, MSG_NOSIGNAL));
}

AFX_TC(sendto_unconnected, "str.sendto_unconnected",
    "sendto a listener's path on an unconnected stream (no implied connect)")
ATF_TC_BODY(sendto_unconnected, tc)
{
	struct sockaddr_un sun;
	socklen_t len;

	(void)afx_listener("srv");
	len = afx_sun(&sun, "srv");
	afx_expect_sent(tc, sendto(afx_socket(SOCK_STREAM), "x", 1, MSG_NOSIGNAL,
	    (struct sockaddr *)&sun, len));
}

AFX_TC(recv_unconnected, "str.recv_unconnected",
    "non-blocking recv on a stream socket that was never connected")
ATF_TC_BODY(recv_unconnected, tc)
{
	char buf[8];

	afx_expect_len(tc, recv(afx_socket(SOCK_STREAM), buf, sizeof(buf),
	    MSG_DONTWAIT));
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, coalesce);
	ATF_TP_ADD_TC(tp, partial_read);
	ATF_TP_ADD_TC(tp, trunc_flag);
	ATF_TP_ADD_TC(tp, recv_msg_trunc);
	ATF_TP_ADD_TC(tp, zero_send);
	ATF_TP_ADD_TC(tp, zero_send_nothing_queued);
	ATF_TP_ADD_TC(tp, zero_recv_empty);
	ATF_TP_ADD_TC(tp, eof_after_close);
	ATF_TP_ADD_TC(tp, reset_unread);
	ATF_TP_ADD_TC(tp, sendto_connected);
	ATF_TP_ADD_TC(tp, send_unconnected);
	ATF_TP_ADD_TC(tp, sendto_unconnected);
	ATF_TP_ADD_TC(tp, recv_unconnected);
	return (atf_no_error());
}
