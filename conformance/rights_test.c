/*
 * Descriptor passing (catalogue group FD): SCM_RIGHTS built and parsed
 * with the CMSG macros over stream, datagram and seqpacket sockets; what
 * the receiver gets (the same open file, a new number); the one-data-byte
 * rule; several control messages in one buffer; CMSG_LEN against
 * CMSG_SPACE and the alignment; truncation (MSG_CTRUNC) and what becomes
 * of the descriptors that did not fit; the per-message limit; a receiver
 * with no free descriptor slot; MSG_CMSG_CLOEXEC; MSG_PEEK; and how
 * rights cut a stream into records.  Every check is keyed in platforms/.
 *
 * The descriptors passed are files and pipes the test makes in its own
 * work directory.  A pipe's write end is the tool for "was it closed":
 * once the last reference to it goes, in this process or in the kernel's
 * queues, the read end sees end-of-file.  Every test counts its open
 * descriptors before and after (afx_count_fds) so that a received
 * descriptor left open fails the test.
 */
#if defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__) || \
    defined(__DragonFly__) || defined(__APPLE__)
/*
 * The BSD and macOS headers hide CMSG_SPACE, CMSG_LEN and
 * MSG_CMSG_CLOEXEC from a strict POSIX build (FreeBSD: __BSD_VISIBLE);
 * glibc shows them anyway.  illumos needs the strict build: its CMSG
 * macros exist only under _XPG4_2.
 */
#undef _POSIX_C_SOURCE
#endif

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "afx.h"

/* Upper bound of the per-message limit search (fits CTL_BYTES). */
#define MAX_SEARCH	1000
/* A control buffer for up to MAX_SEARCH descriptors, aligned for cmsghdr. */
#define CTL_BYTES	4096
union ctl {
	struct cmsghdr hdr;
	unsigned char buf[CTL_BYTES];
};

/* sendmsg() of one byte with a control buffer built by the caller. */
static ssize_t
send_control(int s, void *control, size_t controllen)
{
	struct msghdr msg;
	struct iovec iov;

	afx_msg(&msg, &iov, (void *)(uintptr_t)"x", 1, control,
	    controllen);
	return (sendmsg(s, &msg, AFX_NOSIGNAL));
}

