/*
 * # 17. Descriptors in flight, and the garbage collector
 *
 * Between `sendmsg` and `recvmsg` a passed descriptor is **in flight**:
 * no process has it, the message in the receiver's queue holds a
 * reference to the open file.  Usually the receiver takes it, or closes
 * its socket and the queue is purged with everything in it.  But a
 * socket can be sent *into its own queue*.  Close every descriptor of
 * it, and only the message keeps the socket alive, while the message
 * lives in the socket: a cycle no process can reach.  Reference counts
 * never free it; a **garbage collector** does (Linux
 * `net/unix/garbage.c`, the BSDs' `unp_gc`).
 *
 * The lesson shows:
 *
 * - without a cycle, closing the receiving socket frees what was in
 *   flight at once (a pipe's read end sees end-of-file);
 * - with the cycle, nothing happens when the last descriptor is closed:
 *   Linux collects **lazily**.  The collector is queued (and runs on a
 *   kernel worker, not in the caller) when an AF_UNIX socket is
 *   released while the graph of in-flight sockets may hold a cycle
 *   (`unix_schedule_gc` at the end of `unix_release_sock`, since the
 *   collector was rewritten in Linux 6.10), or from `sendmsg` when
 *   very many are in flight.  The lesson closes an
 *   unrelated socket, and the peer of the collected one then reads
 *   end-of-file.  Every wait is a bounded `poll`;
 * - the **in-flight limit**: since Linux 4.5 a user may have no more
 *   descriptors in flight than its `RLIMIT_NOFILE` (counted per user,
 *   checked before each message is added), else `sendmsg` fails with
 *   `ETOOMANYREFS`.  `CAP_SYS_RESOURCE` or `CAP_SYS_ADMIN` lifts it, so
 *   a child gives up root first; run as root, the lesson also shows a
 *   root child going past the limit.
 *
 * Run: `./17-gc` (no arguments).
 *
 * Read next: 18-speed (what a message costs).
 *
 * Keys: gc.close_disposes_queue, gc.self_stream, gc.self_stream_peer,
 * gc.inflight_limit_user, gc.inflight_limit_root
 *
 * Portability: every BSD and macOS has a collector (`unp_gc`, run as a
 * task or thread call after a socket with rights in flight is detached),
 * so the cycle is freed there too, at a time the lesson does not
 * predict; it waits up to 5 s.  Only Linux has the per-user limit
 * (OpenBSD has a global one: `maxfiles / 10` rights in flight).
 */
#define _DEFAULT_SOURCE		/* setgroups(2) in lesson_unprivileged() */
#if defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__) || \
    defined(__DragonFly__) || defined(__APPLE__)
#undef _POSIX_C_SOURCE		/* CMSG_SPACE */
#endif
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lesson.h"

#define BATCH	253		/* descriptors in one message, at most */
#define LIMIT	16		/* the RLIMIT_NOFILE the children use */

/* Send one byte with n copies of descriptor fd. */
static long
send_fd(int sock, int fd, int n, int flags)
{
	union { struct cmsghdr h; unsigned char b[64 + BATCH *
	    sizeof(int)]; } u;
	struct iovec iov = { .iov_base = "x", .iov_len = 1 };
	struct msghdr msg;
	struct cmsghdr *c;
	int i;

	memset(&u, 0, sizeof(u));
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov, msg.msg_iovlen = 1;
	msg.msg_control = u.b;
	msg.msg_controllen = CMSG_SPACE(n * sizeof(int));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET, c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(n * sizeof(int));
	for (i = 0; i < n; i++)
		memcpy(CMSG_DATA(c) + i * sizeof(int), &fd, sizeof(int));
	return (sendmsg(sock, &msg, flags));
}

/* Wait at most ms for fd to become readable; say what came. */
static int
readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, ms) == -1)
		err(1, "poll");
	return ((p.revents & (POLLIN | POLLHUP)) != 0);
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec * 1e3 + ts.tv_nsec / 1e6);
}

/*
 * ## The in-flight limit, in a child
 *
 * Lower the soft `RLIMIT_NOFILE` to LIMIT and send a pipe's read end,
 * one per message, then (in case the real limit is higher: valgrind,
 * for one, keeps it to itself) BATCH per message, until the kernel
 * refuses.  A non-blocking socket: a full queue is `EAGAIN`, not a hang.
 */
