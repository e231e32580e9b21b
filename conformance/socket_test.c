/*
 * Socket creation (catalogue group CRE): which types and protocols an
 * AF_UNIX socket accepts, what SOCK_RAW becomes, the SOCK_NONBLOCK and
 * SOCK_CLOEXEC creation flags on socket and socketpair, what SO_TYPE,
 * SO_DOMAIN and SO_PROTOCOL report, and what fstat and lseek make of a
 * socket descriptor.  Every check is keyed in platforms/.
 */
#define _DEFAULT_SOURCE		/* glibc: SO_DOMAIN, SO_PROTOCOL are BSD/Linux */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "afx.h"

/* The word the data uses for a socket type. */
static const char *
type_name(int type)
{
	static char buf[16];

	switch (type) {
	case SOCK_STREAM:
		return ("stream");
	case SOCK_DGRAM:
		return ("dgram");
	case SOCK_SEQPACKET:
		return ("seqpacket");
	case SOCK_RAW:
		return ("raw");
	}
	snprintf(buf, sizeof(buf), "type-%d", type);
	return (buf);
}

static int
so_type(int fd)
{
	socklen_t len;
	int v;

	len = sizeof(v);
	ATF_REQUIRE_MSG(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len) == 0,
	    "getsockopt(SO_TYPE): %s", strerror(errno));
	return (v);
}

/* socket(AF_UNIX, type, proto): "ok" or the errno name. */
static void
expect_socket(const atf_tc_t *tc, int type, int proto)
{
	int fd;

	fd = socket(AF_UNIX, type, proto);
	afx_expect_rc(tc, fd);
	if (fd != -1)
		ATF_REQUIRE(close(fd) == 0);
}

/* socketpair(AF_UNIX, type, proto), checked to be connected both ways. */
static void
expect_socketpair(const atf_tc_t *tc, int type, int proto)
{
	char buf[4];
	int sv[2], before;

	before = afx_count_fds();
	if (socketpair(AF_UNIX, type, proto, sv) == -1) {
		afx_expect(tc, afx_errname(errno));
		ATF_REQUIRE_EQ(afx_count_fds(), before);
		return;
	}
	ATF_REQUIRE(sv[0] != sv[1]);
	ATF_REQUIRE_EQ(write(sv[0], "ab", 2), 2);
	ATF_REQUIRE_EQ(read(sv[1], buf, sizeof(buf)), 2);
	ATF_REQUIRE_EQ(write(sv[1], "cd", 2), 2);
	ATF_REQUIRE_EQ(read(sv[0], buf, sizeof(buf)), 2);
	ATF_REQUIRE(close(sv[0]) == 0 && close(sv[1]) == 0);
	afx_expect(tc, "ok");
}

#if defined(SOCK_NONBLOCK) || defined(SOCK_CLOEXEC)
/* "yes" when every descriptor has the status flag or descriptor flag. */
static const char *
flags_set(const int *fds, int n, int nonblock)
{
	int i, fl;

	for (i = 0; i < n; i++) {
		if (nonblock) {
			fl = fcntl(fds[i], F_GETFL);
			ATF_REQUIRE(fl != -1);
			if ((fl & O_NONBLOCK) == 0)
				return ("no");
		} else {
			fl = fcntl(fds[i], F_GETFD);
			ATF_REQUIRE(fl != -1);
			if ((fl & FD_CLOEXEC) == 0)
				return ("no");
		}
	}
	return ("yes");
}
#endif

AFX_TC(stream, "cre.stream",
    "socket(AF_UNIX, SOCK_STREAM, 0) makes a socket")
ATF_TC_BODY(stream, tc)
{

	expect_socket(tc, SOCK_STREAM, 0);
}

AFX_TC(dgram, "cre.dgram",
    "socket(AF_UNIX, SOCK_DGRAM, 0) makes a socket")
ATF_TC_BODY(dgram, tc)
{

	expect_socket(tc, SOCK_DGRAM, 0);
}

AFX_TC(seqpacket, "cre.seqpacket",
    "socket(AF_UNIX, SOCK_SEQPACKET, 0) makes a socket where the "
    "platform has the type")
ATF_TC_BODY(seqpacket, tc)
{

	expect_socket(tc, SOCK_SEQPACKET, 0);
}

AFX_TC(raw, "cre.raw",
    "socket(AF_UNIX, SOCK_RAW, 0): refused, or the type SO_TYPE then "
    "reports (Linux makes it a datagram socket)")
