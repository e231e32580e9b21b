/*
 * Linux-specific options and observability (catalogue group LNX):
 * SO_PASSRIGHTS (refuse descriptors), SO_INQ and SCM_INQ (bytes left
 * after a read), the SIOCINQ and SIOCOUTQ ioctls, and what /proc/net/unix
 * shows of a socket.  Every check is keyed in platforms/.
 *
 * Elsewhere an option whose constant the headers lack reports
 * "unsupported"; the /proc cases report why the file could not be read.
 */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#ifdef __linux__
#include <linux/sockios.h>
#endif

#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "afx.h"

#ifdef __linux__
/* Not yet in Debian 12's headers: include/uapi/asm-generic/socket.h. */
#ifndef SO_PASSRIGHTS
#define SO_PASSRIGHTS	83
#endif
#ifndef SO_INQ
#define SO_INQ		84
#define SCM_INQ		SO_INQ
#endif
#endif

union ctl {
	struct cmsghdr hdr;
	char	 buf[256];
};

/* Report a failed or empty look-up; return whether it was one. */
static int
proc_failed(const atf_tc_t *tc, int rc)
{

	if (rc == -1)
		afx_expect(tc, afx_errname(errno));
	else if (rc == 1)
		afx_expect(tc, "absent");
	return (rc != 0);
}

AFX_TC(so_passrights_default, "lnx.so_passrights_default",
    "getsockopt SO_PASSRIGHTS on a new socket")
