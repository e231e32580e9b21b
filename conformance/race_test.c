/*
 * Races and robustness (catalogue group RACE): a process closes its end
 * while the other sends descriptors, connects while the listener goes
 * away, sends to a name being bound and unbound, and sleeps in recv while
 * its peer closes.  Two processes, bounded loops, non-blocking calls and
 * bounded polls: a wrong kernel gives a failure, never a hang.
 *
 * The outcome is "ok" when no call returned an error outside the ones the
 * race may give, no descriptor leaked and every descriptor sent in flight
 * was released; otherwise a word naming what went wrong (for example
 * "sendmsg:EINVAL", "leak" or "fdleak").  Every check is keyed in
 * platforms/.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "afx.h"

#define ITER		64	/* rounds of each race */
#define SENDS		256	/* bound on the messages sent per round */
#define CHILD_ALARM	5	/* seconds before a stuck child is killed */

/* Whether err is one of the zero-terminated list. */
static int
allowed(int err, const int *list)
{

	for (; *list != 0; list++)
		if (err == *list)
			return (1);
	return (0);
}

/* Note a failed call unless its errno is one the race may give. */
static void
check_call(struct afx_verdict *v, const char *call, int rc, int err,
    const int *list)
{

	if (rc == -1 && !allowed(err, list))
		afx_verdict_bad(v, call, afx_errname(err));
}

/*
 * In a child: receive up to n messages, closing every descriptor that
 * arrives.  Returns 0, or 1 if a call failed or control data was cut.
 */
static int
child_drain(int fd, int n)
{
	union {
		struct cmsghdr hdr;
		char	 buf[CMSG_SPACE(8 * sizeof(int))];
	} ctl;
	struct msghdr msg;
	struct iovec iov;
	struct cmsghdr *cm;
	struct pollfd pfd;
	char b[16];
	ssize_t r;
	size_t i;
	int k, f;

	for (k = 0; k < n; k++) {
		/*
		 * A datagram peer's close does not wake a reader: wait for
		 * a message a bounded time, and take none as the end.
		 */
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, 500) != 1)
			return (0);
		afx_msg(&msg, &iov, b, sizeof(b), ctl.buf, sizeof(ctl.buf));
		if ((r = recvmsg(fd, &msg, MSG_DONTWAIT)) == -1)
			return (1);
		if (r == 0)
			return (0);
		if (msg.msg_flags & MSG_CTRUNC)
			return (1);
		for (cm = CMSG_FIRSTHDR(&msg); cm != NULL;
		    cm = CMSG_NXTHDR(&msg, cm)) {
			if (cm->cmsg_level != SOL_SOCKET ||
			    cm->cmsg_type != SCM_RIGHTS)
				continue;
			for (i = 0; CMSG_LEN(i + sizeof(int)) <= cm->cmsg_len;
			    i += sizeof(int)) {
				memcpy(&f, CMSG_DATA(cm) + i, sizeof(int));
				(void)close(f);
			}
		}
	}
	return (0);
}

/*
 * Whether every reference to the write end of a pipe is gone: its read
 * end sees end of file (within a bounded wait, as the kernel may drop
 * in-flight references a little later).
 */
static int
pipe_released(int rfd)
{
	struct pollfd p;
	char c;

	p.fd = rfd;
	p.events = POLLIN;
	p.revents = 0;
	if (poll(&p, 1, 2000) != 1)
		return (0);
	return (read(rfd, &c, 1) == 0);
}

/*
 * One round of descriptors sent while the receiving end closes: the
 * child says it runs, reads "keep" messages and exits; meanwhile the
 * parent sends the write end of a pipe and its own socket, up to SENDS
 * times or until the kernel says the peer is gone.
 */
static void
rights_round(struct afx_verdict *v, int type, int keep, const int *errs)
{
	pid_t pid;
	char c;
	int sv[2], p[2], fds[2], j, rc, err;

	ATF_REQUIRE(socketpair(AF_UNIX, type, 0, sv) == 0);
	ATF_REQUIRE(pipe(p) == 0);
	pid = fork();
	ATF_REQUIRE(pid != -1);
	if (pid == 0) {
		(void)alarm(CHILD_ALARM);
		(void)close(sv[0]);
		(void)close(p[0]);
		(void)close(p[1]);
		if (write(sv[1], "r", 1) != 1)
			_exit(1);
		_exit(child_drain(sv[1], keep));
	}
	ATF_REQUIRE(close(sv[1]) == 0);
	/* Start sending only when the child runs, so that the two overlap. */
	(void)read(sv[0], &c, 1);
	afx_nonblock(sv[0]);
	fds[0] = p[1];
	fds[1] = sv[0];
	for (j = 0; j < SENDS; j++) {
		rc = afx_send_rights(sv[0], fds, 2, "f", 1, MSG_DONTWAIT) ==
		    -1 ? -1 : 0;
		err = errno;
		check_call(v, "sendmsg", rc, err, errs);
		if (rc == -1 && err != EAGAIN && err != EWOULDBLOCK &&
		    err != ENOBUFS)
			break;
	}
	ATF_REQUIRE(close(p[1]) == 0);
	ATF_REQUIRE(close(sv[0]) == 0);
	afx_reap(v, pid);
	if (!pipe_released(p[0]))
		afx_verdict_bad(v, "inflight", "leak");
	ATF_REQUIRE(close(p[0]) == 0);
}