static void
inflight_child(int drop)
{
	struct rlimit rl;
	long inflight = 0;
	int sv[2], pfd[2], i, n, e = 0;

	if (drop)
		lesson_unprivileged();
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		err(1, "getrlimit");
	rl.rlim_cur = LIMIT;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		err(1, "setrlimit");
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == -1 || pipe(pfd) == -1)
		err(1, "socketpair");
	if (fcntl(sv[0], F_SETFL, O_NONBLOCK) == -1)
		err(1, "fcntl");
	for (i = 0; i < (drop ? 250 : 64); i++) {
		n = i < 64 ? 1 : BATCH;
		if (send_fd(sv[0], pfd[0], n, 0) == -1) {
			e = errno;
			break;
		}
		inflight += n;
	}
	say("  %s uid %u, RLIMIT_NOFILE %d: %d message(s), %ld descriptor(s) "
	    "in flight, then %s", drop ? "child" : "root child",
	    (unsigned)geteuid(), LIMIT, i, inflight, e ? errname(e) :
	    "no refusal");
#ifdef __linux__
	if (drop)
		check(e == ETOOMANYREFS, "ETOOMANYREFS once more than "
		    "RLIMIT_NOFILE were in flight (counting what other "
		    "processes of this user have in flight)");
	else
		check(e == 0, "CAP_SYS_RESOURCE: no limit for root");
#endif
	close(sv[0]), close(sv[1]), close(pfd[0]), close(pfd[1]);
	lesson_child_exit();
}

int
main(int argc, char *argv[])
{
	double t;
	char byte;
	pid_t pid;
	int sv[2], pfd[2], s, ok;

	if (argc > 1)
		errx(2, "usage: %s (takes no arguments)", argv[0]);

	/*
	 * ## No cycle: a close frees what was in flight
	 *
	 * A pipe's write end travels to sv[1]; this process closes its own
	 * copy, then sv[1] without reading.  The queue is purged, the last
	 * reference to the write end goes, and the read end sees
	 * end-of-file at once.
	 */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1 || pipe(pfd) == -1)
		err(1, "socketpair/pipe");
	said("sendmsg(sv[0], SCM_RIGHTS: the pipe's write end)",
	    send_fd(sv[0], pfd[1], 1, 0));
	close(pfd[1]);
	said("close(sv[1]), the receiver, unread", close(sv[1]));
	check(readable(pfd[0], 0), "the pipe's read end sees end-of-file "
	    "at once: no collector needed");
	close(pfd[0]), close(sv[0]);

	/*
	 * ## A cycle: a socket in its own queue
	 *
	 * sv[1] sends sv[0] to sv[0]: the message sits in sv[0]'s receive
	 * queue and holds sv[0].  Then the descriptor sv[0] is closed.  Its
	 * peer, sv[1], stays open to watch: it reads end-of-file only when
	 * sv[0] is really released.
	 */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		err(1, "socketpair");
	said("sendmsg(sv[1], SCM_RIGHTS: sv[0]) - into sv[0]'s own queue",
	    send_fd(sv[1], sv[0], 1, 0));
	said("close(sv[0]), its last descriptor", close(sv[0]));
	if (!readable(sv[1], 100))
		say("  in 100 ms sv[1] saw nothing: sv[0] is unreachable but "
		    "alive, held by its own queue");
	else
		say("  sv[1] already sees end-of-file: something else on this "
		    "system released an AF_UNIX socket and ran the collector");

	/*
	 * ## What runs the collector: releasing any AF_UNIX socket
	 */
	t = now_ms();
	if ((s = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1)
		err(1, "socket");
	said("socket(AF_UNIX) and close() it, an unrelated socket", close(s));
	ok = readable(sv[1], 5000) && read(sv[1], &byte, 1) == 0;
	check(ok, "sv[1] reads end-of-file %.1f ms later: the collector "
	    "freed sv[0]", now_ms() - t);
	close(sv[1]);

	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0)
		inflight_child(1);
	lesson_child_wait(pid);
	if (geteuid() == 0) {
		if ((pid = fork()) == -1)
			err(1, "fork");
		if (pid == 0)
			inflight_child(0);
		lesson_child_wait(pid);
	} else
		say("(run as root, a child that keeps root's CAP_SYS_RESOURCE "
		    "would go past the limit)");
	lesson_exit();
}