ATF_TC_BODY(raw, tc)
{
	int fd;

	fd = socket(AF_UNIX, SOCK_RAW, 0);
	if (fd == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	afx_expect(tc, type_name(so_type(fd)));
}

AFX_TC(protocol_pf_unix, "cre.protocol_pf_unix",
    "socket() with protocol PF_UNIX instead of 0")
ATF_TC_BODY(protocol_pf_unix, tc)
{

	expect_socket(tc, SOCK_STREAM, PF_UNIX);
}

AFX_TC(protocol_other, "cre.protocol_other",
    "socket() with a protocol that is neither 0 nor PF_UNIX (2)")
ATF_TC_BODY(protocol_other, tc)
{

	expect_socket(tc, SOCK_STREAM, 2);
}

AFX_TC(nonblock_flag, "cre.nonblock_flag",
    "SOCK_NONBLOCK in the type of socket() sets O_NONBLOCK")
ATF_TC_BODY(nonblock_flag, tc)
{
#ifdef SOCK_NONBLOCK
	int fd;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	afx_expect(tc, flags_set(&fd, 1, 1));
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(cloexec_flag, "cre.cloexec_flag",
    "SOCK_CLOEXEC in the type of socket() sets FD_CLOEXEC")
ATF_TC_BODY(cloexec_flag, tc)
{
#ifdef SOCK_CLOEXEC
	int fd;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	afx_expect(tc, flags_set(&fd, 1, 0));
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(socketpair_dgram, "cre.socketpair_dgram",
    "socketpair(SOCK_DGRAM) gives two distinct, connected descriptors")
ATF_TC_BODY(socketpair_dgram, tc)
{

	expect_socketpair(tc, SOCK_DGRAM, 0);
}

AFX_TC(socketpair_seqpacket, "cre.socketpair_seqpacket",
    "socketpair(SOCK_SEQPACKET) where the platform has the type")
ATF_TC_BODY(socketpair_seqpacket, tc)
{

	expect_socketpair(tc, SOCK_SEQPACKET, 0);
}

AFX_TC(socketpair_flags, "cre.socketpair_flags",
    "SOCK_NONBLOCK|SOCK_CLOEXEC on socketpair() sets both flags on both "
    "descriptors")
ATF_TC_BODY(socketpair_flags, tc)
{
#if defined(SOCK_NONBLOCK) && defined(SOCK_CLOEXEC)
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0, sv) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	afx_expect(tc, strcmp(flags_set(sv, 2, 1), "yes") == 0 ?
	    flags_set(sv, 2, 0) : "no");
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(so_type, "cre.so_type",
    "SO_TYPE reports the type each socket was created with")
ATF_TC_BODY(so_type, tc)
{
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM,
	    SOCK_SEQPACKET };
	size_t i;
	int fd, t;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		/* A type the platform lacks is cre.seqpacket's business. */
		if ((fd = socket(AF_UNIX, types[i], 0)) == -1)
			continue;
		t = so_type(fd);
		ATF_REQUIRE(close(fd) == 0);
		if (t != types[i]) {
			afx_expectf(tc, "%s-is-%s", type_name(types[i]),
			    type_name(t));
			return;
		}
	}
	afx_expect(tc, "ok");
}

AFX_TC(so_domain, "cre.so_domain",
    "SO_DOMAIN reports AF_UNIX where the option exists")
ATF_TC_BODY(so_domain, tc)
{
#ifdef SO_DOMAIN
	socklen_t len;
	int fd, v;

	fd = afx_socket(SOCK_STREAM);
	len = sizeof(v);
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	if (v == AF_UNIX)
		afx_expect(tc, "AF_UNIX");
	else
		afx_expectf(tc, "%d", v);
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(so_protocol, "cre.so_protocol",
    "SO_PROTOCOL reports the protocol (0) where the option exists")
ATF_TC_BODY(so_protocol, tc)
{
#ifdef SO_PROTOCOL
	socklen_t len;
	int fd, v;

	fd = afx_socket(SOCK_STREAM);
	len = sizeof(v);
	if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &len) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	afx_expectf(tc, "%d", v);
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(fstat_type, "cre.fstat_type",
    "fstat() on a socket descriptor reports S_IFSOCK")
ATF_TC_BODY(fstat_type, tc)
{
	struct stat st;
	int fd;

	fd = afx_socket(SOCK_STREAM);
	if (fstat(fd, &st) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	afx_expect(tc, S_ISSOCK(st.st_mode) ? "socket" : "other");
}

AFX_TC(fstat_mode, "cre.fstat_mode",
    "the permission bits fstat() reports for a new, unbound socket")
ATF_TC_BODY(fstat_mode, tc)
{
	struct stat st;
	int fd;

	fd = afx_socket(SOCK_STREAM);
	ATF_REQUIRE_MSG(fstat(fd, &st) == 0, "fstat: %s", strerror(errno));
	afx_expectf(tc, "%04o", (unsigned)(st.st_mode & 07777));
}

AFX_TC(lseek, "cre.lseek",
    "lseek() on a socket descriptor")
ATF_TC_BODY(lseek, tc)
{
	int fd;

	fd = afx_socket(SOCK_STREAM);
	afx_expect_rc(tc, lseek(fd, 0, SEEK_CUR) == -1 ? -1 : 0);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, stream);
	ATF_TP_ADD_TC(tp, dgram);
	ATF_TP_ADD_TC(tp, seqpacket);
	ATF_TP_ADD_TC(tp, raw);
	ATF_TP_ADD_TC(tp, protocol_pf_unix);
	ATF_TP_ADD_TC(tp, protocol_other);
	ATF_TP_ADD_TC(tp, nonblock_flag);
	ATF_TP_ADD_TC(tp, cloexec_flag);
	ATF_TP_ADD_TC(tp, socketpair_dgram);
	ATF_TP_ADD_TC(tp, socketpair_seqpacket);
	ATF_TP_ADD_TC(tp, socketpair_flags);
	ATF_TP_ADD_TC(tp, so_type);
	ATF_TP_ADD_TC(tp, so_domain);
	ATF_TP_ADD_TC(tp, so_protocol);
	ATF_TP_ADD_TC(tp, fstat_type);
	ATF_TP_ADD_TC(tp, fstat_mode);
	ATF_TP_ADD_TC(tp, lseek);
	return (atf_no_error());
}