AFX_TC(rights_vs_close_stream, "race.rights_vs_close_stream",
    "stream: SCM_RIGHTS sends race the receiver's close; in-flight "
    "descriptors are released")
ATF_TC_BODY(rights_vs_close_stream, tc)
{
	static const int errs[] = { EAGAIN, EWOULDBLOCK, EPIPE, ECONNRESET,
	    ENOBUFS, ETOOMANYREFS, 0 };
	struct afx_verdict v;
	int before, i;

	afx_verdict_init(&v);
	before = afx_count_fds();
	for (i = 0; i < ITER && strcmp(v.what, "ok") == 0; i++)
		rights_round(&v, SOCK_STREAM, i % 8, errs);
	if (afx_count_fds() != before)
		afx_verdict_bad(&v, "fds", "fdleak");
	afx_expect(tc, v.what);
}

AFX_TC(rights_vs_close_dgram, "race.rights_vs_close_dgram",
    "datagram: SCM_RIGHTS sends race the receiver's close; in-flight "
    "descriptors are released")
ATF_TC_BODY(rights_vs_close_dgram, tc)
{
	static const int errs[] = { EAGAIN, EWOULDBLOCK, ECONNREFUSED,
	    ENOTCONN, ECONNRESET, EPIPE, ENOBUFS, ETOOMANYREFS, 0 };
	struct afx_verdict v;
	int before, i;

	afx_verdict_init(&v);
	before = afx_count_fds();
	for (i = 0; i < ITER && strcmp(v.what, "ok") == 0; i++)
		rights_round(&v, SOCK_DGRAM, i % 8, errs);
	if (afx_count_fds() != before)
		afx_verdict_bad(&v, "fds", "fdleak");
	afx_expect(tc, v.what);
}

/*
 * In a child: say "r" on rep, connect "tries" times to path reading what
 * comes, then write the verdict on rep.
 */
static void
child_connects(const char *path, int tries, int rep)
{
	static const int cerrs[] = { ECONNREFUSED, ENOENT, EAGAIN,
	    EWOULDBLOCK, EINPROGRESS, ECONNRESET, 0 };
	static const int rerrs[] = { EAGAIN, EWOULDBLOCK, ECONNRESET,
	    ENOTCONN, 0 };
	struct sockaddr_un sun;
	struct afx_verdict v;
	socklen_t len;
	ssize_t r;
	char c;
	int k, fd, rc, err;

	afx_verdict_init(&v);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		_exit(1);
	memcpy(sun.sun_path, path, strlen(path) + 1);
	len = (socklen_t)sizeof(sun);
	if (write(rep, "r", 1) != 1)
		_exit(1);
	for (k = 0; k < tries; k++) {
		if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
		    fcntl(fd, F_SETFL, O_NONBLOCK) == -1)
			_exit(1);
		rc = connect(fd, (struct sockaddr *)&sun, len);
		err = errno;
		check_call(&v, "connect", rc, err, cerrs);
		if (rc == 0) {
			r = recv(fd, &c, 1, 0);
			err = errno;
			check_call(&v, "recv", r == -1 ? -1 : 0, err, rerrs);
		}
		(void)close(fd);
	}
	(void)write(rep, v.what, strlen(v.what));
	_exit(0);
}

AFX_TC(connect_vs_listener_close, "race.connect_vs_listener_close",
    "clients connect while the listener accepts a few and closes")
