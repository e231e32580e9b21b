/*
 * More ancillary data, credentials and namespaces (catalogue groups FD,
 * GC, CRED, ABS, LNX, RACE): what kinds of open file SCM_RIGHTS carries
 * (a directory, an O_PATH descriptor, an epoll or kqueue instance, a
 * sealed memfd, a listening socket); what becomes of descriptors a send
 * could not deliver (a closed peer, a full queue); MSG_CMSG_CLOEXEC on
 * several descriptors; MSG_PEEK with a control buffer too small; a
 * truncated datagram that carried a descriptor; sendmmsg and recvmmsg
 * with rights; credentials next to rights and on coalesced writes; whose
 * credentials a socketpair names once it has changed hands; abstract
 * names with embedded NULs and of the full 108 bytes; /proc/net/unix for
 * a socketpair and a connected datagram socket; and two races, shutdown
 * against a sleeping recv and a storm of connects against a backlog of
 * one.  Every check is keyed in platforms/.
 *
 * A pipe's write end is the probe for "was the descriptor released":
 * once the last reference to it goes, in this process or in a kernel
 * queue, the read end sees end-of-file.  Every test that moves
 * descriptors counts its open descriptors before and after.
 */
#ifdef __linux__
/* memfd_create, O_PATH, the seals, struct ucred, SO_PASSCRED, *mmsg. */
#define _GNU_SOURCE
#endif
#if defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__) || \
    defined(__DragonFly__) || defined(__APPLE__)
/*
 * The BSD and macOS headers hide CMSG_SPACE, MSG_CMSG_CLOEXEC, O_PATH,
 * kqueue and the peer-credential options from a strict POSIX build.
 */
#undef _POSIX_C_SOURCE
#endif

#include <sys/types.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/epoll.h>
#endif
#if defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__) || \
    defined(__DragonFly__) || defined(__APPLE__)
#include <sys/event.h>
#include <sys/time.h>
#endif
#if defined(__FreeBSD__) || defined(__DragonFly__) || defined(__APPLE__)
#include <sys/param.h>
#include <sys/ucred.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "afx.h"

#ifndef SOL_LOCAL
#define SOL_LOCAL	0	/* the BSDs' level for LOCAL_* options */
#endif

#define PATH_OFF	offsetof(struct sockaddr_un, sun_path)

/* Rounds of the shutdown race, and seconds before a stuck child is killed. */
#define ITER		32
#define CHILD_ALARM	5
/* The connect storm: clients, connects each, and the listener's backlog. */
#define STORM_KIDS	4
#define STORM_TRIES	16
#define STORM_BACKLOG	1

/* A control buffer aligned for struct cmsghdr. */
union ctl {
	struct cmsghdr hdr;
	unsigned char buf[512];
};

/*
 * Send fd over a fresh stream pair and receive it: the received
 * descriptor, or -1 with *err set when the send failed.
 */
static int
pass_over_pair(int fd, int *err)
{
	struct afx_rcvd r;
	int sv[2];

	*err = 0;
	afx_pair_nb(SOCK_STREAM, sv);
	if (afx_send_rights(sv[0], &fd, 1, "x", 1, 0) == -1) {
		*err = errno;
		afx_close2(sv);
		return (-1);
	}
	afx_recv_ok(sv[1], &r, 1, CMSG_SPACE(sizeof(int)), 0);
	afx_close2(sv);
	ATF_REQUIRE_MSG(r.nfds == 1, "the descriptor did not arrive");
	return (r.fds[0]);
}

AFX_TC(pass_directory, "fd.pass_directory",
    "a directory descriptor passed with SCM_RIGHTS works for openat in the receiver")
ATF_TC_BODY(pass_directory, tc)
{
	const char *res;
	int base, d, got, m, err;

	base = afx_count_fds();
	m = afx_make_file("marker", "m");
	ATF_REQUIRE(close(m) == 0);
	d = open(".", O_RDONLY | O_DIRECTORY);
	ATF_REQUIRE_MSG(d != -1, "open .: %s", strerror(errno));
	got = pass_over_pair(d, &err);
	if (got == -1) {
		res = afx_errname(err);
	} else if (!afx_same_file(got, d)) {
		res = "other_file";
		ATF_REQUIRE(close(got) == 0);
	} else {
		/* Relative to the received directory, not the cwd. */
		m = openat(got, "marker", O_RDONLY);
		res = m != -1 ? "usable" : afx_errname(errno);
		if (m != -1)
			ATF_REQUIRE(close(m) == 0);
		ATF_REQUIRE(close(got) == 0);
	}
	ATF_REQUIRE(close(d) == 0);
	afx_leak_check(base);
	afx_expect(tc, res);
}

AFX_TC(pass_o_path, "fd.pass_o_path",
    "an O_PATH descriptor passed with SCM_RIGHTS arrives as the same O_PATH file")
