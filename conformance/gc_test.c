/*
 * Descriptors in flight and their garbage collection (catalogue group GC):
 * a socket whose only references are in its own receive queue, or in a
 * cycle of queues, is reclaimed by the kernel's collector; a socket that
 * is reachable from a live one survives; closing a socket disposes of the
 * descriptors queued on it, recursively; the per-user in-flight limit
 * (ETOOMANYREFS) and the nesting of sockets that carry descriptors.
 * Every check is keyed in platforms/.
 *
 * How a collection is seen: each cycle also carries the write end of a
 * pipe the test holds the read end of.  When the collector frees the
 * cycle's messages, the last reference to the write end goes and the
 * read end sees end-of-file.  Collection is lazy (Linux schedules it when
 * an AF_UNIX socket is released; the BSDs queue unp_gc on close), so the
 * test nudges it by closing a throw-away socketpair between bounded
 * polls, for about a second at most, never sleeping.
 */
#if defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__) || \
    defined(__DragonFly__) || defined(__APPLE__)
/* The BSD and macOS headers hide CMSG_SPACE and CMSG_LEN from strict POSIX. */
#undef _POSIX_C_SOURCE
#endif

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "afx.h"

/* Sockets in the longest chain or cycle built here. */
#define CHAIN		16
/* Messages sent while looking for the in-flight limit. */
#define INFLIGHT_TRIES	64
/* The soft RLIMIT_NOFILE used while looking for it. */
#define INFLIGHT_RLIMIT	16

union ctl {
	struct cmsghdr hdr;
	unsigned char buf[256];
};

/*
 * Whether the pipe loses its last writer within about a second, with the
 * collector nudged between polls by the release of a throw-away socket.
 */
static int
collected(int rfd)
{
	int i, sv[2];

	for (i = 0; i < 50; i++) {
		if (afx_pipe_closed(rfd, i == 0 ? 0 : 20))
			return (1);
		afx_pair_nb(SOCK_STREAM, sv);
		afx_close2(sv);
	}
	return (afx_pipe_closed(rfd, 0));
}

static void
send_ok(int s, const int *fds, int n)
{

	ATF_REQUIRE_MSG(afx_send_rights(s, fds, n, "x", 1, 0) == 1,
	    "sendmsg with %d descriptors: %s", n, strerror(errno));
}

