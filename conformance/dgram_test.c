/*
 * Datagram semantics (catalogue group DGR): one send is one message, a
 * short read truncates it (MSG_TRUNC), empty datagrams are real, the
 * largest datagram is bounded, a full receiver refuses more, and a
 * connected datagram socket has rules about who may send to it and what
 * sendto means.  The systems differ most in the errno a sender gets: when
 * the receiver is full, gone, or connected elsewhere.  Every check is
 * keyed in platforms/.
 *
 * Nothing here may block: every send and receive uses MSG_DONTWAIT.  A
 * datagram sent on this host is in the receiver's queue when send()
 * returns, so a receive right after it finds it.
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

#define BIG	(1 << 20)	/* over every default datagram limit */

static ssize_t
sendto_path(int fd, const char *s, const char *path)
{
	struct sockaddr_un sun;
	socklen_t len;

	len = afx_sun(&sun, path);
	return (sendto(fd, s, strlen(s), MSG_DONTWAIT,
	    (struct sockaddr *)&sun, len));
}

/* The flags of interest, by name, in a fixed order. */
static void
expect_flags(const atf_tc_t *tc, int flags)
{
	char buf[64];

	/* Every name fits: the four together take 41 bytes. */
	snprintf(buf, sizeof(buf), "%s%s%s%s",
	    flags & MSG_PEEK ? "|MSG_PEEK" : "",
	    flags & MSG_TRUNC ? "|MSG_TRUNC" : "",
	    flags & MSG_EOR ? "|MSG_EOR" : "",
	    flags & MSG_CTRUNC ? "|MSG_CTRUNC" : "");
	afx_expect(tc, buf[0] != '\0' ? buf + 1 : "none");
}

/*
 * Send len bytes on sv[0] without blocking and take the datagram off
 * sv[1] again: 0, or the errno of the send.
 */
static int
try_size(int sv[2], char *buf, size_t len)
{
	ssize_t n;

	if (send(sv[0], buf, len, MSG_DONTWAIT) == -1)
		return (errno);
	n = recv(sv[1], buf, len, MSG_DONTWAIT);
	ATF_REQUIRE_MSG(n == (ssize_t)len, "recv of %zu: %zd (%s)", len, n,
	    n == -1 ? strerror(errno) : "short");
	return (0);
}

static int
sndbuf(int fd)
{
	socklen_t len;
	int v;

	len = sizeof(v);
	ATF_REQUIRE(getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, &len) == 0);
	return (v);
}

static int
set_sndbuf(int fd, int v)
{

	ATF_REQUIRE_MSG(setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v,
	    sizeof(v)) == 0, "SO_SNDBUF %d: %s", v, strerror(errno));
	return (sndbuf(fd));
}

AFX_TC(boundaries, "dgr.boundaries",
    "two datagrams of 3 bytes: one read of 64 returns one of them")
ATF_TC_BODY(boundaries, tc)
{
	char buf[64];
	int sv[2];

	afx_pair(SOCK_DGRAM, sv);
	afx_send_str(sv[0], "abc", MSG_DONTWAIT);
	afx_send_str(sv[0], "def", MSG_DONTWAIT);
	afx_expect_len(tc, recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT));
}

AFX_TC(trunc_flag, "dgr.trunc_flag",
    "6 bytes read into 2: returns 2 and sets MSG_TRUNC in msg_flags")
ATF_TC_BODY(trunc_flag, tc)
{
	ssize_t n;
	int flags, sv[2];

	afx_pair(SOCK_DGRAM, sv);
	afx_send_str(sv[0], "abcdef", MSG_DONTWAIT);
	n = afx_recv_flags(sv[1], 2, 0, &flags);
	ATF_REQUIRE_MSG(n == 2, "recvmsg returned %zd", n);
	expect_flags(tc, flags);
}

AFX_TC(trunc_discards_rest, "dgr.trunc_discards_rest",
    "the rest of a truncated datagram is gone: the next read is the next one")
ATF_TC_BODY(trunc_discards_rest, tc)
{
	char buf[64];
	ssize_t n;
	int sv[2];

	afx_pair(SOCK_DGRAM, sv);
	afx_send_str(sv[0], "abcdef", MSG_DONTWAIT);
	afx_send_str(sv[0], "xyz", MSG_DONTWAIT);
	ATF_REQUIRE(recv(sv[1], buf, 2, MSG_DONTWAIT) == 2);
	n = recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT);
	ATF_REQUIRE_MSG(n != -1, "second recv: %s", strerror(errno));
	afx_expect(tc, n == 3 && memcmp(buf, "xyz", 3) == 0 ? "discarded" :
	    "kept");
}

AFX_TC(recv_msg_trunc, "dgr.recv_msg_trunc",
    "recv(MSG_TRUNC) of 6 bytes into 2 returns the real length")
ATF_TC_BODY(recv_msg_trunc, tc)
{
	char buf[2];
	int sv[2];

	afx_pair(SOCK_DGRAM, sv);
	afx_send_str(sv[0], "abcdef", MSG_DONTWAIT);
	afx_expect_len(tc, recv(sv[1], buf, sizeof(buf), MSG_TRUNC |
	    MSG_DONTWAIT));
}