ATF_TC_BODY(pass_o_path, tc)
{
#ifdef O_PATH
	const char *res;
	int base, f, got, fl, err;

	base = afx_count_fds();
	f = afx_make_file("f", "x");
	ATF_REQUIRE(close(f) == 0);
	f = open("f", O_PATH);
	ATF_REQUIRE_MSG(f != -1, "open O_PATH: %s", strerror(errno));
	got = pass_over_pair(f, &err);
	if (got == -1) {
		res = afx_errname(err);
	} else {
		fl = fcntl(got, F_GETFL);
		ATF_REQUIRE(fl != -1);
		res = !afx_same_file(got, f) ? "other_file" : (fl & O_PATH) ?
		    "same_file" : "not_o_path";
		ATF_REQUIRE(close(got) == 0);
	}
	ATF_REQUIRE(close(f) == 0);
	afx_leak_check(base);
	afx_expect(tc, res);
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(pass_event_queue, "fd.pass_event_queue",
    "an epoll (Linux) or kqueue (BSD, macOS) descriptor passed with SCM_RIGHTS: refused, or the same queue")
ATF_TC_BODY(pass_event_queue, tc)
{
#if defined(__linux__)
	struct epoll_event ev;
	const char *res;
	int base, q, got, p[2], err, n;

	base = afx_count_fds();
	q = epoll_create1(0);
	ATF_REQUIRE_MSG(q != -1, "epoll_create1: %s", strerror(errno));
	afx_pipe(p);
	got = pass_over_pair(q, &err);
	if (got == -1) {
		res = afx_errname(err);
	} else {
		/* A watch added through one number is seen through the other. */
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN;
		ev.data.fd = p[0];
		ATF_REQUIRE(epoll_ctl(got, EPOLL_CTL_ADD, p[0], &ev) == 0);
		ATF_REQUIRE(write(p[1], "x", 1) == 1);
		n = epoll_wait(q, &ev, 1, 1000);
		res = n == 1 && ev.data.fd == p[0] ? "same_queue" : "other";
		ATF_REQUIRE(close(got) == 0);
	}
	ATF_REQUIRE(close(q) == 0);
	afx_close2(p);
	afx_leak_check(base);
	afx_expect(tc, res);
#elif defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__) || \
    defined(__DragonFly__) || defined(__APPLE__)
	struct kevent kev;
	struct timespec ts;
	const char *res;
	int base, q, got, p[2], err, n;

	base = afx_count_fds();
	q = kqueue();
	ATF_REQUIRE_MSG(q != -1, "kqueue: %s", strerror(errno));
	afx_pipe(p);
	got = pass_over_pair(q, &err);
	if (got == -1) {
		res = afx_errname(err);
	} else {
		EV_SET(&kev, p[0], EVFILT_READ, EV_ADD, 0, 0, 0);
		ATF_REQUIRE(kevent(got, &kev, 1, NULL, 0, NULL) == 0);
		ATF_REQUIRE(write(p[1], "x", 1) == 1);
		ts.tv_sec = 1;
		ts.tv_nsec = 0;
		n = kevent(q, NULL, 0, &kev, 1, &ts);
		res = n == 1 && (int)kev.ident == p[0] ? "same_queue" :
		    "other";
		ATF_REQUIRE(close(got) == 0);
	}
	ATF_REQUIRE(close(q) == 0);
	afx_close2(p);
	afx_leak_check(base);
	afx_expect(tc, res);
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(pass_memfd_seals, "fd.pass_memfd_seals",
    "a sealed memfd passed with SCM_RIGHTS keeps its seals in the receiver")
ATF_TC_BODY(pass_memfd_seals, tc)
{
#if defined(MFD_ALLOW_SEALING) && defined(F_ADD_SEALS) && defined(F_GET_SEALS)
	const char *res;
	int base, m, got, seals, want, err;

	base = afx_count_fds();
	m = memfd_create("afx", MFD_ALLOW_SEALING);
	if (m == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	ATF_REQUIRE(write(m, "sealed", 6) == 6);
	want = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL;
	ATF_REQUIRE_MSG(fcntl(m, F_ADD_SEALS, want) == 0, "F_ADD_SEALS: %s",
	    strerror(errno));
	got = pass_over_pair(m, &err);
	if (got == -1) {
		res = afx_errname(err);
	} else {
		/* The seals belong to the file: a write must still fail. */
		seals = fcntl(got, F_GET_SEALS);
		if (seals == want && write(got, "x", 1) == -1 &&
		    errno == EPERM)
			res = "seals_kept";
		else
			res = "seals_lost";
		ATF_REQUIRE(close(got) == 0);
	}
	ATF_REQUIRE(close(m) == 0);
	afx_leak_check(base);
	afx_expect(tc, res);
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(pass_listener, "fd.pass_listener",
    "a listening socket passed with SCM_RIGHTS (the sender's copy closed) accepts in the receiver")
ATF_TC_BODY(pass_listener, tc)
{
	struct pollfd pfd;
	const char *res;
	int base, l, got, c, a, err;

	base = afx_count_fds();
	l = afx_listener("srv");
	got = pass_over_pair(l, &err);
	ATF_REQUIRE(close(l) == 0);
	if (got == -1) {
		res = afx_errname(err);
	} else {
		c = afx_connected(SOCK_STREAM, "srv");
		pfd.fd = got;
		pfd.events = POLLIN;
		pfd.revents = 0;
		/* The connection is queued already; poll only bounds it. */
		if (poll(&pfd, 1, 1000) != 1) {
			res = "no_connection";
		} else {
			a = accept(got, NULL, NULL);
			res = a != -1 ? "accepts" : afx_errname(errno);
			if (a != -1)
				ATF_REQUIRE(close(a) == 0);
		}
		ATF_REQUIRE(close(c) == 0);
		ATF_REQUIRE(close(got) == 0);
	}
	afx_leak_check(base);
	afx_expect(tc, res);
}

/*
 * Send a pipe's write end to a pair whose other end is closed; the
 * outcome is the send's errno (or "sent") and whether the descriptor was
 * then released ("+released") or is still held somewhere ("+held").
 */
static void
to_closed_peer(const atf_tc_t *tc, int type)
{
	char res[48];
	ssize_t n;
	int base, sv[2], p[2], err;

	base = afx_count_fds();
	afx_pair_nb(type, sv);
	afx_pipe(p);
	ATF_REQUIRE(close(sv[1]) == 0);
	n = afx_send_rights(sv[0], &p[1], 1, "x", 1, 0);
	err = errno;
	ATF_REQUIRE(close(p[1]) == 0);
	snprintf(res, sizeof(res), "%s+%s", n == -1 ? afx_errname(err) :
	    "sent", afx_pipe_closed(p[0], 1000) ? "released" : "held");
	ATF_REQUIRE(close(sv[0]) == 0);
	ATF_REQUIRE(close(p[0]) == 0);
	afx_leak_check(base);
	afx_expect(tc, res);
}

AFX_TC(to_closed_peer_stream, "fd.to_closed_peer_stream",
    "stream: rights sent after the peer closed: the errno, and the descriptor is released")
ATF_TC_BODY(to_closed_peer_stream, tc)
{

	to_closed_peer(tc, SOCK_STREAM);
}

AFX_TC(to_closed_peer_dgram, "fd.to_closed_peer_dgram",
    "datagram pair: rights sent after the peer closed: the errno, and the descriptor is released")
ATF_TC_BODY(to_closed_peer_dgram, tc)
{

	to_closed_peer(tc, SOCK_DGRAM);
}

AFX_TC(full_queue_dontwait, "fd.full_queue_dontwait",
    "datagram pair with a full queue: rights sent with MSG_DONTWAIT: the errno, and the descriptor is released")
ATF_TC_BODY(full_queue_dontwait, tc)
{
	char res[48], c;
	ssize_t n;
	int base, sv[2], p[2], i, err;

	base = afx_count_fds();
	afx_pair_nb(SOCK_DGRAM, sv);
	afx_pipe(p);
	/* Fill the queue with one-byte datagrams until the kernel says no. */
	for (i = 0; i < 100000; i++)
		if (send(sv[0], "f", 1, MSG_DONTWAIT) == -1)
			break;
	ATF_REQUIRE_MSG(i < 100000, "the queue never filled");
	ATF_REQUIRE_MSG(errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == ENOBUFS, "filling: %s", strerror(errno));
	n = afx_send_rights(sv[0], &p[1], 1, "x", 1, MSG_DONTWAIT);
	err = errno;
	ATF_REQUIRE(close(p[1]) == 0);
	if (n == -1) {
		snprintf(res, sizeof(res), "%s+%s", afx_errname(err),
		    afx_pipe_closed(p[0], 1000) ? "released" : "held");
	} else {
		/* Sent after all: it waits behind the filler, not an error. */
		snprintf(res, sizeof(res), "sent");
	}
	/* Empty the queue (closing drops whatever is left anyway). */
	while (recv(sv[1], &c, 1, MSG_DONTWAIT) == 1)
		continue;
	afx_close2(sv);
	ATF_REQUIRE(close(p[0]) == 0);
	afx_leak_check(base);
	afx_expect(tc, res);
}

AFX_TC(cloexec_many, "fd.cloexec_many",
    "recvmsg with MSG_CMSG_CLOEXEC of three descriptors: how many get FD_CLOEXEC")
ATF_TC_BODY(cloexec_many, tc)
{
#ifdef MSG_CMSG_CLOEXEC
	struct afx_rcvd r;
	char name[8];
	int base, sv[2], f[3], i, fl, set = 0;

	base = afx_count_fds();
	afx_pair_nb(SOCK_STREAM, sv);
	for (i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		f[i] = afx_make_file(name, name);
	}
	ATF_REQUIRE(afx_send_rights(sv[0], f, 3, "x", 1, 0) == 1);
	afx_recv_rights(sv[1], &r, 1, CMSG_SPACE(3 * sizeof(int)),
	    MSG_CMSG_CLOEXEC);
	if (r.n == -1) {
		for (i = 0; i < 3; i++)
			ATF_REQUIRE(close(f[i]) == 0);
		afx_close2(sv);
		afx_expect(tc, afx_errname(r.err));
		return;
	}
	ATF_REQUIRE((r.flags & MSG_CTRUNC) == 0 && r.nfds == 3);
	for (i = 0; i < 3; i++) {
		ATF_REQUIRE(afx_same_file(r.fds[i], f[i]));
		fl = fcntl(r.fds[i], F_GETFD);
		ATF_REQUIRE(fl != -1);
		if (fl & FD_CLOEXEC)
			set++;
	}
	afx_close_rcvd(&r);
	for (i = 0; i < 3; i++)
		ATF_REQUIRE(close(f[i]) == 0);
	afx_close2(sv);
	afx_leak_check(base);
	afx_expectf(tc, "%d_of_3", set);
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(peek_ctrunc, "fd.peek_ctrunc",
    "MSG_PEEK with a control buffer that holds no descriptor, then an ordinary recvmsg with room")
ATF_TC_BODY(peek_ctrunc, tc)
{
	struct afx_rcvd r;
	char res[48];
	const char *first;
	int base, sv[2], p[2], before;

	base = afx_count_fds();
	afx_pair_nb(SOCK_STREAM, sv);
	afx_pipe(p);
	ATF_REQUIRE(afx_send_rights(sv[0], &p[1], 1, "x", 1, 0) == 1);
	ATF_REQUIRE(close(p[1]) == 0);
	before = afx_count_fds();
	/* Room for the header alone: no descriptor fits. */
	afx_recv_rights(sv[1], &r, 1, CMSG_LEN(0), MSG_PEEK);
	ATF_REQUIRE_MSG(r.n == 1, "peek: %s", strerror(r.err));
	ATF_REQUIRE_MSG(r.nfds == 0 && afx_count_fds() == before,
	    "a descriptor was installed with no room for it");
	first = (r.flags & MSG_CTRUNC) ? "ctrunc" : "no_ctrunc";
	/* What the peek did must not cost the real receive its descriptor. */
	afx_recv_ok(sv[1], &r, 1, CMSG_SPACE(sizeof(int)), 0);
	if (r.nfds == 1) {
		afx_close_rcvd(&r);
		snprintf(res, sizeof(res), "%s+delivered", first);
	} else {
		snprintf(res, sizeof(res), "%s+lost", first);
	}
	/* Every reference to the write end is gone now. */
	ATF_REQUIRE_MSG(afx_pipe_closed(p[0], 1000),
	    "the descriptor is still held after it was received and closed");
	ATF_REQUIRE(close(p[0]) == 0);
	afx_close2(sv);
	afx_leak_check(base);
	afx_expect(tc, res);
}

AFX_TC(dgram_trunc_rights, "fd.dgram_trunc_rights",
    "a 6-byte datagram with a descriptor read into 2 bytes: MSG_TRUNC, and the descriptor")
ATF_TC_BODY(dgram_trunc_rights, tc)
{
	struct afx_rcvd r;
	char res[48], c;
	int base, sv[2], f;

	base = afx_count_fds();
	afx_pair_nb(SOCK_DGRAM, sv);
	f = afx_make_file("f", "x");
	ATF_REQUIRE(afx_send_rights(sv[0], &f, 1, "abcdef", 6, 0) == 6);
	afx_recv_ok(sv[1], &r, 2, CMSG_SPACE(sizeof(int)), 0);
	ATF_REQUIRE(r.n == 2);
	snprintf(res, sizeof(res), "%s%s",
	    (r.flags & MSG_TRUNC) ? "trunc" : "no_trunc",
	    r.nfds == 1 && afx_same_file(r.fds[0], f) ? "+fd" : "");
	afx_close_rcvd(&r);
	/* The rest of the datagram went with it. */
	ATF_REQUIRE(recv(sv[1], &c, 1, MSG_DONTWAIT) == -1);
	ATF_REQUIRE(close(f) == 0);
	afx_close2(sv);
	afx_leak_check(base);
	afx_expect(tc, res);
}

AFX_TC(mmsg_rights, "fd.mmsg_rights",
    "sendmmsg of two datagrams with a descriptor each, recvmmsg of both: each brings its own")
ATF_TC_BODY(mmsg_rights, tc)
{
#if defined(__linux__) || defined(__FreeBSD__) || defined(__NetBSD__) || \
    defined(__OpenBSD__)
	union ctl sctl[2], rctl[2];
	struct mmsghdr sm[2], rm[2];
	struct iovec siov[2], riov[2];
	struct afx_rcvd r[2];
	char res[48], rbuf[2][8];
	int base, sv[2], f[2], i, n, ok;

	base = afx_count_fds();
	afx_pair_nb(SOCK_DGRAM, sv);
	f[0] = afx_make_file("f0", "0");
	f[1] = afx_make_file("f1", "1");
	memset(sm, 0, sizeof(sm));
	memset(rm, 0, sizeof(rm));
	memset(sctl, 0, sizeof(sctl));
	for (i = 0; i < 2; i++) {
		siov[i].iov_base = (void *)(uintptr_t)(i == 0 ? "a" : "b");
		siov[i].iov_len = 1;
		sm[i].msg_hdr.msg_iov = &siov[i];
		sm[i].msg_hdr.msg_iovlen = 1;
		sm[i].msg_hdr.msg_control = sctl[i].buf;
		sm[i].msg_hdr.msg_controllen = afx_put_rights(&sctl[i].hdr,
		    &f[i], 1);
		memset(&rctl[i], 0, sizeof(rctl[i]));
		riov[i].iov_base = rbuf[i];
		riov[i].iov_len = sizeof(rbuf[i]);
		rm[i].msg_hdr.msg_iov = &riov[i];
		rm[i].msg_hdr.msg_iovlen = 1;
		rm[i].msg_hdr.msg_control = rctl[i].buf;
		rm[i].msg_hdr.msg_controllen = sizeof(rctl[i].buf);
	}
	n = sendmmsg(sv[0], sm, 2, AFX_NOSIGNAL);
	if (n == -1) {
		snprintf(res, sizeof(res), "%s", afx_errname(errno));
		ATF_REQUIRE(close(f[0]) == 0 && close(f[1]) == 0);
		afx_close2(sv);
		afx_leak_check(base);
		afx_expect(tc, res);
		return;
	}
	ATF_REQUIRE_MSG(n == 2, "sendmmsg sent %d of 2", n);
	afx_await_input(sv[1]);
	n = recvmmsg(sv[1], rm, 2, MSG_DONTWAIT, NULL);
	ATF_REQUIRE_MSG(n != -1, "recvmmsg: %s", strerror(errno));
	ok = 1;
	/* recvmmsg fills at most the 2 headers it was given. */
	for (i = 0; i < n && i < 2; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		ATF_REQUIRE((rm[i].msg_hdr.msg_flags & MSG_CTRUNC) == 0);
		afx_parse_control(&rm[i].msg_hdr, &r[i]);
		if (rm[i].msg_len != 1 || rbuf[i][0] != (i == 0 ? 'a' : 'b') ||
		    r[i].nfds != 1 || !afx_same_file(r[i].fds[0], f[i]))
			ok = 0;
		afx_close_rcvd(&r[i]);
	}
	snprintf(res, sizeof(res), "%d_msgs_%s", n, ok ? "own_fd_each" :
	    "mixed");
	ATF_REQUIRE(close(f[0]) == 0);
	ATF_REQUIRE(close(f[1]) == 0);
	afx_close2(sv);
	afx_leak_check(base);
	afx_expect(tc, res);
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(passcred_with_rights, "cred.passcred_with_rights",
    "SO_PASSCRED on the receiver and a descriptor sent: both control messages arrive")
ATF_TC_BODY(passcred_with_rights, tc)
{
#if defined(SCM_CREDENTIALS) && defined(SO_PASSCRED)
	struct afx_rcvd r;
	char res[48];
	int base, sv[2], f;

	base = afx_count_fds();
	afx_pair_nb(SOCK_DGRAM, sv);
	ATF_REQUIRE(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &(int){1},
	    sizeof(int)) == 0);
	f = afx_make_file("f", "x");
	ATF_REQUIRE(afx_send_rights(sv[0], &f, 1, "x", 1, 0) == 1);
	/* Room for both: CMSG_SPACE of each, as the kernel lays them out. */
	afx_recv_ok(sv[1], &r, 1, CMSG_SPACE(sizeof(struct ucred)) +
	    CMSG_SPACE(sizeof(int)), 0);
	snprintf(res, sizeof(res), "%s+%s",
	    !r.has_cred ? "nocred" : r.cred.pid == getpid() &&
	    r.cred.uid == geteuid() && r.cred.gid == getegid() ? "self" :
	    "other", r.nfds == 1 && afx_same_file(r.fds[0], f) ? "fd" : "nofd");
	afx_close_rcvd(&r);
	ATF_REQUIRE(close(f) == 0);
	afx_close2(sv);
	afx_leak_check(base);
	afx_expect(tc, res);
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(passcred_same_merged, "cred.passcred_same_merged",
    "stream with SO_PASSCRED: two writes by the same process are merged into one read")
ATF_TC_BODY(passcred_same_merged, tc)
{
#if defined(SCM_CREDENTIALS) && defined(SO_PASSCRED)
	struct afx_rcvd r;
	int sv[2];

	afx_pair_nb(SOCK_STREAM, sv);
	ATF_REQUIRE(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &(int){1},
	    sizeof(int)) == 0);
	ATF_REQUIRE(write(sv[0], "a", 1) == 1);
	ATF_REQUIRE(write(sv[0], "b", 1) == 1);
	afx_recv_ok(sv[1], &r, 8, sizeof(union ctl), 0);
	ATF_REQUIRE(r.has_cred);
	afx_close_rcvd(&r);
	afx_close2(sv);
	afx_expect(tc, r.n == 2 ? "merged" : r.n == 1 ? "split" : "other");
#else
	afx_expect(tc, "unsupported");
#endif
}

/*
 * The pid the system's peer-credential interface names for fd's peer:
 * 0, -1 with errno, or -2 when there is no such interface or no pid in it.
 */
static int
peer_pid(int fd, long *pid)
{
#if defined(__linux__) && defined(SO_PEERCRED)
	struct ucred uc;
	socklen_t len = sizeof(uc);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) == -1)
		return (-1);
	*pid = (long)uc.pid;
	return (0);
#elif defined(__OpenBSD__) && defined(SO_PEERCRED)
	struct sockpeercred pc;
	socklen_t len = sizeof(pc);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &pc, &len) == -1)
		return (-1);
	*pid = (long)pc.pid;
	return (0);
#elif defined(__NetBSD__) && defined(LOCAL_PEEREID)
	struct unpcbid u;
	socklen_t len = sizeof(u);

	if (getsockopt(fd, SOL_LOCAL, LOCAL_PEEREID, &u, &len) == -1)
		return (-1);
	*pid = (long)u.unp_pid;
	return (0);
#elif defined(__FreeBSD__) && defined(LOCAL_PEERCRED) && \
    __FreeBSD_version >= 1300000
	struct xucred xu;
	socklen_t len = sizeof(xu);

	if (getsockopt(fd, SOL_LOCAL, LOCAL_PEERCRED, &xu, &len) == -1)
		return (-1);
	*pid = (long)xu.cr_pid;
	return (0);
#elif defined(__APPLE__) && defined(LOCAL_PEERPID)
	pid_t p;
	socklen_t len = sizeof(p);

	if (getsockopt(fd, SOL_LOCAL, LOCAL_PEERPID, &p, &len) == -1)
		return (-1);
	*pid = (long)p;
	return (0);
#else
	(void)fd;
	(void)pid;
	return (-2);
#endif
}

AFX_TC(socketpair_after_fork, "cred.socketpair_after_fork",
    "a child holds and uses one end of a stream socketpair, the parent closed its copy: whose pid the other end names")
ATF_TC_BODY(socketpair_after_fork, tc)
{
	pid_t pid;
	long peer = 0;
	char c;
	int sv[2], rc, err, status;

	ATF_REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	pid = fork();
	ATF_REQUIRE(pid != -1);
	if (pid == 0) {
		(void)alarm(CHILD_ALARM);
		(void)close(sv[0]);
		/* Use the end, then wait until the parent has asked. */
		if (write(sv[1], "r", 1) != 1)
			_exit(1);
		(void)read(sv[1], &c, 1);
		_exit(0);
	}
	ATF_REQUIRE(close(sv[1]) == 0);
	ATF_REQUIRE_MSG(read(sv[0], &c, 1) == 1, "the child did not start");
	rc = peer_pid(sv[0], &peer);
	err = errno;
	ATF_REQUIRE(write(sv[0], "g", 1) == 1);
	ATF_REQUIRE(close(sv[0]) == 0);
	ATF_REQUIRE(waitpid(pid, &status, 0) == pid);
	ATF_REQUIRE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	if (rc == -2)
		afx_expect(tc, "unsupported");
	else if (rc == -1)
		afx_expect(tc, afx_errname(err));
	else
		afx_expect(tc, peer == (long)getpid() ? "creator" :
		    peer == (long)pid ? "holder" : "other");
}

AFX_TC(embedded_nul_prefix, "abs.embedded_nul_prefix",
    "a name with an embedded NUL (\"\\0name\\0tail\"): connect to the part before the NUL, and to the whole")
ATF_TC_BODY(embedded_nul_prefix, tc)
{
	struct sockaddr_un sun;
	socklen_t len;
	char res[64];
	int l, a, b, ra, rb, ea, eb;

	l = afx_socket(SOCK_STREAM);
	len = afx_abs_name(&sun, "e", "\0tail", 5, 0);
	if (bind(l, (struct sockaddr *)&sun, len) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	ATF_REQUIRE(listen(l, 4) == 0);
	a = afx_socket(SOCK_STREAM);
	len = afx_abs_name(&sun, "e", NULL, 0, 0);
	ra = connect(a, (struct sockaddr *)&sun, len);
	ea = errno;
	b = afx_socket(SOCK_STREAM);
	len = afx_abs_name(&sun, "e", "\0tail", 5, 0);
	rb = connect(b, (struct sockaddr *)&sun, len);
	eb = errno;
	if (ra == -1 && ea == ECONNREFUSED && rb == 0)
		snprintf(res, sizeof(res), "exact_only");
	else if (ra == 0)
		snprintf(res, sizeof(res), "prefix_matches");
	else
		snprintf(res, sizeof(res), "prefix_%s_whole_%s",
		    afx_result(ra, ea), afx_result(rb, eb));
	ATF_REQUIRE(close(a) == 0 && close(b) == 0 && close(l) == 0);
	afx_expect(tc, res);
}

AFX_TC(full_length, "abs.full_length",
    "an abstract name that fills all of sun_path: bind, the length getsockname gives, connect")
ATF_TC_BODY(full_length, tc)
{
	struct sockaddr_un sun;
	union afx_bigaddr a;
	socklen_t len, got;
	int l, c;

	l = afx_socket(SOCK_STREAM);
	len = afx_abs_name(&sun, "full", NULL, 0, sizeof(sun.sun_path));
	ATF_REQUIRE(len == sizeof(sun));
	if (bind(l, (struct sockaddr *)&sun, len) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	ATF_REQUIRE(listen(l, 4) == 0);
	memset(&a, 0, sizeof(a));
	got = sizeof(a);
	ATF_REQUIRE(getsockname(l, (struct sockaddr *)&a, &got) == 0);
	ATF_REQUIRE_MSG(got != len || memcmp(&a.sun, &sun, len) == 0,
	    "getsockname gave other bytes of the same length");
	c = afx_socket(SOCK_STREAM);
	if (connect(c, (struct sockaddr *)&sun, len) == -1) {
		afx_expectf(tc, "connect_%s", afx_errname(errno));
		return;
	}
	ATF_REQUIRE(close(c) == 0 && close(l) == 0);
	afx_expectf(tc, "%u", (unsigned)got);
}

AFX_TC(peername, "abs.getpeername",
    "a client connected to an abstract listener: getpeername gives exactly the bound address")
ATF_TC_BODY(peername, tc)
{
	struct sockaddr_un sun;
	union afx_bigaddr a;
	socklen_t len, got;
	int l, c;

	l = afx_socket(SOCK_STREAM);
	len = afx_abs_name(&sun, "peer", NULL, 0, 0);
	if (bind(l, (struct sockaddr *)&sun, len) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	ATF_REQUIRE(listen(l, 4) == 0);
	c = afx_socket(SOCK_STREAM);
	ATF_REQUIRE_MSG(connect(c, (struct sockaddr *)&sun, len) == 0,
	    "connect: %s", strerror(errno));
	memset(&a, 0, sizeof(a));
	got = sizeof(a);
	ATF_REQUIRE(getpeername(c, (struct sockaddr *)&a, &got) == 0);
	ATF_REQUIRE(close(c) == 0 && close(l) == 0);
	if (got == len && memcmp(&a.sun, &sun, len) == 0)
		afx_expect(tc, "exact");
	else
		afx_expectf(tc, "%u", (unsigned)got);
}

/* Flags-Type-St of fd's line, "-named" when it shows a path. */
static void
expect_proc(const atf_tc_t *tc, int fd)
{
	struct afx_procline pl;
	int rc;

	rc = afx_proc_unix(fd, &pl);
	if (rc == -1)
		afx_expect(tc, afx_errname(errno));
	else if (rc == 1)
		afx_expect(tc, "absent");
	else
		afx_expectf(tc, "%08x-%04x-%02x%s", pl.flags, pl.type,
		    pl.state, pl.path[0] != '\0' ? "-named" : "");
}

AFX_TC(proc_socketpair, "lnx.proc_socketpair",
    "/proc/net/unix Flags, Type and St of one end of a stream socketpair, and that it shows no path")
ATF_TC_BODY(proc_socketpair, tc)
{
	int sv[2];

	ATF_REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	expect_proc(tc, sv[0]);
	afx_close2(sv);
}

AFX_TC(proc_dgram_connected, "lnx.proc_dgram_connected",
    "/proc/net/unix Flags, Type and St of a bound datagram socket connected to another")
ATF_TC_BODY(proc_dgram_connected, tc)
{
	int a, b;

	b = afx_bound(SOCK_DGRAM, "d2");
	a = afx_bound(SOCK_DGRAM, "d1");
	ATF_REQUIRE_MSG(afx_try_connect(a, "d2") == 0, "connect: %s",
	    strerror(errno));
	expect_proc(tc, a);
	ATF_REQUIRE(close(a) == 0 && close(b) == 0);
}

AFX_TC(shutdown_vs_recv, "race.shutdown_vs_recv",
    "a blocking recv in one process ends with end-of-file when the peer shuts down writing, or its own socket reading, whenever that comes")
ATF_TC_BODY(shutdown_vs_recv, tc)
{
	struct afx_verdict v;
	pid_t pid;
	int before, i, sv[2], own;

	afx_verdict_init(&v);
	before = afx_count_fds();
	for (i = 0; i < ITER && afx_verdict_ok(&v); i++) {
		ATF_REQUIRE(socketpair(AF_UNIX, (i / 2) % 2 ? SOCK_SEQPACKET :
		    SOCK_STREAM, 0, sv) == 0);
		own = i % 2;
		pid = fork();
		ATF_REQUIRE(pid != -1);
		if (pid == 0) {
			char c;

			(void)alarm(CHILD_ALARM);
			(void)close(sv[0]);
			_exit(recv(sv[1], &c, 1, 0) == 0 ? 0 : 1);
		}
		/*
		 * No handshake: the shutdown may come before or after the
		 * child sleeps in recv.  SHUT_RD acts on the child's socket,
		 * which this process shares with it since the fork.
		 */
		if (own)
			ATF_REQUIRE(shutdown(sv[1], SHUT_RD) == 0);
		else
			ATF_REQUIRE(shutdown(sv[0], SHUT_WR) == 0);
		afx_reap(&v, pid);
		afx_close2(sv);
	}
	if (afx_count_fds() != before)
		afx_verdict_bad(&v, "fds", "fdleak");
	afx_expect(tc, v.what);
}

/*
 * In a storm child: connect to path STORM_TRIES times without blocking,
 * closing each socket at once; write the number of connects that
 * succeeded on rep as one byte, or 255 after an errno the race may not
 * give.
 */
static void
storm_child(const char *path, int rep)
{
	struct sockaddr_un sun;
	socklen_t len;
	unsigned char n = 0;
	int k, fd, rc;

	(void)alarm(CHILD_ALARM);
	if (strlen(path) >= sizeof(sun.sun_path))
		_exit(1);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	len = (socklen_t)(PATH_OFF + strlen(path) + 1);
	for (k = 0; k < STORM_TRIES; k++) {
		if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
		    fcntl(fd, F_SETFL, O_NONBLOCK) == -1)
			_exit(1);
		rc = connect(fd, (struct sockaddr *)&sun, len);
		if (rc == 0)
			n++;
		else if (errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != ECONNREFUSED)
			n = 255;
		(void)close(fd);
		if (n == 255)
			break;
	}
	_exit(write(rep, &n, 1) == 1 ? 0 : 1);
}

AFX_TC(connect_storm, "race.connect_storm",
    "four processes connect without blocking to a listener with a backlog of one while it accepts: every connect that succeeded is accepted")
ATF_TC_BODY(connect_storm, tc)
{
	struct pollfd pfd;
	struct afx_verdict v;
	unsigned char n;
	pid_t pid[STORM_KIDS];
	char res[64];
	int before, lfd, fd, p[2], i, k, connected = 0, accepted = 0;
	int reported = 0, idle;

	afx_verdict_init(&v);
	before = afx_count_fds();
	lfd = afx_bound(SOCK_STREAM, "srv");
	ATF_REQUIRE(listen(lfd, STORM_BACKLOG) == 0);
	afx_nonblock(lfd);
	afx_pipe(p);
	for (i = 0; i < STORM_KIDS; i++) {
		pid[i] = fork();
		ATF_REQUIRE(pid[i] != -1);
		if (pid[i] == 0) {
			(void)close(lfd);
			(void)close(p[0]);
			storm_child("srv", p[1]);
		}
	}
	ATF_REQUIRE(close(p[1]) == 0);
	/*
	 * Accept while the children connect; then, once every child has
	 * reported, until nothing is left.  Each round is bounded by poll,
	 * the loop by its count, and the children by their alarm.
	 */
	for (k = 0, idle = 0; k < 4000 && idle == 0; k++) {
		/*
		 * Once every child has reported, each connect that returned
		 * 0 is in the queue already: no more waiting is needed.
		 */
		pfd.fd = lfd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		(void)poll(&pfd, 1, reported < STORM_KIDS ? 10 : 0);
		fd = accept(lfd, NULL, NULL);
		if (fd != -1) {
			accepted++;
			ATF_REQUIRE(close(fd) == 0);
		} else if (errno == ECONNABORTED) {
			/* A connection the client gave up, still counted. */
			accepted++;
		} else if (errno != EAGAIN && errno != EWOULDBLOCK) {
			afx_verdict_bad(&v, "accept", afx_errname(errno));
			break;
		} else if (reported == STORM_KIDS) {
			idle++;
		}
		while (reported < STORM_KIDS) {
			pfd.fd = p[0];
			pfd.events = POLLIN;
			pfd.revents = 0;
			if (poll(&pfd, 1, 0) != 1)
				break;
			if (read(p[0], &n, 1) != 1) {
				afx_verdict_bad(&v, "child", "no_report");
				reported = STORM_KIDS;
				break;
			}
			reported++;
			if (n == 255)
				afx_verdict_bad(&v, "connect", "errno");
			else
				connected += n;
		}
	}
	for (i = 0; i < STORM_KIDS; i++)
		afx_reap(&v, pid[i]);
	ATF_REQUIRE(close(p[0]) == 0);
	ATF_REQUIRE(close(lfd) == 0);
	printf("%d connects succeeded, %d accepted\n", connected, accepted);
	if (afx_verdict_ok(&v) && accepted != connected) {
		snprintf(res, sizeof(res), "%d_of_%d", accepted, connected);
		afx_verdict_bad(&v, "accepted", res);
	}
	if (afx_count_fds() != before)
		afx_verdict_bad(&v, "fds", "fdleak");
	afx_expect(tc, v.what);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, pass_directory);
	ATF_TP_ADD_TC(tp, pass_o_path);
	ATF_TP_ADD_TC(tp, pass_event_queue);
	ATF_TP_ADD_TC(tp, pass_memfd_seals);
	ATF_TP_ADD_TC(tp, pass_listener);
	ATF_TP_ADD_TC(tp, to_closed_peer_stream);
	ATF_TP_ADD_TC(tp, to_closed_peer_dgram);
	ATF_TP_ADD_TC(tp, full_queue_dontwait);
	ATF_TP_ADD_TC(tp, cloexec_many);
	ATF_TP_ADD_TC(tp, peek_ctrunc);
	ATF_TP_ADD_TC(tp, dgram_trunc_rights);
	ATF_TP_ADD_TC(tp, mmsg_rights);
	ATF_TP_ADD_TC(tp, passcred_with_rights);
	ATF_TP_ADD_TC(tp, passcred_same_merged);
	ATF_TP_ADD_TC(tp, socketpair_after_fork);
	ATF_TP_ADD_TC(tp, embedded_nul_prefix);
	ATF_TP_ADD_TC(tp, full_length);
	ATF_TP_ADD_TC(tp, peername);
	ATF_TP_ADD_TC(tp, proc_socketpair);
	ATF_TP_ADD_TC(tp, proc_dgram_connected);
	ATF_TP_ADD_TC(tp, shutdown_vs_recv);
	ATF_TP_ADD_TC(tp, connect_storm);
	return (atf_no_error());
}