/* Pass one file over a pair of the type: the receiver gets the same file. */
static void
pass_one(const atf_tc_t *tc, int type)
{
	struct afx_rcvd r;
	int base, sv[2], f;
	const char *res;

	base = afx_count_fds();
	if (afx_try_pair_nb(type, sv) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	f = afx_make_file("f", "hello");
	ATF_REQUIRE(afx_send_rights(sv[0], &f, 1, "x", 1, 0) == 1);
	afx_recv_ok(sv[1], &r, 1, CMSG_SPACE(sizeof(int)), 0);
	if (r.nfds != 1)
		res = "none";
	else if (r.fds[0] == f)
		res = "same_number";
	else
		res = afx_same_file(r.fds[0], f) ? "same_file" : "other_file";
	afx_close_rcvd(&r);
	ATF_REQUIRE(close(f) == 0);
	afx_close2(sv);
	afx_leak_check(base);
	afx_expect(tc, res);
}

AFX_TC(one_stream, "fd.one_stream",
    "one descriptor over a stream pair arrives as a new number for the same file")
ATF_TC_BODY(one_stream, tc)
{

	pass_one(tc, SOCK_STREAM);
}

AFX_TC(one_dgram, "fd.one_dgram",
    "one descriptor over a datagram pair arrives as a new number for the same file")
ATF_TC_BODY(one_dgram, tc)
{

	pass_one(tc, SOCK_DGRAM);
}

AFX_TC(one_seqpacket, "fd.one_seqpacket",
    "one descriptor over a seqpacket pair arrives as a new number for the same file")
ATF_TC_BODY(one_seqpacket, tc)
{

	pass_one(tc, SOCK_SEQPACKET);
}

/* Five files in one message arrive in the order they were put in. */
static void
pass_many(const atf_tc_t *tc, int type)
{
	struct afx_rcvd r;
	char name[8];
	int base, sv[2], f[5], i, ok;

	base = afx_count_fds();
	if (afx_try_pair_nb(type, sv) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		f[i] = afx_make_file(name, name);
	}
	ATF_REQUIRE(afx_send_rights(sv[0], f, 5, "x", 1, 0) == 1);
	afx_recv_ok(sv[1], &r, 1, CMSG_SPACE(5 * sizeof(int)), 0);
	ok = r.nfds == 5 && r.ncmsg == 1;
	for (i = 0; ok && i < 5; i++)
		ok = afx_same_file(r.fds[i], f[i]);
	afx_close_rcvd(&r);
	for (i = 0; i < 5; i++)
		ATF_REQUIRE(close(f[i]) == 0);
	afx_close2(sv);
	afx_leak_check(base);
	afx_expect(tc, ok ? "in_order" : "other");
}

AFX_TC(many_stream, "fd.many_stream",
    "five descriptors in one SCM_RIGHTS message arrive in order over a stream pair")
ATF_TC_BODY(many_stream, tc)
{

	pass_many(tc, SOCK_STREAM);
}

AFX_TC(shared_offset, "fd.shared_offset",
    "the received descriptor shares the file offset with the sender's")
ATF_TC_BODY(shared_offset, tc)
{
	struct afx_rcvd r;
	off_t off;
	int base, sv[2], f;

	base = afx_count_fds();
	afx_pair_nb(SOCK_STREAM, sv);
	f = afx_make_file("f", "");
	ATF_REQUIRE(afx_send_rights(sv[0], &f, 1, "x", 1, 0) == 1);
	afx_recv_ok(sv[1], &r, 1, CMSG_SPACE(sizeof(int)), 0);
	ATF_REQUIRE(r.nfds == 1);
	/* One open file description: a write through one moves both. */
	ATF_REQUIRE(write(r.fds[0], "abc", 3) == 3);
	off = lseek(f, 0, SEEK_CUR);
	afx_close_rcvd(&r);
	ATF_REQUIRE(close(f) == 0);
	afx_close2(sv);
	afx_leak_check(base);
	afx_expect(tc, off == 3 ? "shared" : off == 0 ? "separate" : "other");
}

AFX_TC(cloexec_not_passed, "fd.cloexec_not_passed",
    "the sender's FD_CLOEXEC does not travel with the descriptor")
ATF_TC_BODY(cloexec_not_passed, tc)
{
	struct afx_rcvd r;
	int base, sv[2], f, fl;

	base = afx_count_fds();
	afx_pair_nb(SOCK_STREAM, sv);
	f = afx_make_file("f", "x");
	ATF_REQUIRE(fcntl(f, F_SETFD, FD_CLOEXEC) == 0);
	ATF_REQUIRE(afx_send_rights(sv[0], &f, 1, "x", 1, 0) == 1);
	afx_recv_ok(sv[1], &r, 1, CMSG_SPACE(sizeof(int)), 0);
	ATF_REQUIRE(r.nfds == 1);
	fl = fcntl(r.fds[0], F_GETFD);
	ATF_REQUIRE(fl != -1);
	afx_close_rcvd(&r);
	ATF_REQUIRE(close(f) == 0);
	afx_close2(sv);
	afx_leak_check(base);
	afx_expect(tc, (fl & FD_CLOEXEC) ? "set" : "clear");
}

AFX_TC(cmsg_cloexec, "fd.cmsg_cloexec",
    "recvmsg with MSG_CMSG_CLOEXEC sets FD_CLOEXEC on the received descriptor")
ATF_TC_BODY(cmsg_cloexec, tc)
{
#ifdef MSG_CMSG_CLOEXEC
	struct afx_rcvd r;
	int base, sv[2], f, fl;

	base = afx_count_fds();
	afx_pair_nb(SOCK_STREAM, sv);
	f = afx_make_file("f", "x");
	ATF_REQUIRE(afx_send_rights(sv[0], &f, 1, "x", 1, 0) == 1);
	afx_recv_rights(sv[1], &r, 1, CMSG_SPACE(sizeof(int)), MSG_CMSG_CLOEXEC);
	if (r.n == -1) {
		ATF_REQUIRE(close(f) == 0);
		afx_close2(sv);
		afx_expect(tc, afx_errname(r.err));
		return;
	}
	ATF_REQUIRE((r.flags & MSG_CTRUNC) == 0 && r.nfds == 1);
	fl = fcntl(r.fds[0], F_GETFD);
	ATF_REQUIRE(fl != -1);
	afx_close_rcvd(&r);
	ATF_REQUIRE(close(f) == 0);
	afx_close2(sv);
	afx_leak_check(base);
	afx_expect(tc, (fl & FD_CLOEXEC) ? "set" : "clear");
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(sender_closes, "fd.sender_closes",
    "the sender closes (and unlinks) the file right after sendmsg; the receiver can still read it")
ATF_TC_BODY(sender_closes, tc)
{
	struct afx_rcvd r;
	char buf[8];
	ssize_t n;
	int base, sv[2], f;

	base = afx_count_fds();
	afx_pair_nb(SOCK_STREAM, sv);
	f = afx_make_file("f", "hello");
	ATF_REQUIRE(afx_send_rights(sv[0], &f, 1, "x", 1, 0) == 1);
	/* The message holds its own reference to the open file. */
	ATF_REQUIRE(close(f) == 0);
	ATF_REQUIRE(unlink("f") == 0);
	afx_recv_ok(sv[1], &r, 1, CMSG_SPACE(sizeof(int)), 0);
	ATF_REQUIRE(r.nfds == 1);
	n = read(r.fds[0], buf, sizeof(buf));
	afx_close_rcvd(&r);
	afx_close2(sv);
	afx_leak_check(base);
	afx_expect(tc, n == 5 && memcmp(buf, "hello", 5) == 0 ? "readable" :
	    "unreadable");
}

/*
 * sendmsg with rights and no data byte.  Outcome: the send's errno, or
 * "dropped" when the send returns but nothing arrives, "delivered" when
 * the descriptor arrives, "data_only" when an empty message arrives
 * without it.
 */
static void
zero_data(const atf_tc_t *tc, int type)
{
	struct afx_rcvd r;
	const char *res;
	ssize_t n;
	int base, sv[2], p[2];

	base = afx_count_fds();
	if (afx_try_pair_nb(type, sv) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	afx_pipe(p);
	n = afx_send_rights(sv[0], &p[1], 1, "", 0, 0);
	if (n == -1) {
		res = afx_errname(errno);
		ATF_REQUIRE(close(p[1]) == 0);
	} else {
		ATF_REQUIRE(n == 0);
		ATF_REQUIRE(close(p[1]) == 0);
		afx_recv_rights(sv[1], &r, 1, CMSG_SPACE(sizeof(int)), 0);
		if (r.n == -1) {
			ATF_REQUIRE_MSG(r.err == EAGAIN || r.err == EWOULDBLOCK,
			    "recvmsg: %s", strerror(r.err));
			/* Nothing queued: the kernel must have let go of it. */
			ATF_REQUIRE_MSG(afx_pipe_closed(p[0], 1000),
			    "the dropped descriptor was not released");
			res = "dropped";
		} else {
			ATF_REQUIRE((r.flags & MSG_CTRUNC) == 0);
			res = r.nfds == 1 ? "delivered" : "data_only";
			afx_close_rcvd(&r);
		}
	}
	ATF_REQUIRE(close(p[0]) == 0);
	afx_close2(sv);
	afx_leak_check(base);
	afx_expect(tc, res);
}

AFX_TC(zero_data_stream, "fd.zero_data_stream",
    "stream sendmsg with SCM_RIGHTS and zero data bytes: dropped, delivered or refused")
ATF_TC_BODY(zero_data_stream, tc)
{

	zero_data(tc, SOCK_STREAM);
}

AFX_TC(zero_data_dgram, "fd.zero_data_dgram",
    "datagram sendmsg with SCM_RIGHTS and zero data bytes: dropped, delivered or refused")
ATF_TC_BODY(zero_data_dgram, tc)
{

	zero_data(tc, SOCK_DGRAM);
}

AFX_TC(zero_data_seqpacket, "fd.zero_data_seqpacket",
    "seqpacket sendmsg with SCM_RIGHTS and zero data bytes: dropped, delivered or refused")
ATF_TC_BODY(zero_data_seqpacket, tc)
{

	zero_data(tc, SOCK_SEQPACKET);
}

/*
 * Send a control buffer holding the given messages, one byte of data;
 * report the send's errno or what the receiver saw: "one_cmsg" or
 * "two_cmsgs" with the descriptors counted in the word ("2_in_one_cmsg").
 */
static void
send_two(const atf_tc_t *tc, int first_n)
{
	union ctl ctl;
	struct msghdr msg;
	struct cmsghdr *cm;
	struct afx_rcvd r;
	char res[32];
	size_t len;
	int base, sv[2], f[2], i;

	base = afx_count_fds();
	afx_pair_nb(SOCK_STREAM, sv);
	f[0] = afx_make_file("f0", "0");
	f[1] = afx_make_file("f1", "1");
	memset(&ctl, 0, sizeof(ctl));
	memset(&msg, 0, sizeof(msg));
	len = CMSG_SPACE((size_t)first_n * sizeof(int)) +
	    CMSG_SPACE(sizeof(int));
	msg.msg_control = ctl.buf;
	msg.msg_controllen = len;
	cm = CMSG_FIRSTHDR(&msg);
	(void)afx_put_rights(cm, &f[0], first_n);
	cm = CMSG_NXTHDR(&msg, cm);
	ATF_REQUIRE(cm != NULL);
	(void)afx_put_rights(cm, &f[1], 1);
	if (send_control(sv[0], ctl.buf, len) == -1) {
		snprintf(res, sizeof(res), "%s", afx_errname(errno));
	} else {
		afx_recv_ok(sv[1], &r, 1, sizeof(ctl), 0);
		/* One more would have no file of ours to compare with. */
		ATF_REQUIRE_MSG(r.nfds <= first_n + 1,
		    "%d descriptors arrived, %d were sent", r.nfds, first_n + 1);
		for (i = 0; i < r.nfds; i++)
			ATF_REQUIRE(afx_same_file(r.fds[i], f[first_n == 1 ? i :
			    i + 1]));
		snprintf(res, sizeof(res), "%d_in_%s", r.nfds,
		    r.ncmsg == 1 ? "one_cmsg" : r.ncmsg == 2 ? "two_cmsgs" :
		    "no_cmsg");
		afx_close_rcvd(&r);
	}
	ATF_REQUIRE(close(f[0]) == 0);
	ATF_REQUIRE(close(f[1]) == 0);
	afx_close2(sv);
	afx_leak_check(base);
	afx_expect(tc, res);
}

AFX_TC(two_cmsgs, "fd.two_cmsgs",
    "two SCM_RIGHTS messages of one descriptor each in one control buffer")
ATF_TC_BODY(two_cmsgs, tc)
{

	send_two(tc, 1);
}

AFX_TC(empty_then_rights, "fd.empty_then_rights",
    "an empty SCM_RIGHTS message (CMSG_LEN(0)) followed by one with a descriptor")
ATF_TC_BODY(empty_then_rights, tc)
{

	send_two(tc, 0);
}

AFX_TC(empty_rights, "fd.empty_rights",
    "a lone SCM_RIGHTS message with no descriptor (cmsg_len CMSG_LEN(0)) and one data byte")
ATF_TC_BODY(empty_rights, tc)
{
	struct afx_rcvd r;
	const char *res;
	int base, sv[2];

	base = afx_count_fds();
	afx_pair_nb(SOCK_STREAM, sv);
	if (afx_send_rights(sv[0], NULL, 0, "x", 1, 0) == -1) {
		res = afx_errname(errno);
	} else {
		afx_recv_ok(sv[1], &r, 1, CMSG_SPACE(sizeof(int)), 0);
		ATF_REQUIRE(r.n == 1);
		res = r.ncmsg == 0 ? "no_cmsg" : r.nfds == 0 ? "empty_cmsg" :
		    "fds";
		afx_close_rcvd(&r);
	}
	afx_close2(sv);
	afx_leak_check(base);
	afx_expect(tc, res);
}

AFX_TC(send_controllen_unpadded, "fd.send_controllen_unpadded",
    "sendmsg with msg_controllen CMSG_LEN(sizeof(int)) instead of CMSG_SPACE: the descriptor arrives")
ATF_TC_BODY(send_controllen_unpadded, tc)
{
	union ctl ctl;
	struct msghdr msg;
	struct afx_rcvd r;
	const char *res;
	int base, sv[2], f;

	base = afx_count_fds();
	afx_pair_nb(SOCK_STREAM, sv);
	f = afx_make_file("f", "x");
	memset(&ctl, 0, sizeof(ctl));
	memset(&msg, 0, sizeof(msg));
	msg.msg_control = ctl.buf;
	msg.msg_controllen = CMSG_SPACE(sizeof(int));
	(void)afx_put_rights(CMSG_FIRSTHDR(&msg), &f, 1);
	/* The padding after the last message is optional in POSIX. */
	if (send_control(sv[0], ctl.buf, CMSG_LEN(sizeof(int))) == -1) {
		res = afx_errname(errno);
	} else {
		afx_recv_ok(sv[1], &r, 1, CMSG_SPACE(sizeof(int)), 0);
		res = r.nfds == 1 && afx_same_file(r.fds[0], f) ? "ok" : "lost";
		afx_close_rcvd(&r);
	}
	ATF_REQUIRE(close(f) == 0);
	afx_close2(sv);
	afx_leak_check(base);
	afx_expect(tc, res);
}

AFX_TC(recv_controllen_unpadded, "fd.recv_controllen_unpadded",
    "a receive buffer of CMSG_LEN(sizeof(int)) bytes takes one descriptor: count and MSG_CTRUNC")
ATF_TC_BODY(recv_controllen_unpadded, tc)
{
	struct afx_rcvd r;
	int base, sv[2], f, ctrunc, nfds;

	base = afx_count_fds();
	afx_pair_nb(SOCK_STREAM, sv);
	f = afx_make_file("f", "x");
	ATF_REQUIRE(afx_send_rights(sv[0], &f, 1, "x", 1, 0) == 1);
	afx_recv_rights(sv[1], &r, 1, CMSG_LEN(sizeof(int)), 0);
	if (r.n == -1) {
		ATF_REQUIRE(close(f) == 0);
		afx_close2(sv);
		afx_expect(tc, afx_errname(r.err));
		return;
	}
	ctrunc = (r.flags & MSG_CTRUNC) != 0;
	nfds = r.nfds;
	afx_close_rcvd(&r);
	ATF_REQUIRE(close(f) == 0);
	afx_close2(sv);
	afx_leak_check(base);
	afx_expectf(tc, "%d%s", nfds, ctrunc ? "+ctrunc" : "");
}

AFX_TC(cmsg_data_offset, "fd.cmsg_data_offset",
    "CMSG_DATA starts this many bytes after the cmsghdr (the aligned header size)")
ATF_TC_BODY(cmsg_data_offset, tc)
{
	union ctl ctl;

	afx_expectf(tc, "%zu", (size_t)((unsigned char *)CMSG_DATA(&ctl.hdr) -
	    (unsigned char *)&ctl.hdr));
}

AFX_TC(cmsg_alignment, "fd.cmsg_alignment",
    "the CMSG alignment unit, CMSG_SPACE(1) - CMSG_SPACE(0)")
ATF_TC_BODY(cmsg_alignment, tc)
{

	afx_expectf(tc, "%zu", (size_t)(CMSG_SPACE(1) - CMSG_SPACE(0)));
}

/* Which descriptors below SNAP_MAX are open, to find the ones a call added. */
#define SNAP_MAX	1024
struct snap {
	unsigned char open[SNAP_MAX];
};

static void
snap_take(struct snap *s)
{
	int fd;

	for (fd = 0; fd < SNAP_MAX; fd++)
		s->open[fd] = fcntl(fd, F_GETFD) != -1;
}

/* Close every descriptor opened since the snapshot; return how many. */
static int
snap_close_new(const struct snap *s)
{
	int fd, n = 0;

	for (fd = 0; fd < SNAP_MAX; fd++)
		if (!s->open[fd] && fcntl(fd, F_GETFD) != -1) {
			ATF_REQUIRE(close(fd) == 0);
			n++;
		}
	return (n);
}

/*
 * Three descriptors (two files and a pipe's write end, last) into a
 * buffer with room for two.  Fills *r, the number of descriptors that
 * appeared in the process (listed in the message or not: all are closed
 * here), and whether the kernel let go of the pipe's write end.
 */
static void
truncate_three(struct afx_rcvd *r, int *appeared, int *released)
{
	struct snap before;
	int sv[2], f[3], p[2];

	afx_pair_nb(SOCK_STREAM, sv);
	afx_pipe(p);
	f[0] = afx_make_file("f0", "0");
	f[1] = afx_make_file("f1", "1");
	f[2] = p[1];
	ATF_REQUIRE(afx_send_rights(sv[0], f, 3, "x", 1, 0) == 1);
	ATF_REQUIRE(close(f[0]) == 0);
	ATF_REQUIRE(close(f[1]) == 0);
	ATF_REQUIRE(close(p[1]) == 0);
	snap_take(&before);
	/* CMSG_SPACE of two ints holds exactly two, whatever the ABI. */
	afx_recv_rights(sv[1], r, 1, CMSG_SPACE(2 * sizeof(int)), 0);
	/* Only a kernel that installed it (listed or not) still holds it. */
	*released = afx_pipe_closed(p[0], 1000);
	*appeared = snap_close_new(&before);
	if (*appeared != r->nfds)
		printf("%d descriptors appeared, the message lists %d\n",
		    *appeared, r->nfds);
	r->nfds = 0;
	ATF_REQUIRE(close(p[0]) == 0);
	afx_close2(sv);
}

AFX_TC(ctrunc_flag, "fd.ctrunc_flag",
    "three descriptors into a buffer with room for two: recvmsg's result and MSG_CTRUNC")
ATF_TC_BODY(ctrunc_flag, tc)
{
	struct afx_rcvd r;
	int base, appeared, released;

	base = afx_count_fds();
	truncate_three(&r, &appeared, &released);
	afx_leak_check(base);
	if (r.n == -1)
		afx_expect(tc, afx_errname(r.err));
	else
		afx_expect(tc, (r.flags & MSG_CTRUNC) ? "ctrunc" : "no_ctrunc");
}

AFX_TC(ctrunc_installed, "fd.ctrunc_installed",
    "three descriptors into a buffer with room for two: how many are installed in the receiver")
ATF_TC_BODY(ctrunc_installed, tc)
{
	struct afx_rcvd r;
	int base, appeared, released;

	base = afx_count_fds();
	truncate_three(&r, &appeared, &released);
	afx_leak_check(base);
	if (r.n == -1)
		afx_expect(tc, afx_errname(r.err));
	else
		afx_expectf(tc, "%d", appeared);
}

AFX_TC(ctrunc_excess_closed, "fd.ctrunc_excess_closed",
    "three descriptors into a buffer with room for two: the one that did not fit is closed")
ATF_TC_BODY(ctrunc_excess_closed, tc)
{
	struct afx_rcvd r;
	int base, appeared, released;

	base = afx_count_fds();
	truncate_three(&r, &appeared, &released);
	afx_leak_check(base);
	afx_expect(tc, released ? "closed" : "held");
}

/*
 * One descriptor (a pipe's write end) received with too little control
 * room: "ctrunc" or "no_ctrunc" once the kernel has closed it (asserted),
 * or recvmsg's errno.
 */
static void
no_room(const atf_tc_t *tc, size_t ctllen)
{
	struct afx_rcvd r;
	char res[32];
	int base, sv[2], p[2], before;

	base = afx_count_fds();
	afx_pair_nb(SOCK_STREAM, sv);
	afx_pipe(p);
	ATF_REQUIRE(afx_send_rights(sv[0], &p[1], 1, "x", 1, 0) == 1);
	ATF_REQUIRE(close(p[1]) == 0);
	before = afx_count_fds();
	afx_recv_rights(sv[1], &r, 1, ctllen, 0);
	ATF_REQUIRE_MSG(afx_count_fds() == before && r.nfds == 0,
	    "a descriptor was installed without room for it");
	ATF_REQUIRE_MSG(afx_pipe_closed(p[0], 1000),
	    "the descriptor that did not fit is still open in the kernel");
	if (r.n == -1)
		snprintf(res, sizeof(res), "%s", afx_errname(r.err));
	else
		snprintf(res, sizeof(res), "%s",
		    (r.flags & MSG_CTRUNC) ? "ctrunc" : "no_ctrunc");
	ATF_REQUIRE(close(p[0]) == 0);
	afx_close2(sv);
	afx_leak_check(base);
	afx_expect(tc, res);
}

AFX_TC(no_control_buffer, "fd.no_control_buffer",
    "recvmsg with msg_control NULL on a message with a descriptor: closed, flagged MSG_CTRUNC?")
ATF_TC_BODY(no_control_buffer, tc)
{

	no_room(tc, 0);
}

AFX_TC(header_only_buffer, "fd.header_only_buffer",
    "recvmsg with a control buffer of CMSG_LEN(0) bytes (a header, no data): closed, flagged MSG_CTRUNC?")
ATF_TC_BODY(header_only_buffer, tc)
{

	no_room(tc, CMSG_LEN(0));
}

AFX_TC(read_discards, "fd.read_discards",
    "read() of a message carrying a descriptor closes it; the socket stays usable")
ATF_TC_BODY(read_discards, tc)
{
	char buf[4];
	int base, sv[2], p[2], released;

	base = afx_count_fds();
	afx_pair_nb(SOCK_STREAM, sv);
	afx_pipe(p);
	ATF_REQUIRE(afx_send_rights(sv[0], &p[1], 1, "ab", 2, 0) == 2);
	ATF_REQUIRE(close(p[1]) == 0);
	ATF_REQUIRE(read(sv[1], buf, sizeof(buf)) == 2);
	released = afx_pipe_closed(p[0], 1000);
	ATF_REQUIRE(write(sv[0], "c", 1) == 1);
	ATF_REQUIRE(read(sv[1], buf, sizeof(buf)) == 1 && buf[0] == 'c');
	ATF_REQUIRE(close(p[0]) == 0);
	afx_close2(sv);
	afx_leak_check(base);
	afx_expect(tc, released ? "closed" : "held");
}

/* Send n copies of f with one byte; read the byte back, which drops them. */
static int
send_n(int sv[2], int f, int n)
{
	static int fds[MAX_SEARCH + 1];
	char c;
	int i;

	for (i = 0; i < n; i++)
		fds[i] = f;
	if (afx_send_rights(sv[0], fds, n, "x", 1, 0) == -1)
		return (errno);
	ATF_REQUIRE(read(sv[1], &c, 1) == 1);
	return (0);
}

/*
 * The largest number of descriptors one sendmsg takes (up to MAX_SEARCH,
 * found by bisection) and the errno of one more.  The receiver reads
 * without a control buffer, so each batch is dropped at once and the
 * in-flight count stays low.
 */
static void
max_per_message(int *max, int *err)
{
	int sv[2], f, lo, hi, mid;

	afx_pair_nb(SOCK_STREAM, sv);
	f = afx_make_file("f", "x");
	ATF_REQUIRE(send_n(sv, f, 1) == 0);
	lo = 1;
	hi = MAX_SEARCH + 1;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (send_n(sv, f, mid) == 0)
			lo = mid;
		else
			hi = mid;
	}
	*max = lo;
	*err = lo < MAX_SEARCH ? send_n(sv, f, lo + 1) : 0;
	ATF_REQUIRE(close(f) == 0);
	afx_close2(sv);
}

AFX_TC(max_per_message, "fd.max_per_message",
    "the most descriptors one sendmsg accepts (\"1000+\" when there is no limit up to 1000)")
ATF_TC_BODY(max_per_message, tc)
{
	int base, max, err;

	base = afx_count_fds();
	max_per_message(&max, &err);
	afx_leak_check(base);
	if (max >= MAX_SEARCH)
		afx_expectf(tc, "%d+", MAX_SEARCH);
	else
		afx_expectf(tc, "%d", max);
}

AFX_TC(over_max, "fd.over_max",
    "sendmsg with one descriptor more than the per-message limit: errno")
ATF_TC_BODY(over_max, tc)
{
	int base, max, err;

	base = afx_count_fds();
	max_per_message(&max, &err);
	afx_leak_check(base);
	afx_expect(tc, max >= MAX_SEARCH ? "none" : afx_errname(err));
}

AFX_TC(recv_no_slots, "fd.recv_no_slots",
    "recvmsg of a descriptor when RLIMIT_NOFILE leaves no free slot: errno or MSG_CTRUNC")
ATF_TC_BODY(recv_no_slots, tc)
{
	struct rlimit rl, low;
	struct afx_rcvd r;
	char res[32];
	int base, sv[2], p[2], fill[256], nfill, fd, maxfd, closed;

	base = afx_count_fds();
	afx_pair_nb(SOCK_STREAM, sv);
	afx_pipe(p);
	ATF_REQUIRE(afx_send_rights(sv[0], &p[1], 1, "x", 1, 0) == 1);
	ATF_REQUIRE(close(p[1]) == 0);

	/* Lower the soft limit to just above the highest open descriptor... */
	ATF_REQUIRE(getrlimit(RLIMIT_NOFILE, &rl) == 0);
	for (maxfd = 0, fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) != -1)
			maxfd = fd;
	low = rl;
	low.rlim_cur = (rlim_t)maxfd + 1;
	ATF_REQUIRE(setrlimit(RLIMIT_NOFILE, &low) == 0);
	/* ...and fill the holes below it, so no slot is free. */
	for (nfill = 0; nfill < 256; nfill++) {
		fill[nfill] = dup(sv[0]);
		if (fill[nfill] == -1)
			break;
	}
	ATF_REQUIRE_MSG(nfill < 256 && errno == EMFILE,
	    "could not use up the descriptor table: %s", strerror(errno));

	afx_recv_rights(sv[1], &r, 1, CMSG_SPACE(sizeof(int)), 0);

	ATF_REQUIRE(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	while (nfill > 0)
		ATF_REQUIRE(close(fill[--nfill]) == 0);
	ATF_REQUIRE_MSG(r.nfds == 0, "a descriptor arrived with no free slot");
	closed = afx_pipe_closed(p[0], 1000);
	if (r.n == -1)
		snprintf(res, sizeof(res), "%s", afx_errname(r.err));
	else
		snprintf(res, sizeof(res), "%s",
		    (r.flags & MSG_CTRUNC) ? "ctrunc" : "no_ctrunc");
	ATF_REQUIRE_MSG(closed, "the descriptor that found no slot is still "
	    "open in the kernel");
	ATF_REQUIRE(close(p[0]) == 0);
	afx_close2(sv);
	afx_leak_check(base);
	afx_expect(tc, res);
}

AFX_TC(bad_fd, "fd.bad_fd",
    "sendmsg with SCM_RIGHTS naming a descriptor that is not open")
ATF_TC_BODY(bad_fd, tc)
{
	int base, sv[2], f;

	base = afx_count_fds();
	afx_pair_nb(SOCK_STREAM, sv);
	f = afx_make_file("f", "x");
	ATF_REQUIRE(close(f) == 0);
	afx_expect_rc(tc, (int)afx_send_rights(sv[0], &f, 1, "x", 1, 0));
	afx_close2(sv);
	afx_leak_check(base);
}

AFX_TC(peek_installs, "fd.peek_installs",
    "recvmsg with MSG_PEEK on a message with a descriptor: is a descriptor installed?")
ATF_TC_BODY(peek_installs, tc)
{
	struct afx_rcvd r;
	const char *res;
	int base, sv[2], f, before, appeared;

	base = afx_count_fds();
	afx_pair_nb(SOCK_STREAM, sv);
	f = afx_make_file("f", "x");
	ATF_REQUIRE(afx_send_rights(sv[0], &f, 1, "x", 1, 0) == 1);
	before = afx_count_fds();
	afx_recv_rights(sv[1], &r, 1, CMSG_SPACE(sizeof(int)), MSG_PEEK);
	ATF_REQUIRE_MSG(r.n == 1, "peek: %s", strerror(r.err));
	appeared = afx_count_fds() - before;
	if (appeared == 1 && r.nfds == 1 && afx_same_file(r.fds[0], f)) {
		res = "installed";
		afx_close_rcvd(&r);
	} else if (appeared == 0) {
		/* Whatever the cmsg holds, it names nothing of ours. */
		res = r.ncmsg == 0 ? "not_installed" : "cmsg_without_fd";
	} else {
		atf_tc_fail("peek installed %d descriptors, listed %d",
		    appeared, r.nfds);
	}
	ATF_REQUIRE(close(f) == 0);
	afx_close2(sv);
	afx_leak_check(base);
	afx_expect(tc, res);
}

AFX_TC(peek_then_recv, "fd.peek_then_recv",
    "after a MSG_PEEK, the ordinary recvmsg still delivers the descriptor")
ATF_TC_BODY(peek_then_recv, tc)
{
	struct afx_rcvd r;
	const char *res;
	int base, sv[2], f, before;

	base = afx_count_fds();
	afx_pair_nb(SOCK_STREAM, sv);
	f = afx_make_file("f", "x");
	ATF_REQUIRE(afx_send_rights(sv[0], &f, 1, "x", 1, 0) == 1);
	before = afx_count_fds();
	afx_recv_rights(sv[1], &r, 1, CMSG_SPACE(sizeof(int)), MSG_PEEK);
	ATF_REQUIRE(r.n == 1);
	if (afx_count_fds() > before)
		afx_close_rcvd(&r);
	afx_recv_ok(sv[1], &r, 1, CMSG_SPACE(sizeof(int)), 0);
	res = r.nfds == 1 && afx_same_file(r.fds[0], f) ? "delivered" : "lost";
	afx_close_rcvd(&r);
	ATF_REQUIRE(close(f) == 0);
	afx_close2(sv);
	afx_leak_check(base);
	afx_expect(tc, res);
}

/*
 * Two writes on a stream, "ab" and "cd", the descriptor with the first
 * or the second; one 4-byte recvmsg.  Outcome: bytes read, "+fd" when the
 * descriptor came with them.
 */
static void
barrier(const atf_tc_t *tc, int rights_first)
{
	struct afx_rcvd r;
	char res[16];
	int base, sv[2], f;

	base = afx_count_fds();
	afx_pair_nb(SOCK_STREAM, sv);
	f = afx_make_file("f", "x");
	ATF_REQUIRE(afx_send_rights(sv[0], &f, rights_first ? 1 : -1, "ab", 2,
	    0) == 2);
	ATF_REQUIRE(afx_send_rights(sv[0], &f, rights_first ? -1 : 1, "cd", 2,
	    0) == 2);
	afx_recv_ok(sv[1], &r, 4, CMSG_SPACE(sizeof(int)), 0);
	snprintf(res, sizeof(res), "%d%s", (int)r.n, r.nfds > 0 ? "+fd" : "");
	afx_close_rcvd(&r);
	/* Drain the rest, with its descriptor if any. */
	if (r.n < 4) {
		afx_recv_ok(sv[1], &r, 4, CMSG_SPACE(sizeof(int)), 0);
		afx_close_rcvd(&r);
	}
	ATF_REQUIRE(close(f) == 0);
	afx_close2(sv);
	afx_leak_check(base);
	afx_expect(tc, res);
}

AFX_TC(stream_barrier_after, "fd.stream_barrier_after",
    "stream: \"ab\" with a descriptor then \"cd\": a 4-byte read stops at the end of the rights' write")
ATF_TC_BODY(stream_barrier_after, tc)
{

	barrier(tc, 1);
}

AFX_TC(stream_barrier_before, "fd.stream_barrier_before",
    "stream: \"ab\" then \"cd\" with a descriptor: what a 4-byte read returns")
ATF_TC_BODY(stream_barrier_before, tc)
{

	barrier(tc, 0);
}

AFX_TC(separate_writes, "fd.separate_writes",
    "stream: two writes with a descriptor each are not merged by one large recvmsg")
ATF_TC_BODY(separate_writes, tc)
{
	struct afx_rcvd r;
	char res[32];
	int base, sv[2], f[2];

	base = afx_count_fds();
	afx_pair_nb(SOCK_STREAM, sv);
	f[0] = afx_make_file("f0", "0");
	f[1] = afx_make_file("f1", "1");
	ATF_REQUIRE(afx_send_rights(sv[0], &f[0], 1, "a", 1, 0) == 1);
	ATF_REQUIRE(afx_send_rights(sv[0], &f[1], 1, "b", 1, 0) == 1);
	afx_recv_ok(sv[1], &r, 2, CMSG_SPACE(4 * sizeof(int)), 0);
	snprintf(res, sizeof(res), "%d+%dfd", (int)r.n, r.nfds);
	ATF_REQUIRE(r.nfds < 1 || afx_same_file(r.fds[0], f[0]));
	afx_close_rcvd(&r);
	if (r.n == 1) {
		afx_recv_ok(sv[1], &r, 2, CMSG_SPACE(4 * sizeof(int)), 0);
		ATF_REQUIRE(r.nfds < 1 || afx_same_file(r.fds[0], f[1]));
		afx_close_rcvd(&r);
	}
	ATF_REQUIRE(close(f[0]) == 0);
	ATF_REQUIRE(close(f[1]) == 0);
	afx_close2(sv);
	afx_leak_check(base);
	afx_expect(tc, res);
}

AFX_TC(with_first_byte, "fd.with_first_byte",
    "stream: \"abcd\" with a descriptor read one byte at a time: the descriptor comes with the first")
ATF_TC_BODY(with_first_byte, tc)
{
	struct afx_rcvd r;
	char res[16];
	int base, sv[2], f, i;

	base = afx_count_fds();
	afx_pair_nb(SOCK_STREAM, sv);
	f = afx_make_file("f", "x");
	ATF_REQUIRE(afx_send_rights(sv[0], &f, 1, "abcd", 4, 0) == 4);
	/* res[i] is 'F' when read i brought a descriptor, '_' when not. */
	for (i = 0; i < 4; i++) {
		afx_recv_ok(sv[1], &r, 1, CMSG_SPACE(sizeof(int)), 0);
		ATF_REQUIRE(r.n == 1);
		res[i] = r.nfds > 0 ? 'F' : '_';
		afx_close_rcvd(&r);
	}
	res[4] = '\0';
	ATF_REQUIRE(close(f) == 0);
	afx_close2(sv);
	afx_leak_check(base);
	afx_expect(tc, strcmp(res, "F___") == 0 ? "first" : res);
}

/*
 * Pass sv[which] over sv[0].  That the received descriptor is that socket
 * is shown by use, not by fstat (st_ino of a socket is not portable).
 */
static void
pass_socket(const atf_tc_t *tc, int which)
{
	struct afx_rcvd r;
	const char *res;
	char c;
	int base, sv[2], from, to;

	base = afx_count_fds();
	afx_pair_nb(SOCK_STREAM, sv);
	if (afx_send_rights(sv[0], &sv[which], 1, "x", 1, 0) == -1) {
		res = afx_errname(errno);
	} else {
		afx_recv_ok(sv[1], &r, 1, CMSG_SPACE(sizeof(int)), 0);
		ATF_REQUIRE(r.nfds == 1);
		/* A byte written at one end must come out of the other. */
		from = which == 0 ? r.fds[0] : sv[0];
		to = which == 0 ? sv[1] : r.fds[0];
		ATF_REQUIRE(write(from, "y", 1) == 1);
		res = read(to, &c, 1) == 1 && c == 'y' ? "same_socket" :
		    "other";
		afx_close_rcvd(&r);
	}
	afx_close2(sv);
	afx_leak_check(base);
	afx_expect(tc, res);
}

AFX_TC(pass_sending_socket, "fd.pass_sending_socket",
    "a socket passes its own descriptor to its peer")
ATF_TC_BODY(pass_sending_socket, tc)
{

	pass_socket(tc, 0);
}

AFX_TC(pass_receiving_socket, "fd.pass_receiving_socket",
    "the receiving socket's own descriptor is passed to it")
ATF_TC_BODY(pass_receiving_socket, tc)
{

	pass_socket(tc, 1);
}

AFX_TC(dgram_sendto, "fd.dgram_sendto",
    "sendmsg with rights from an unbound datagram socket to a bound one by address")
ATF_TC_BODY(dgram_sendto, tc)
{
	union ctl ctl;
	struct sockaddr_un sun;
	struct msghdr msg;
	struct iovec iov;
	struct afx_rcvd r;
	const char *res;
	int base, s, d, f;

	base = afx_count_fds();
	d = afx_bound(SOCK_DGRAM, "rcv");
	afx_nonblock(d);
	s = afx_socket(SOCK_DGRAM);
	f = afx_make_file("f", "x");
	memset(&ctl, 0, sizeof(ctl));
	afx_msg(&msg, &iov, (void *)(uintptr_t)"x", 1, NULL, 0);
	msg.msg_name = &sun;
	msg.msg_namelen = afx_sun(&sun, "rcv");
	msg.msg_control = ctl.buf;
	msg.msg_controllen = CMSG_SPACE(sizeof(int));
	(void)afx_put_rights(CMSG_FIRSTHDR(&msg), &f, 1);
	if (sendmsg(s, &msg, AFX_NOSIGNAL) == -1) {
		res = afx_errname(errno);
	} else {
		afx_recv_ok(d, &r, 1, CMSG_SPACE(sizeof(int)), 0);
		res = r.nfds == 1 && afx_same_file(r.fds[0], f) ? "ok" : "lost";
		afx_close_rcvd(&r);
	}
	ATF_REQUIRE(close(f) == 0);
	ATF_REQUIRE(close(s) == 0);
	ATF_REQUIRE(close(d) == 0);
	afx_leak_check(base);
	afx_expect(tc, res);
}

/*
 * sendmsg of one byte and one control message whose header the caller
 * sets; reports the errno, or "ok" / "ok_fd_passed" for what arrived.
 */
static void
send_odd(const atf_tc_t *tc, int level, int type, size_t cmsg_len,
    size_t controllen)
{
	union ctl ctl;
	struct cmsghdr *cm;
	struct afx_rcvd r;
	const char *res;
	ssize_t n;
	int base, sv[2], f;

	base = afx_count_fds();
	afx_pair_nb(SOCK_STREAM, sv);
	f = afx_make_file("f", "x");
	memset(&ctl, 0, sizeof(ctl));
	cm = &ctl.hdr;
	cm->cmsg_level = level;
	cm->cmsg_type = type;
	cm->cmsg_len = cmsg_len;
	memcpy(CMSG_DATA(cm), &f, sizeof(int));
	n = send_control(sv[0], ctl.buf, controllen);
	if (n == -1) {
		res = afx_errname(errno);
	} else {
		/* Accepted: whatever arrived is received and closed. */
		afx_recv_rights(sv[1], &r, 1, sizeof(ctl), 0);
		ATF_REQUIRE(r.n == 1 && (r.flags & MSG_CTRUNC) == 0);
		res = r.nfds > 0 ? "ok_fd_passed" : "ok";
		afx_close_rcvd(&r);
	}
	ATF_REQUIRE(close(f) == 0);
	afx_close2(sv);
	afx_leak_check(base);
	afx_expect(tc, res);
}

AFX_TC(short_cmsg_len, "fd.short_cmsg_len",
    "sendmsg with a cmsg_len one byte shorter than struct cmsghdr")
ATF_TC_BODY(short_cmsg_len, tc)
{

	send_odd(tc, SOL_SOCKET, SCM_RIGHTS, sizeof(struct cmsghdr) - 1,
	    CMSG_SPACE(sizeof(int)));
}

AFX_TC(cmsg_len_over_controllen, "fd.cmsg_len_over_controllen",
    "sendmsg with a cmsg_len larger than msg_controllen")
ATF_TC_BODY(cmsg_len_over_controllen, tc)
{

	send_odd(tc, SOL_SOCKET, SCM_RIGHTS, CMSG_LEN(2 * sizeof(int)),
	    CMSG_LEN(sizeof(int)));
}

AFX_TC(unknown_type, "fd.unknown_type",
    "sendmsg with a SOL_SOCKET control message of an unknown type (0x7fff)")
ATF_TC_BODY(unknown_type, tc)
{

	send_odd(tc, SOL_SOCKET, 0x7fff, CMSG_LEN(sizeof(int)),
	    CMSG_SPACE(sizeof(int)));
}

AFX_TC(other_level, "fd.other_level",
    "sendmsg with a control message of level IPPROTO_IP on a unix socket")
ATF_TC_BODY(other_level, tc)
{

	send_odd(tc, IPPROTO_IP, SCM_RIGHTS, CMSG_LEN(sizeof(int)),
	    CMSG_SPACE(sizeof(int)));
}

AFX_TC(shutdown_rd_queued, "fd.shutdown_rd_queued",
    "after shutdown(SHUT_RD) on the receiver, a queued descriptor is still delivered or disposed of")
ATF_TC_BODY(shutdown_rd_queued, tc)
{
	struct afx_rcvd r;
	char res[32];
	int base, sv[2], p[2];

	base = afx_count_fds();
	afx_pair_nb(SOCK_STREAM, sv);
	afx_pipe(p);
	ATF_REQUIRE(afx_send_rights(sv[0], &p[1], 1, "x", 1, 0) == 1);
	ATF_REQUIRE(close(p[1]) == 0);
	ATF_REQUIRE(shutdown(sv[1], SHUT_RD) == 0);
	afx_recv_rights(sv[1], &r, 1, CMSG_SPACE(sizeof(int)), 0);
	if (r.n == -1)
		snprintf(res, sizeof(res), "%s", afx_errname(r.err));
	else if (r.nfds == 1)
		snprintf(res, sizeof(res), "delivered");
	else
		snprintf(res, sizeof(res), "%s", r.n == 0 ? "eof" : "data_only");
	afx_close_rcvd(&r);
	if (strcmp(res, "delivered") != 0)
		ATF_REQUIRE_MSG(afx_pipe_closed(p[0], 1000),
		    "the descriptor was neither delivered nor closed");
	ATF_REQUIRE(close(p[0]) == 0);
	afx_close2(sv);
	afx_leak_check(base);
	afx_expect(tc, res);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, one_stream);
	ATF_TP_ADD_TC(tp, one_dgram);
	ATF_TP_ADD_TC(tp, one_seqpacket);
	ATF_TP_ADD_TC(tp, many_stream);
	ATF_TP_ADD_TC(tp, shared_offset);
	ATF_TP_ADD_TC(tp, cloexec_not_passed);
	ATF_TP_ADD_TC(tp, cmsg_cloexec);
	ATF_TP_ADD_TC(tp, sender_closes);
	ATF_TP_ADD_TC(tp, zero_data_stream);
	ATF_TP_ADD_TC(tp, zero_data_dgram);
	ATF_TP_ADD_TC(tp, zero_data_seqpacket);
	ATF_TP_ADD_TC(tp, two_cmsgs);
	ATF_TP_ADD_TC(tp, empty_then_rights);
	ATF_TP_ADD_TC(tp, empty_rights);
	ATF_TP_ADD_TC(tp, send_controllen_unpadded);
	ATF_TP_ADD_TC(tp, recv_controllen_unpadded);
	ATF_TP_ADD_TC(tp, cmsg_data_offset);
	ATF_TP_ADD_TC(tp, cmsg_alignment);
	ATF_TP_ADD_TC(tp, ctrunc_flag);
	ATF_TP_ADD_TC(tp, ctrunc_installed);
	ATF_TP_ADD_TC(tp, ctrunc_excess_closed);
	ATF_TP_ADD_TC(tp, no_control_buffer);
	ATF_TP_ADD_TC(tp, header_only_buffer);
	ATF_TP_ADD_TC(tp, read_discards);
	ATF_TP_ADD_TC(tp, max_per_message);
	ATF_TP_ADD_TC(tp, over_max);
	ATF_TP_ADD_TC(tp, recv_no_slots);
	ATF_TP_ADD_TC(tp, bad_fd);
	ATF_TP_ADD_TC(tp, peek_installs);
	ATF_TP_ADD_TC(tp, peek_then_recv);
	ATF_TP_ADD_TC(tp, stream_barrier_after);
	ATF_TP_ADD_TC(tp, stream_barrier_before);
	ATF_TP_ADD_TC(tp, separate_writes);
	ATF_TP_ADD_TC(tp, with_first_byte);
	ATF_TP_ADD_TC(tp, pass_sending_socket);
	ATF_TP_ADD_TC(tp, pass_receiving_socket);
	ATF_TP_ADD_TC(tp, dgram_sendto);
	ATF_TP_ADD_TC(tp, short_cmsg_len);
	ATF_TP_ADD_TC(tp, cmsg_len_over_controllen);
	ATF_TP_ADD_TC(tp, unknown_type);
	ATF_TP_ADD_TC(tp, other_level);
	ATF_TP_ADD_TC(tp, shutdown_rd_queued);
	return (atf_no_error());
}