ATF_TC_BODY(so_passrights_default, tc)
{
#ifdef SO_PASSRIGHTS
	socklen_t len;
	int v = -1, fd;

	fd = afx_socket(SOCK_STREAM);
	len = sizeof(v);
	if (getsockopt(fd, SOL_SOCKET, SO_PASSRIGHTS, &v, &len) == -1)
		afx_expect(tc, afx_errname(errno));
	else
		afx_expectf(tc, "%d", v);
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(so_passrights_off, "lnx.so_passrights_off",
    "sendmsg of SCM_RIGHTS to a receiver that turned SO_PASSRIGHTS off")
ATF_TC_BODY(so_passrights_off, tc)
{
#ifdef SO_PASSRIGHTS
	int sv[2], before, rc, err;

	before = afx_count_fds();
	ATF_REQUIRE(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
	if (setsockopt(sv[1], SOL_SOCKET, SO_PASSRIGHTS, &(int){0},
	    sizeof(int)) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	rc = (int)afx_send_rights(sv[0], &sv[0], 1, "r", 1, MSG_DONTWAIT);
	err = errno;
	ATF_REQUIRE(close(sv[0]) == 0 && close(sv[1]) == 0);
	ATF_REQUIRE_EQ(afx_count_fds(), before);
	afx_expect(tc, afx_result(rc, err));
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(so_inq, "lnx.so_inq",
    "SO_INQ on a stream receiver: SCM_INQ after reading 4 of 10 bytes")
ATF_TC_BODY(so_inq, tc)
{
#ifdef SO_INQ
	union ctl ctl;
	struct msghdr msg;
	struct iovec iov;
	struct cmsghdr *cm;
	char b[4];
	int sv[2], inq = -1;

	ATF_REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	if (setsockopt(sv[1], SOL_SOCKET, SO_INQ, &(int){1},
	    sizeof(int)) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	ATF_REQUIRE(write(sv[0], "0123456789", 10) == 10);
	memset(&ctl, 0, sizeof(ctl));
	afx_msg(&msg, &iov, b, sizeof(b), ctl.buf, sizeof(ctl.buf));
	afx_await_input(sv[1]);
	ATF_REQUIRE(recvmsg(sv[1], &msg, MSG_DONTWAIT) == 4);
	ATF_REQUIRE((msg.msg_flags & MSG_CTRUNC) == 0);
	for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_INQ &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(int)))
			memcpy(&inq, CMSG_DATA(cm), sizeof(int));
	if (inq == -1)
		afx_expect(tc, "none");
	else
		afx_expectf(tc, "%d", inq);
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(so_inq_dgram, "lnx.so_inq_dgram",
    "setsockopt SO_INQ on a datagram socket")
ATF_TC_BODY(so_inq_dgram, tc)
{
#ifdef SO_INQ
	int fd;

	fd = afx_socket(SOCK_DGRAM);
	afx_expect_rc(tc, setsockopt(fd, SOL_SOCKET, SO_INQ, &(int){1},
	    sizeof(int)));
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(siocinq_stream, "lnx.siocinq_stream",
    "SIOCINQ on a stream socket with 5 unread bytes")
ATF_TC_BODY(siocinq_stream, tc)
{
#ifdef SIOCINQ
	int sv[2], n = -1;

	ATF_REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	ATF_REQUIRE(write(sv[0], "hello", 5) == 5);
	if (ioctl(sv[1], SIOCINQ, &n) == -1)
		afx_expect(tc, afx_errname(errno));
	else
		afx_expectf(tc, "%d", n);
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(siocinq_dgram, "lnx.siocinq_dgram",
    "SIOCINQ on a datagram socket holding datagrams of 3 and 7 bytes")
ATF_TC_BODY(siocinq_dgram, tc)
{
#ifdef SIOCINQ
	int sv[2], n = -1;

	ATF_REQUIRE(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
	ATF_REQUIRE(write(sv[0], "abc", 3) == 3);
	ATF_REQUIRE(write(sv[0], "defghij", 7) == 7);
	if (ioctl(sv[1], SIOCINQ, &n) == -1)
		afx_expect(tc, afx_errname(errno));
	else
		afx_expectf(tc, "%d", n);
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(siocinq_listener, "lnx.siocinq_listener",
    "SIOCINQ on a listening socket")
ATF_TC_BODY(siocinq_listener, tc)
{
#ifdef SIOCINQ
	int lfd, n = -1;

	lfd = afx_listener("srv");
	afx_expect_rc(tc, ioctl(lfd, SIOCINQ, &n));
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(siocoutq_stream, "lnx.siocoutq_stream",
    "SIOCOUTQ on a stream socket whose 5 bytes are unread: bytes or more")
ATF_TC_BODY(siocoutq_stream, tc)
{
#ifdef SIOCOUTQ
	int sv[2], n = -1;

	ATF_REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	ATF_REQUIRE(write(sv[0], "hello", 5) == 5);
	if (ioctl(sv[0], SIOCOUTQ, &n) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	/* The count is of kernel memory held, so only its kind is checked. */
	afx_expect(tc, n == 5 ? "bytes" : n > 5 ? "more" : "less");
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(proc_listener_path, "lnx.proc_listener_path",
    "/proc/net/unix shows a bound listener with the path it was bound to")
ATF_TC_BODY(proc_listener_path, tc)
{
	struct afx_procline pl;
	int lfd;

	lfd = afx_listener("srv");
	if (proc_failed(tc, afx_proc_unix(lfd, &pl)))
		return;
	afx_expect(tc, strcmp(pl.path, "srv") == 0 ? "same" : "other");
}

AFX_TC(proc_listener_flags, "lnx.proc_listener_flags",
    "/proc/net/unix Flags, Type and St of a stream listener")
ATF_TC_BODY(proc_listener_flags, tc)
{
	struct afx_procline pl;
	int lfd;

	lfd = afx_listener("srv");
	if (proc_failed(tc, afx_proc_unix(lfd, &pl)))
		return;
	afx_expectf(tc, "%08x-%04x-%02x", pl.flags, pl.type, pl.state);
}

AFX_TC(proc_accepted, "lnx.proc_accepted",
    "/proc/net/unix Flags, Type and St of an accepted stream socket")
ATF_TC_BODY(proc_accepted, tc)
{
	struct afx_procline pl;
	int lfd, cfd, afd;

	afx_stream_pair(&lfd, &cfd, &afd);
	if (proc_failed(tc, afx_proc_unix(afd, &pl)))
		return;
	afx_expectf(tc, "%08x-%04x-%02x", pl.flags, pl.type, pl.state);
}

AFX_TC(proc_abstract, "lnx.proc_abstract",
    "/proc/net/unix shows an abstract name with '@' for each NUL byte")
ATF_TC_BODY(proc_abstract, tc)
{
	struct sockaddr_un sun;
	struct afx_procline pl;
	char want[64];
	socklen_t len;
	int fd, n;

	n = snprintf(want, sizeof(want), "@afx.%ld.p@q", (long)getpid());
	ATF_REQUIRE(n > 0 && (size_t)n < sizeof(want));
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	/* The bytes of want with its '@' made NUL again. */
	memcpy(sun.sun_path, want, (size_t)n);
	sun.sun_path[0] = '\0';
	sun.sun_path[n - 2] = '\0';
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + (size_t)n);
	fd = afx_socket(SOCK_STREAM);
	if (bind(fd, (struct sockaddr *)&sun, len) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	if (proc_failed(tc, afx_proc_unix(fd, &pl)))
		return;
	afx_expect(tc, strcmp(pl.path, want) == 0 ? "at" : "other");
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, so_passrights_default);
	ATF_TP_ADD_TC(tp, so_passrights_off);
	ATF_TP_ADD_TC(tp, so_inq);
	ATF_TP_ADD_TC(tp, so_inq_dgram);
	ATF_TP_ADD_TC(tp, siocinq_stream);
	ATF_TP_ADD_TC(tp, siocinq_dgram);
	ATF_TP_ADD_TC(tp, siocinq_listener);
	ATF_TP_ADD_TC(tp, siocoutq_stream);
	ATF_TP_ADD_TC(tp, proc_listener_path);
	ATF_TP_ADD_TC(tp, proc_listener_flags);
	ATF_TP_ADD_TC(tp, proc_accepted);
	ATF_TP_ADD_TC(tp, proc_abstract);
	return (atf_no_error());
}