AFX_TC(zero_delivered, "dgr.zero_delivered",
    "a 0-byte datagram is a message: the reader gets 0, then nothing")
ATF_TC_BODY(zero_delivered, tc)
{
	char buf[8];
	ssize_t n;
	int sv[2];

	afx_pair(SOCK_DGRAM, sv);
	n = send(sv[0], "", 0, MSG_DONTWAIT);
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
}

AFX_TC(max_default, "dgr.max_default",
    "the largest datagram with default buffers, against SO_SNDBUF")
ATF_TC_BODY(max_default, tc)
{
	size_t lo, hi, mid;
	char *buf;
	int err, sv[2];

	afx_pair(SOCK_DGRAM, sv);
	ATF_REQUIRE((buf = calloc(1, BIG)) != NULL);
	ATF_REQUIRE_MSG(try_size(sv, buf, BIG) == EMSGSIZE,
	    "a datagram of %d bytes is not refused with EMSGSIZE", BIG);
	/* lo is known to fit and hi known to be refused. */
	lo = 0;
	hi = BIG;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		err = try_size(sv, buf, mid);
		if (err == 0)
			lo = mid;
		else if (err == EMSGSIZE)
			hi = mid;
		else
			atf_tc_fail("send of %zu: %s", mid, strerror(err));
	}
	free(buf);
	printf("largest datagram %zu, SO_SNDBUF %d\n", lo, sndbuf(sv[0]));
	afx_expectf(tc, "sndbuf-%ld", (long)sndbuf(sv[0]) - (long)lo);
}

AFX_TC(emsgsize_big, "dgr.emsgsize_big",
    "a datagram of 1 MiB with default buffers")
ATF_TC_BODY(emsgsize_big, tc)
{
	char *buf;
	int err, sv[2];

	afx_pair(SOCK_DGRAM, sv);
	ATF_REQUIRE((buf = calloc(1, BIG)) != NULL);
	err = try_size(sv, buf, BIG);
	free(buf);
	afx_expect(tc, err == 0 ? "ok" : afx_errname(err));
}

AFX_TC(emsgsize_at_sndbuf, "dgr.emsgsize_at_sndbuf",
    "after SO_SNDBUF 4096, a datagram as long as the SO_SNDBUF read back")
ATF_TC_BODY(emsgsize_at_sndbuf, tc)
{
	char *buf;
	int err, v, sv[2];

	afx_pair(SOCK_DGRAM, sv);
	v = set_sndbuf(sv[0], 4096);
	printf("SO_SNDBUF 4096 reads back %d\n", v);
	ATF_REQUIRE(v > 0 && v < BIG);
	ATF_REQUIRE((buf = calloc(1, (size_t)v)) != NULL);
	err = try_size(sv, buf, (size_t)v);
	free(buf);
	afx_expect(tc, err == 0 ? "ok" : afx_errname(err));
}

AFX_TC(full_nonblock, "dgr.full_nonblock",
    "non-blocking sends to a socketpair peer that does not read")
ATF_TC_BODY(full_nonblock, tc)
{
	char buf[64];
	int i, sv[2];

	afx_pair(SOCK_DGRAM, sv);
	memset(buf, 'x', sizeof(buf));
	for (i = 0; i < 100000; i++)
		if (send(sv[0], buf, sizeof(buf), MSG_DONTWAIT) == -1)
			break;
	ATF_REQUIRE_MSG(i < 100000, "%d datagrams queued", i);
	afx_expect(tc, afx_errname(errno));
}

AFX_TC(full_sendto, "dgr.full_sendto",
    "non-blocking sendto from an unconnected socket to a full receiver")
ATF_TC_BODY(full_sendto, tc)
{
	int i, fd;

	(void)afx_bound(SOCK_DGRAM, "rcv");
	fd = afx_socket(SOCK_DGRAM);
	for (i = 0; i < 100000; i++)
		if (sendto_path(fd, "x", "rcv") == -1)
			break;
	ATF_REQUIRE_MSG(i < 100000, "%d datagrams queued", i);
	afx_expect(tc, afx_errname(errno));
}

AFX_TC(connected_elsewhere, "dgr.connected_elsewhere",
    "sendto a socket that is connected to a third socket")
ATF_TC_BODY(connected_elsewhere, tc)
{
	int r;

	r = afx_bound(SOCK_DGRAM, "r");
	(void)afx_bound(SOCK_DGRAM, "a");
	ATF_REQUIRE(afx_try_connect(r, "a") == 0);
	afx_expect_sent(tc, sendto_path(afx_socket(SOCK_DGRAM), "b", "r"));
}

AFX_TC(recv_only_from_peer, "dgr.recv_only_from_peer",
    "a socket connected to A: what it reads when B and then A send to it")
