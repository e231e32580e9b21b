/*
 * # 16. Truncation and limits: where descriptors get lost
 *
 * Lesson 10 received a descriptor with no control buffer at all.  Here
 * the buffer is merely too small, and the losses are counted:
 *
 * - three descriptors arrive in one message, the receiver's buffer was
 *   made for one: `recvmsg` sets `MSG_CTRUNC`, installs what fits, and
 *   the kernel **closes the rest**.  The lesson counts its open
 *   descriptors before and after, and it sends the *write ends of
 *   pipes*: the read end of a pipe whose last write end was closed
 *   reads end-of-file, so the pipes say which write ends the kernel
 *   threw away.  How many fit is a small surprise of its own;
 * - one message carries at most so many descriptors.  The lesson
 *   measures the largest count this kernel takes (Linux: `SCM_MAX_FD`,
 *   253; one more is `EINVAL`).  The count is of entries, not of
 *   distinct files: one descriptor repeated 253 times is 253;
 * - `MSG_CMSG_CLOEXEC` makes the received descriptors close-on-exec as
 *   they are installed.  Setting `FD_CLOEXEC` afterwards with `fcntl`
 *   leaves a window in which another thread may `fork` and `exec`, and
 *   the new program inherits a descriptor it should never have seen.
 *
 * Run: `./16-truncation` (no arguments).
 *
 * Read next: 17-gc (descriptors in flight, and who collects them).
 *
 * Keys: fd.ctrunc_flag, fd.ctrunc_excess_closed, fd.max_per_message,
 * fd.over_max, fd.cloexec_not_passed, fd.cmsg_cloexec
 *
 * Portability: Linux also truncates, the same way, when the receiver
 * has no free descriptor slot (RLIMIT_NOFILE).  OpenBSD fails the whole
 * `recvmsg` with `EMSGSIZE` and discards every descriptor
 * (`unp_externalize`); the lesson says so if it happens.  The
 * per-message limit comes from elsewhere on the BSDs: the rights, as
 * kernel pointers, must fit one mbuf cluster (`unp_internalize`), so it
 * differs with the pointer size.  macOS has no `MSG_CMSG_CLOEXEC`.
 */
#if defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__) || \
    defined(__DragonFly__) || defined(__APPLE__)
#undef _POSIX_C_SOURCE		/* CMSG_SPACE, MSG_CMSG_CLOEXEC */
#endif
#include <sys/types.h>
#include <sys/socket.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lesson.h"

#define MAXFDS	1024		/* the most one probe sends */

/* Aligned for struct cmsghdr, with room for MAXFDS descriptors. */
union control {
	struct cmsghdr	hdr;
	unsigned char	buf[64 + MAXFDS * sizeof(int)];
};

static int fds[MAXFDS];		/* received descriptors */

/* How many descriptors this process has open. */
static int
count_fds(void)
{
	long fd, max = sysconf(_SC_OPEN_MAX);
	int n = 0;

	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = 0; fd < max; fd++)
		n += fcntl((int)fd, F_GETFD) != -1;
	return (n);
}

/* One byte and one SCM_RIGHTS message holding n descriptors. */
static long
send_fds(int sock, const int *v, int n)
{
	union control u;
	struct iovec iov = { .iov_base = "x", .iov_len = 1 };
	struct msghdr msg;
	struct cmsghdr *c;

	memset(&u, 0, sizeof(u));
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov, msg.msg_iovlen = 1;
	msg.msg_control = u.buf;
	msg.msg_controllen = CMSG_SPACE(n * sizeof(int));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET, c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(c), v, n * sizeof(int));
	return (sendmsg(sock, &msg, 0));
}

/*
 * Receive one message with a control buffer of `room` bytes; the
 * descriptors that came are in fds[].  Returns their number, or -1
 * with errno; *flags gets msg_flags.
 */
static int
recv_fds(int sock, int room, int how, int *flags)
{
	union control u;
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg;
	struct cmsghdr *c;
	int n = 0;

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov, msg.msg_iovlen = 1;
	msg.msg_control = u.buf;
	msg.msg_controllen = room;
	if (recvmsg(sock, &msg, how) == -1)
		return (-1);
	*flags = msg.msg_flags;
	for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			while (n < MAXFDS && c->cmsg_len >= CMSG_LEN((n + 1) *
			    sizeof(int))) {
				memcpy(&fds[n], CMSG_DATA(c) + n * sizeof(int),
				    sizeof(int));
				n++;
			}
	return (n);
}

