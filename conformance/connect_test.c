/*
 * connect() and datagram sendto() to a pathname (catalogue group CONN):
 * what a missing path, a non-socket file, a stale socket file, a socket
 * that does not listen or has another type, a full backlog, a second
 * connect and a connect from a listener give; and how a datagram
 * destination is found through a symlink, a hard link, a new name, or
 * not at all once unlinked.  (The stream cases of symlink, hard link,
 * rename and unlink are bind_test's.)  Every check is keyed in platforms/.
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

/* More than any backlog the tests ask for, so a wrong kernel fails. */
#define MAXCONN	32

/* A stream listener at path with the given backlog. */
static int
listener_backlog(const char *path, int backlog)
{
	int fd;

	fd = afx_bound(SOCK_STREAM, path);
	ATF_REQUIRE_MSG(listen(fd, backlog) == 0, "listen(%s, %d): %s", path,
	    backlog, strerror(errno));
	return (fd);
}

/*
 * The outcome of a sendto to path for a datagram socket rfd: "ok" only
 * when the datagram arrived at rfd (without waiting: AF_UNIX delivers
 * before sendto returns), "lost" when sendto said yes but it did not.
 */
static void
expect_delivery(const atf_tc_t *tc, int rfd, const char *path)
{
	char buf[8];
	ssize_t n;

	if (afx_probe_sendto(path) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	n = recv(rfd, buf, sizeof(buf), MSG_DONTWAIT);
	afx_expect(tc, n == 4 && memcmp(buf, "ping", 4) == 0 ? "ok" : "lost");
}

AFX_TC(missing_path, "conn.missing_path",
    "connect to a path that does not exist")
ATF_TC_BODY(missing_path, tc)
{

	afx_expect_rc(tc, afx_probe_connect(SOCK_STREAM, "nothing"));
}

AFX_TC(regular_file, "conn.regular_file",
    "connect to a regular file (Linux ECONNREFUSED, the BSDs ENOTSOCK)")
ATF_TC_BODY(regular_file, tc)
{

	afx_touch("file");
	afx_expect_rc(tc, afx_probe_connect(SOCK_STREAM, "file"));
}

AFX_TC(stale, "conn.stale",
    "connect to a socket file whose socket has been closed")
ATF_TC_BODY(stale, tc)
{

	ATF_REQUIRE(close(afx_bound(SOCK_STREAM, "sock")) == 0);
	afx_expect_rc(tc, afx_probe_connect(SOCK_STREAM, "sock"));
}

AFX_TC(not_listening, "conn.not_listening",
    "connect to a bound stream socket that does not listen")
ATF_TC_BODY(not_listening, tc)
{

	(void)afx_bound(SOCK_STREAM, "sock");
	afx_expect_rc(tc, afx_probe_connect(SOCK_STREAM, "sock"));
}

AFX_TC(stream_to_dgram, "conn.stream_to_dgram",
    "a stream socket connects to a bound datagram socket")
ATF_TC_BODY(stream_to_dgram, tc)
{

	(void)afx_bound(SOCK_DGRAM, "sock");
	afx_expect_rc(tc, afx_probe_connect(SOCK_STREAM, "sock"));
}

AFX_TC(dgram_to_stream, "conn.dgram_to_stream",
    "a datagram socket connects to a listening stream socket")
ATF_TC_BODY(dgram_to_stream, tc)
{

	(void)afx_listener("srv");
	afx_expect_rc(tc, afx_probe_connect(SOCK_DGRAM, "srv"));
}

AFX_TC(sendto_type_mismatch, "conn.sendto_type_mismatch",
    "sendto from a datagram socket to a listening stream socket's path")
ATF_TC_BODY(sendto_type_mismatch, tc)
{

	(void)afx_listener("srv");
	afx_expect_rc(tc, afx_probe_sendto("srv"));
}

AFX_TC(backlog_full, "conn.backlog_full",
    "non-blocking connects to a listener with backlog 1 until one fails: "
    "the error (Linux EAGAIN, the BSDs ECONNREFUSED)")
ATF_TC_BODY(backlog_full, tc)
{
	int fds[MAXCONN], i, n, err, before;

	before = afx_count_fds();
	(void)listener_backlog("srv", 1);
	err = 0;
	for (n = 0; n < MAXCONN; n++) {
		fds[n] = afx_socket(SOCK_STREAM);
		/* Linux would otherwise sleep until an accept makes room. */
		afx_nonblock(fds[n]);
		if (afx_try_connect(fds[n], "srv") == -1) {
			err = errno;
			n++;
			break;
		}
	}
	for (i = 0; i < n; i++)
		ATF_REQUIRE(close(fds[i]) == 0);
	ATF_REQUIRE_EQ(afx_count_fds(), before + 1);
	afx_expect(tc, err != 0 ? afx_errname(err) : "none");
}

AFX_TC(before_accept, "conn.before_accept",
    "connect completes before accept, and data sent then is read after it")
ATF_TC_BODY(before_accept, tc)
{
	char buf[8];
	int lfd, cfd, afd;

	lfd = afx_listener("srv");
	cfd = afx_connected(SOCK_STREAM, "srv");
	ATF_REQUIRE_EQ(write(cfd, "ping", 4), 4);
	afd = afx_accept(lfd);
	afx_expect(tc, read(afd, buf, sizeof(buf)) == 4 &&
	    memcmp(buf, "ping", 4) == 0 ? "ok" : "lost");
}

AFX_TC(twice, "conn.twice",
    "a second connect of a connected stream socket")
ATF_TC_BODY(twice, tc)
{
	int fd;

	(void)afx_listener("srv");
	fd = afx_connected(SOCK_STREAM, "srv");
	afx_expect_rc(tc, afx_try_connect(fd, "srv"));
}

AFX_TC(on_listener, "conn.on_listener",
    "connect from a listening socket to another listener")
ATF_TC_BODY(on_listener, tc)
{
	int lfd;

	lfd = afx_listener("one");
	(void)afx_listener("two");
	afx_expect_rc(tc, afx_try_connect(lfd, "two"));
}

AFX_TC(dgram_stale, "conn.dgram_stale",
    "sendto a datagram to a socket file whose socket has been closed")
ATF_TC_BODY(dgram_stale, tc)
{

	ATF_REQUIRE(close(afx_bound(SOCK_DGRAM, "rcv")) == 0);
	afx_expect_rc(tc, afx_probe_sendto("rcv"));
}

AFX_TC(dgram_via_symlink, "conn.dgram_via_symlink",
    "sendto through a symlink to a bound datagram socket")
ATF_TC_BODY(dgram_via_symlink, tc)
{
	int rfd;

	rfd = afx_bound(SOCK_DGRAM, "rcv");
	ATF_REQUIRE(symlink("rcv", "link") == 0);
	expect_delivery(tc, rfd, "link");
}

AFX_TC(dgram_via_hardlink, "conn.dgram_via_hardlink",
    "sendto through a hard link to a datagram socket's node")
ATF_TC_BODY(dgram_via_hardlink, tc)
{
	int rfd;

	rfd = afx_bound(SOCK_DGRAM, "rcv");
	if (link("rcv", "hard") == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	expect_delivery(tc, rfd, "hard");
}

AFX_TC(dgram_after_rename, "conn.dgram_after_rename",
    "sendto the new name of a renamed datagram socket node")
ATF_TC_BODY(dgram_after_rename, tc)
{
	int rfd;

	rfd = afx_bound(SOCK_DGRAM, "rcv");
	ATF_REQUIRE(rename("rcv", "moved") == 0);
	expect_delivery(tc, rfd, "moved");
}

AFX_TC(dgram_unlinked, "conn.dgram_unlinked",
    "sendto the path of a live datagram socket after it was unlinked")
ATF_TC_BODY(dgram_unlinked, tc)
{

	(void)afx_bound(SOCK_DGRAM, "rcv");
	ATF_REQUIRE(unlink("rcv") == 0);
	afx_expect_rc(tc, afx_probe_sendto("rcv"));
}

AFX_TC(dgram_connected_unlinked, "conn.dgram_connected_unlinked",
    "a datagram socket connected before its peer's path was unlinked "
    "still sends to it")
ATF_TC_BODY(dgram_connected_unlinked, tc)
{
	char buf[8];
	ssize_t n;
	int rfd, sfd;

	rfd = afx_bound(SOCK_DGRAM, "rcv");
	sfd = afx_connected(SOCK_DGRAM, "rcv");
	ATF_REQUIRE(unlink("rcv") == 0);
	if (send(sfd, "ping", 4, 0) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	n = recv(rfd, buf, sizeof(buf), MSG_DONTWAIT);
	afx_expect(tc, n == 4 && memcmp(buf, "ping", 4) == 0 ? "ok" : "lost");
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, missing_path);
	ATF_TP_ADD_TC(tp, regular_file);
	ATF_TP_ADD_TC(tp, stale);
	ATF_TP_ADD_TC(tp, not_listening);
	ATF_TP_ADD_TC(tp, stream_to_dgram);
	ATF_TP_ADD_TC(tp, dgram_to_stream);
	ATF_TP_ADD_TC(tp, sendto_type_mismatch);
	ATF_TP_ADD_TC(tp, backlog_full);
	ATF_TP_ADD_TC(tp, before_accept);
	ATF_TP_ADD_TC(tp, twice);
	ATF_TP_ADD_TC(tp, on_listener);
	ATF_TP_ADD_TC(tp, dgram_stale);
	ATF_TP_ADD_TC(tp, dgram_via_symlink);
	ATF_TP_ADD_TC(tp, dgram_via_hardlink);
	ATF_TP_ADD_TC(tp, dgram_after_rename);
	ATF_TP_ADD_TC(tp, dgram_unlinked);
	ATF_TP_ADD_TC(tp, dgram_connected_unlinked);
	return (atf_no_error());
}