ATF_TC_BODY(connect_vs_listener_close, tc)
{
	static const int aerrs[] = { EAGAIN, EWOULDBLOCK, ECONNABORTED, 0 };
	struct pollfd pl;
	struct afx_verdict v;
	char rep[48];
	pid_t pid;
	ssize_t n;
	int before, i, k, lfd, fd, err, p[2];

	afx_verdict_init(&v);
	before = afx_count_fds();
	for (i = 0; i < ITER && strcmp(v.what, "ok") == 0; i++) {
		lfd = afx_listener("srv");
		afx_nonblock(lfd);
		ATF_REQUIRE(pipe(p) == 0);
		pid = fork();
		ATF_REQUIRE(pid != -1);
		if (pid == 0) {
			(void)alarm(CHILD_ALARM);
			(void)close(lfd);
			(void)close(p[0]);
			child_connects("srv", 6, p[1]);
		}
		ATF_REQUIRE(close(p[1]) == 0);
		/* Close the listener while the child is connecting. */
		(void)read(p[0], rep, 1);
		for (k = 0; k < i % 3; k++) {
			pl.fd = lfd;
			pl.events = POLLIN;
			pl.revents = 0;
			(void)poll(&pl, 1, 1000);
			fd = accept(lfd, NULL, NULL);
			err = errno;
			check_call(&v, "accept", fd, err, aerrs);
			if (fd != -1)
				ATF_REQUIRE(close(fd) == 0);
		}
		ATF_REQUIRE(close(lfd) == 0);
		ATF_REQUIRE(unlink("srv") == 0);
		/* The child writes its verdict, or exits: no hang. */
		n = read(p[0], rep, sizeof(rep) - 1);
		rep[n > 0 ? n : 0] = '\0';
		if (n > 0 && strcmp(rep, "ok") != 0)
			afx_verdict_bad(&v, "child", rep);
		ATF_REQUIRE(close(p[0]) == 0);
		afx_reap(&v, pid);
	}
	if (afx_count_fds() != before)
		afx_verdict_bad(&v, "fds", "fdleak");
	afx_expect(tc, v.what);
}

AFX_TC(sendto_vs_rebind, "race.sendto_vs_rebind",
    "datagrams sent to a path another process keeps binding, closing and "
    "unlinking")
ATF_TC_BODY(sendto_vs_rebind, tc)
{
	static const int serrs[] = { ENOENT, ECONNREFUSED, EAGAIN,
	    EWOULDBLOCK, ENOBUFS, 0 };
	struct sockaddr_un sun;
	struct afx_verdict v;
	socklen_t len;
	pid_t pid;
	int before, k, s, status, rc, err, done = 0;

	afx_verdict_init(&v);
	before = afx_count_fds();
	len = afx_sun(&sun, "dg");
	pid = fork();
	ATF_REQUIRE(pid != -1);
	if (pid == 0) {
		int fd;

		(void)alarm(CHILD_ALARM);
		for (k = 0; k < 4 * ITER; k++) {
			if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1 ||
			    bind(fd, (struct sockaddr *)&sun, len) == -1 ||
			    close(fd) == -1 || unlink("dg") == -1)
				_exit(1);
		}
		_exit(0);
	}
	s = afx_socket(SOCK_DGRAM);
	afx_nonblock(s);
	/* Bounded even if the child never ends: it is killed by its alarm. */
	for (k = 0; k < 64 * ITER && !done; k++) {
		rc = (int)sendto(s, "d", 1, 0, (struct sockaddr *)&sun, len);
		err = errno;
		check_call(&v, "sendto", rc, err, serrs);
		rc = waitpid(pid, &status, WNOHANG);
		ATF_REQUIRE(rc != -1);
		done = rc == pid;
	}
	if (!done)
		afx_reap(&v, pid);
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		afx_verdict_bad(&v, "child", "failed");
	ATF_REQUIRE(close(s) == 0);
	if (afx_count_fds() != before)
		afx_verdict_bad(&v, "fds", "fdleak");
	afx_expect(tc, v.what);
}

AFX_TC(recv_vs_peer_close, "race.recv_vs_peer_close",
    "a blocking recv in one process ends when the peer closes, whenever "
    "the close comes")
ATF_TC_BODY(recv_vs_peer_close, tc)
{
	struct afx_verdict v;
	pid_t pid;
	int before, i, sv[2];

	afx_verdict_init(&v);
	before = afx_count_fds();
	for (i = 0; i < ITER && strcmp(v.what, "ok") == 0; i++) {
		ATF_REQUIRE(socketpair(AF_UNIX, i % 2 ? SOCK_SEQPACKET :
		    SOCK_STREAM, 0, sv) == 0);
		pid = fork();
		ATF_REQUIRE(pid != -1);
		if (pid == 0) {
			char c;

			(void)alarm(CHILD_ALARM);
			(void)close(sv[0]);
			/* End of file is the only right answer. */
			_exit(recv(sv[1], &c, 1, 0) == 0 ? 0 : 1);
		}
		ATF_REQUIRE(close(sv[1]) == 0);
		ATF_REQUIRE(close(sv[0]) == 0);
		afx_reap(&v, pid);
	}
	if (afx_count_fds() != before)
		afx_verdict_bad(&v, "fds", "fdleak");
	afx_expect(tc, v.what);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, rights_vs_close_stream);
	ATF_TP_ADD_TC(tp, rights_vs_close_dgram);
	ATF_TP_ADD_TC(tp, connect_vs_listener_close);
	ATF_TP_ADD_TC(tp, sendto_vs_rebind);
	ATF_TP_ADD_TC(tp, recv_vs_peer_close);
	return (atf_no_error());
}