/* recvmsg() of one byte and up to one descriptor; -1 when none came. */
static int
recv_fd(int s)
{
	union ctl ctl;
	struct msghdr msg;
	struct iovec iov;
	struct cmsghdr *cm;
	char c;
	int fd = -1;

	memset(&ctl, 0, sizeof(ctl));
	afx_msg(&msg, &iov, &c, 1, ctl.buf, CMSG_SPACE(sizeof(int)));
	ATF_REQUIRE_MSG(recvmsg(s, &msg, 0) == 1, "recvmsg: %s",
	    strerror(errno));
	ATF_REQUIRE_MSG((msg.msg_flags & MSG_CTRUNC) == 0, "MSG_CTRUNC");
	cm = CMSG_FIRSTHDR(&msg);
	if (cm != NULL && cm->cmsg_level == SOL_SOCKET &&
	    cm->cmsg_type == SCM_RIGHTS && cm->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return (fd);
}

/*
 * A socket sent over its own pair into its own receive queue, with a
 * pipe's write end, then closed: nothing outside the kernel refers to it.
 * Returns "collected" or "kept"; *peer gets what the other end then reads
 * (stream and seqpacket): "eof", an errno name, or "open".
 */
static const char *
self_ref(int type, const char **peer)
{
	int base, sv[2], p[2], fds[2], done;
	ssize_t n;
	char c;

	base = afx_count_fds();
	if (afx_try_pair_nb(type, sv) == -1) {
		*peer = afx_errname(errno);
		return (*peer);
	}
	afx_pipe(p);
	fds[0] = sv[1];
	fds[1] = p[1];
	send_ok(sv[0], fds, 2);
	ATF_REQUIRE(close(sv[1]) == 0);
	ATF_REQUIRE(close(p[1]) == 0);
	done = collected(p[0]);
	n = read(sv[0], &c, 1);
	*peer = n == 0 ? "eof" : n == -1 && (errno == EAGAIN ||
	    errno == EWOULDBLOCK) ? "open" : n == -1 ? afx_errname(errno) :
	    "data";
	ATF_REQUIRE(close(sv[0]) == 0);
	ATF_REQUIRE(close(p[0]) == 0);
	afx_leak_check(base);
	return (done ? "collected" : "kept");
}

AFX_TC(self_stream, "gc.self_stream",
    "a stream socket sent into its own receive queue and closed is collected")
ATF_TC_BODY(self_stream, tc)
{
	const char *peer;

	afx_expect(tc, self_ref(SOCK_STREAM, &peer));
}

AFX_TC(self_stream_peer, "gc.self_stream_peer",
    "once such a stream socket is collected, what its peer reads")
ATF_TC_BODY(self_stream_peer, tc)
{
	const char *peer, *res;

	res = self_ref(SOCK_STREAM, &peer);
	ATF_REQUIRE_MSG(strcmp(res, "collected") == 0, "not collected");
	afx_expect(tc, peer);
}

AFX_TC(self_dgram, "gc.self_dgram",
    "a datagram socket sent into its own receive queue and closed is collected")
ATF_TC_BODY(self_dgram, tc)
{
	const char *peer;

	afx_expect(tc, self_ref(SOCK_DGRAM, &peer));
}

AFX_TC(self_seqpacket, "gc.self_seqpacket",
    "a seqpacket socket sent into its own receive queue and closed is collected")
ATF_TC_BODY(self_seqpacket, tc)
{
	const char *peer;

	afx_expect(tc, self_ref(SOCK_SEQPACKET, &peer));
}

/*
 * A ring of n pairs: the receiving end of pair i is sent into the queue
 * of pair i+1's receiving end (the last into the first's, with a pipe's
 * write end), then every receiving end is closed.
 */
static const char *
ring(int n)
{
	int base, sv[CHAIN][2], p[2], fds[2], i, done;

	ATF_REQUIRE(n <= CHAIN);
	base = afx_count_fds();
	afx_pipe(p);
	for (i = 0; i < n; i++)
		afx_pair_nb(SOCK_STREAM, sv[i]);
	for (i = 0; i < n - 1; i++)
		send_ok(sv[i + 1][0], &sv[i][1], 1);
	fds[0] = sv[n - 1][1];
	fds[1] = p[1];
	send_ok(sv[0][0], fds, 2);
	for (i = 0; i < n; i++)
		ATF_REQUIRE(close(sv[i][1]) == 0);
	ATF_REQUIRE(close(p[1]) == 0);
	done = collected(p[0]);
	for (i = 0; i < n; i++)
		ATF_REQUIRE(close(sv[i][0]) == 0);
	ATF_REQUIRE(close(p[0]) == 0);
	afx_leak_check(base);
	return (done ? "collected" : "kept");
}

AFX_TC(cycle_two, "gc.cycle_two",
    "two sockets each in flight in the other's queue, both closed, are collected")
ATF_TC_BODY(cycle_two, tc)
{

	afx_expect(tc, ring(2));
}

AFX_TC(cycle_three, "gc.cycle_three",
    "three sockets in flight in a ring of queues, all closed, are collected")
ATF_TC_BODY(cycle_three, tc)
{

	afx_expect(tc, ring(3));
}

AFX_TC(reachable_kept, "gc.reachable_kept",
    "a closed socket in flight to a live socket survives a collection and still works")
ATF_TC_BODY(reachable_kept, tc)
{
	const char *res;
	int base, live[2], d[2], ctl[2], p[2], fds[2], got;
	char c;

	base = afx_count_fds();
	afx_pair_nb(SOCK_STREAM, live);
	afx_pair_nb(SOCK_STREAM, d);
	/* d[1] is in flight to live[1], which this process still holds. */
	send_ok(live[0], &d[1], 1);
	ATF_REQUIRE(close(d[1]) == 0);
	/* A garbage cycle made after it: once it goes, a collection ran. */
	afx_pair_nb(SOCK_STREAM, ctl);
	afx_pipe(p);
	fds[0] = ctl[1];
	fds[1] = p[1];
	send_ok(ctl[0], fds, 2);
	ATF_REQUIRE(close(ctl[1]) == 0);
	ATF_REQUIRE(close(p[1]) == 0);
	ATF_REQUIRE_MSG(collected(p[0]), "no collection ran: the control "
	    "cycle was kept");
	got = recv_fd(live[1]);
	ATF_REQUIRE_MSG(got != -1, "the reachable socket was not delivered");
	ATF_REQUIRE(write(d[0], "z", 1) == 1);
	c = 0;
	res = read(got, &c, 1) == 1 && c == 'z' ? "alive" : "broken";
	ATF_REQUIRE(close(got) == 0);
	ATF_REQUIRE(close(d[0]) == 0);
	ATF_REQUIRE(close(ctl[0]) == 0);
	ATF_REQUIRE(close(p[0]) == 0);
	afx_close2(live);
	afx_leak_check(base);
	afx_expect(tc, res);
}

AFX_TC(close_disposes_queue, "gc.close_disposes_queue",
    "closing a socket closes the descriptors queued on it, without a collection")
ATF_TC_BODY(close_disposes_queue, tc)
{
	int base, sv[2], p[2], done;

	base = afx_count_fds();
	afx_pair_nb(SOCK_STREAM, sv);
	afx_pipe(p);
	send_ok(sv[0], &p[1], 1);
	ATF_REQUIRE(close(p[1]) == 0);
	ATF_REQUIRE(close(sv[1]) == 0);
	done = afx_pipe_closed(p[0], 1000);
	ATF_REQUIRE(close(sv[0]) == 0);
	ATF_REQUIRE(close(p[0]) == 0);
	afx_leak_check(base);
	afx_expect(tc, done ? "closed" : "held");
}

AFX_TC(close_disposes_nested, "gc.close_disposes_nested",
    "closing a socket whose queue holds a socket that holds a pipe closes the pipe")
ATF_TC_BODY(close_disposes_nested, tc)
{
	int base, x[2], y[2], p[2], done;

	base = afx_count_fds();
	afx_pair_nb(SOCK_STREAM, x);
	afx_pair_nb(SOCK_STREAM, y);
	afx_pipe(p);
	send_ok(y[0], &p[1], 1);
	send_ok(x[0], &y[1], 1);
	ATF_REQUIRE(close(p[1]) == 0);
	ATF_REQUIRE(close(y[1]) == 0);
	/* No cycle: y[1] goes with x[1]'s queue, and p[1] with y[1]'s. */
	ATF_REQUIRE(close(x[1]) == 0);
	done = afx_pipe_closed(p[0], 1000);
	ATF_REQUIRE(close(x[0]) == 0);
	ATF_REQUIRE(close(y[0]) == 0);
	ATF_REQUIRE(close(p[0]) == 0);
	afx_leak_check(base);
	afx_expect(tc, done ? "closed" : "held");
}

AFX_TC(listener_embryo, "gc.listener_embryo",
    "a listener sent into the queue of its own unaccepted connection, then closed, is collected")
ATF_TC_BODY(listener_embryo, tc)
{
	int base, l, c, p[2], fds[2], done;

	base = afx_count_fds();
	l = afx_listener("srv");
	c = afx_connected(SOCK_STREAM, "srv");
	afx_pipe(p);
	/* The message waits in the embryo, which waits in l's backlog. */
	fds[0] = l;
	fds[1] = p[1];
	send_ok(c, fds, 2);
	ATF_REQUIRE(close(l) == 0);
	ATF_REQUIRE(close(p[1]) == 0);
	done = collected(p[0]);
	ATF_REQUIRE(close(c) == 0);
	ATF_REQUIRE(close(p[0]) == 0);
	afx_leak_check(base);
	afx_expect(tc, done ? "collected" : "kept");
}

/*
 * Send a file one message at a time, with a low RLIMIT_NOFILE and nothing
 * received, until sendmsg fails: its errno, or "none".
 */
static void
inflight_limit(const atf_tc_t *tc)
{
	struct rlimit rl, low;
	char c;
	int base, sv[2], f, i, err = 0;

	base = afx_count_fds();
	afx_pair_nb(SOCK_STREAM, sv);
	f = open("f", O_RDWR | O_CREAT, 0600);
	ATF_REQUIRE(f != -1);
	ATF_REQUIRE(getrlimit(RLIMIT_NOFILE, &rl) == 0);
	low = rl;
	low.rlim_cur = INFLIGHT_RLIMIT;
	ATF_REQUIRE(setrlimit(RLIMIT_NOFILE, &low) == 0);
	for (i = 0; i < INFLIGHT_TRIES; i++)
		if (afx_send_rights(sv[0], &f, 1, "x", 1, 0) == -1) {
			err = errno;
			break;
		}
	ATF_REQUIRE(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	printf("%d messages of one descriptor sent before %s\n", i,
	    err != 0 ? afx_errname(err) : "the end");
	/* Reading without a control buffer drops what was in flight. */
	while (i-- > 0)
		ATF_REQUIRE(read(sv[1], &c, 1) == 1);
	ATF_REQUIRE(close(f) == 0);
	afx_close2(sv);
	afx_leak_check(base);
	afx_expect(tc, err != 0 ? afx_errname(err) : "none");
}

AFX_TC_USER(inflight_limit_user, "gc.inflight_limit_user", "unprivileged",
    "an unprivileged user with RLIMIT_NOFILE 16 keeps sending descriptors nobody receives")
ATF_TC_BODY(inflight_limit_user, tc)
{

	inflight_limit(tc);
}

AFX_TC_USER(inflight_limit_root, "gc.inflight_limit_root", "root",
    "root with RLIMIT_NOFILE 16 keeps sending descriptors nobody receives")
ATF_TC_BODY(inflight_limit_root, tc)
{

	inflight_limit(tc);
}

AFX_TC(nesting, "gc.nesting",
    "pass a socket whose queue holds descriptors, then the socket holding it, and so on: where it stops")
ATF_TC_BODY(nesting, tc)
{
	char res[32];
	int base, sv[CHAIN][2], p[2], i, level, err = 0;

	base = afx_count_fds();
	afx_pipe(p);
	afx_pair_nb(SOCK_STREAM, sv[0]);
	send_ok(sv[0][0], &p[1], 1);
	ATF_REQUIRE(close(p[1]) == 0);
	/* Level i: sv[i][1]'s queue holds sv[i-1][1], which holds ... */
	for (level = 1; level < CHAIN; level++) {
		afx_pair_nb(SOCK_STREAM, sv[level]);
		if (afx_send_rights(sv[level][0], &sv[level - 1][1], 1, "x", 1,
		    0) == -1) {
			err = errno;
			afx_close2(sv[level]);
			break;
		}
	}
	if (err != 0)
		snprintf(res, sizeof(res), "%s_at_%d", afx_errname(err), level);
	else
		snprintf(res, sizeof(res), "none");
	/* Every socket is still held here: closing them all frees the pipe. */
	for (i = 0; i < level; i++)
		afx_close2(sv[i]);
	ATF_REQUIRE_MSG(afx_pipe_closed(p[0], 1000), "the chain was not freed");
	ATF_REQUIRE(close(p[0]) == 0);
	afx_leak_check(base);
	afx_expect(tc, res);
}

AFX_TC(sender_exits, "gc.sender_exits",
    "a descriptor sent by a process that then exits is still received")
ATF_TC_BODY(sender_exits, tc)
{
	const char *res;
	int base, sv[2], p[2], status, got;
	pid_t pid;
	char c;

	base = afx_count_fds();
	afx_pair_nb(SOCK_STREAM, sv);
	afx_pipe(p);
	pid = fork();
	ATF_REQUIRE(pid != -1);
	if (pid == 0) {
		(void)close(p[0]);
		_exit(afx_send_rights(sv[0], &p[1], 1, "x", 1, 0) == 1 ? 0 : 1);
	}
	ATF_REQUIRE(close(p[1]) == 0);
	ATF_REQUIRE(waitpid(pid, &status, 0) == pid);
	ATF_REQUIRE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	got = recv_fd(sv[1]);
	ATF_REQUIRE_MSG(got != -1, "no descriptor after the sender exited");
	ATF_REQUIRE(write(got, "w", 1) == 1);
	ATF_REQUIRE(read(p[0], &c, 1) == 1 && c == 'w');
	ATF_REQUIRE(close(got) == 0);
	/* The received write end was the last: the pipe is now closed. */
	res = afx_pipe_closed(p[0], 1000) ? "received" : "extra_ref";
	ATF_REQUIRE(close(p[0]) == 0);
	afx_close2(sv);
	afx_leak_check(base);
	afx_expect(tc, res);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, self_stream);
	ATF_TP_ADD_TC(tp, self_stream_peer);
	ATF_TP_ADD_TC(tp, self_dgram);
	ATF_TP_ADD_TC(tp, self_seqpacket);
	ATF_TP_ADD_TC(tp, cycle_two);
	ATF_TP_ADD_TC(tp, cycle_three);
	ATF_TP_ADD_TC(tp, reachable_kept);
	ATF_TP_ADD_TC(tp, close_disposes_queue);
	ATF_TP_ADD_TC(tp, close_disposes_nested);
	ATF_TP_ADD_TC(tp, listener_embryo);
	ATF_TP_ADD_TC(tp, inflight_limit_user);
	ATF_TP_ADD_TC(tp, inflight_limit_root);
	ATF_TP_ADD_TC(tp, nesting);
	ATF_TP_ADD_TC(tp, sender_exits);
	return (atf_no_error());
}