int
main(int argc, char *argv[])
{
	static int same[MAXFDS];
	struct pollfd p[3];
	int sv[2], pipes[3][2], w[3], i, n, got, flags, before, after, lo, hi;
	int lost;

	if (argc > 1)
		errx(2, "usage: %s (takes no arguments)", argv[0]);
	/* A datagram pair: one sendmsg is one recvmsg. */
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == -1)
		err(1, "socketpair");

	/*
	 * ## Three descriptors, a buffer made for one
	 *
	 * The write ends go into the message and the sender closes its own
	 * copies at once: from then on, the message holds the only
	 * reference to each.  The receiver offers `CMSG_SPACE(sizeof(int))`
	 * bytes, as lesson 9 taught for one descriptor.  Where
	 * `CMSG_SPACE` pads to 8 bytes, that padding holds a second `int`,
	 * and Linux fills every `int` that fits: two arrive, not one.
	 */
	for (i = 0; i < 3; i++) {
		if (pipe(pipes[i]) == -1)
			err(1, "pipe");
		w[i] = pipes[i][1];
	}
	said("sendmsg(SCM_RIGHTS: 3 pipe write ends)", send_fds(sv[0], w, 3));
	for (i = 0; i < 3; i++)
		close(pipes[i][1]);
	before = count_fds();
	got = recv_fds(sv[1], CMSG_SPACE(sizeof(int)), 0, &flags);
	after = count_fds();
	if (got == -1 && errno == EMSGSIZE)
		say("  recvmsg -> -1 EMSGSIZE: this system fails the whole "
		    "receive and discards all three (OpenBSD does)");
	else if (got == -1)
		err(1, "recvmsg");
	else {
		say("  recvmsg(msg_controllen %zu) -> %d descriptor(s), "
		    "msg_flags %s; open descriptors %d before, %d after",
		    (size_t)CMSG_SPACE(sizeof(int)), got, flags & MSG_CTRUNC ?
		    "MSG_CTRUNC" : "0", before, after);
		check((flags & MSG_CTRUNC) != 0, "MSG_CTRUNC says something "
		    "was cut off");
#ifdef __linux__
		check(after == before + got, "only the %d installed "
		    "descriptor(s) were added to this process", got);
#endif
	}
	/*
	 * Which pipes lost their last write end?  `poll` with a zero
	 * timeout: end-of-file shows as `POLLHUP` (or `POLLIN`, and a
	 * read of 0 bytes).
	 */
	for (i = 0; i < 3; i++) {
		p[i].fd = pipes[i][0], p[i].events = POLLIN, p[i].revents = 0;
	}
	(void)poll(p, 3, 0);
	for (i = lost = 0; i < 3; i++) {
		say("  pipe %d: read end %s", i, p[i].revents ?
		    "sees end-of-file: its write end is closed" :
		    "is quiet: its write end is open (in this process)");
		lost += p[i].revents != 0;
	}
#ifdef __linux__
	check(got > 0 && got < 3 && lost == 3 - got && p[got].revents != 0,
	    "the kernel closed the %d write end(s) that did not fit",
	    3 - got);
#endif
	for (i = 0; i < got; i++)
		close(fds[i]);
	for (i = 0; i < 3; i++)
		close(pipes[i][0]);

	/*
	 * ## How many descriptors fit in one message?
	 *
	 * Bisection between 1 (fits) and MAXFDS + 1: each probe sends one
	 * descriptor n times; a message that went is received and its n
	 * new descriptors closed.
	 */
	for (i = 0; i < MAXFDS; i++)
		same[i] = sv[0];
	lo = 1, hi = MAXFDS + 1;
	while (hi - lo > 1) {
		n = lo + (hi - lo) / 2;
		if (send_fds(sv[0], same, n) == -1) {
			hi = n;
			continue;
		}
		lo = n;
		if ((got = recv_fds(sv[1], sizeof(union control), 0,
		    &flags)) == -1 ||
		    (flags & MSG_CTRUNC))
			errx(1, "could not take back %d descriptors", n);
		for (i = 0; i < got; i++)
			close(fds[i]);
	}
	say("the largest count one message takes here: %d", lo);
	said("sendmsg(one more)", lo < MAXFDS ? send_fds(sv[0], same,
	    lo + 1) : 0);
#ifdef __linux__
	check(lo == 253 && errno == EINVAL, "253 (SCM_MAX_FD); 254 is "
	    "EINVAL");
#endif

	/*
	 * ## MSG_CMSG_CLOEXEC
	 *
	 * The same descriptor twice: received plainly, then with the flag.
	 */
#ifdef MSG_CMSG_CLOEXEC
	for (i = 0; i < 2; i++) {
		if (send_fds(sv[0], sv, 1) == -1 || recv_fds(sv[1],
		    CMSG_SPACE(sizeof(int)), i ? MSG_CMSG_CLOEXEC : 0,
		    &flags) != 1)
			err(1, "pass one descriptor");
		n = fcntl(fds[0], F_GETFD);
		say("  recvmsg(%s) -> fd %d, FD_CLOEXEC %s", i ?
		    "MSG_CMSG_CLOEXEC" : "0", fds[0], n & FD_CLOEXEC ? "set" :
		    "clear");
		check((n & FD_CLOEXEC) == (i ? FD_CLOEXEC : 0), "%s",
		    i ? "set atomically, by the receive itself" :
		    "a received descriptor is not close-on-exec by default");
		close(fds[0]);
	}
#else
	say("no MSG_CMSG_CLOEXEC here: set FD_CLOEXEC with fcntl, and "
	    "mind the window before it");
#endif
	close(sv[0]);
	close(sv[1]);
	lesson_exit();
}