ATF_TC_BODY(recv_only_from_peer, tc)
{
	char buf[8];
	ssize_t n;
	int r, a;

	r = afx_bound(SOCK_DGRAM, "r");
	a = afx_bound(SOCK_DGRAM, "a");
	ATF_REQUIRE(afx_try_connect(r, "a") == 0);
	(void)sendto_path(afx_socket(SOCK_DGRAM), "b", "r");
	ATF_REQUIRE(sendto_path(a, "a", "r") == 1);
	n = recv(r, buf, sizeof(buf), MSG_DONTWAIT);
	ATF_REQUIRE_MSG(n == 1, "recv: %zd", n);
	afx_expect(tc, buf[0] == 'a' ? "peer_only" : "any");
}

AFX_TC(sendto_connected_same, "dgr.sendto_connected_same",
    "sendto the connected peer's own path on a connected datagram socket")
ATF_TC_BODY(sendto_connected_same, tc)
{

	(void)afx_bound(SOCK_DGRAM, "r");
	afx_expect_sent(tc, sendto_path(afx_connected(SOCK_DGRAM, "r"), "x",
	    "r"));
}

AFX_TC(sendto_connected_other, "dgr.sendto_connected_other",
    "sendto a third path on a connected datagram socket")
ATF_TC_BODY(sendto_connected_other, tc)
{
	char buf[8];
	ssize_t n;
	int o;

	(void)afx_bound(SOCK_DGRAM, "r");
	o = afx_bound(SOCK_DGRAM, "o");
	n = sendto_path(afx_connected(SOCK_DGRAM, "r"), "x", "o");
	if (n == 1)
		/* Linux: it goes where sendto says, not to the peer. */
		ATF_REQUIRE(recv(o, buf, sizeof(buf), MSG_DONTWAIT) == 1);
	afx_expect_sent(tc, n);
}

AFX_TC(send_peer_closed, "dgr.send_peer_closed",
    "send on a datagram socketpair whose peer has closed")
ATF_TC_BODY(send_peer_closed, tc)
{
	int sv[2];

	afx_pair(SOCK_DGRAM, sv);
	ATF_REQUIRE(close(sv[1]) == 0);
	afx_expect_sent(tc, send(sv[0], "x", 1, MSG_DONTWAIT));
}

AFX_TC(send_peer_closed_again, "dgr.send_peer_closed_again",
    "the second send on a datagram socketpair whose peer has closed")
ATF_TC_BODY(send_peer_closed_again, tc)
{
	int sv[2];

	afx_pair(SOCK_DGRAM, sv);
	ATF_REQUIRE(close(sv[1]) == 0);
	(void)send(sv[0], "x", 1, MSG_DONTWAIT);
	afx_expect_sent(tc, send(sv[0], "x", 1, MSG_DONTWAIT));
}

AFX_TC(send_receiver_closed, "dgr.send_receiver_closed",
    "send on a socket connected to a bound receiver that has closed")
ATF_TC_BODY(send_receiver_closed, tc)
{
	int r, fd;

	r = afx_bound(SOCK_DGRAM, "r");
	fd = afx_connected(SOCK_DGRAM, "r");
	ATF_REQUIRE(close(r) == 0);
	afx_expect_sent(tc, send(fd, "x", 1, MSG_DONTWAIT));
}

AFX_TC(send_unconnected, "dgr.send_unconnected",
    "send without an address on an unconnected datagram socket")
ATF_TC_BODY(send_unconnected, tc)
{

	afx_expect_sent(tc, send(afx_socket(SOCK_DGRAM), "x", 1, MSG_DONTWAIT));
}

AFX_TC(read_peer_closed, "dgr.read_peer_closed",
    "non-blocking read after the peer closed: no end of file on datagrams")
ATF_TC_BODY(read_peer_closed, tc)
{
	char buf[8];
	int sv[2];

	afx_pair(SOCK_DGRAM, sv);
	ATF_REQUIRE(close(sv[1]) == 0);
	afx_expect_len(tc, recv(sv[0], buf, sizeof(buf), MSG_DONTWAIT));
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, boundaries);
	ATF_TP_ADD_TC(tp, trunc_flag);
	ATF_TP_ADD_TC(tp, trunc_discards_rest);
	ATF_TP_ADD_TC(tp, recv_msg_trunc);
	ATF_TP_ADD_TC(tp, zero_delivered);
	ATF_TP_ADD_TC(tp, max_default);
	ATF_TP_ADD_TC(tp, emsgsize_big);
	ATF_TP_ADD_TC(tp, emsgsize_at_sndbuf);
	ATF_TP_ADD_TC(tp, full_nonblock);
	ATF_TP_ADD_TC(tp, full_sendto);
	ATF_TP_ADD_TC(tp, connected_elsewhere);
	ATF_TP_ADD_TC(tp, recv_only_from_peer);
	ATF_TP_ADD_TC(tp, sendto_connected_same);
	ATF_TP_ADD_TC(tp, sendto_connected_other);
	ATF_TP_ADD_TC(tp, send_peer_closed);
	ATF_TP_ADD_TC(tp, send_peer_closed_again);
	ATF_TP_ADD_TC(tp, send_receiver_closed);
	ATF_TP_ADD_TC(tp, send_unconnected);
	ATF_TP_ADD_TC(tp, read_peer_closed);
	return (atf_no_error());
}
