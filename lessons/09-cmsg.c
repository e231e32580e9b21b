/*
 * # 9. Control messages: the CMSG macros
 *
 * `sendmsg` and `recvmsg` carry, next to the data, a *control buffer*
 * (`msg_control`, `msg_controllen`) holding zero or more control messages.
 * Each is a `struct cmsghdr` (`cmsg_len`, `cmsg_level`, `cmsg_type`)
 * followed by its data, padded so that the next header is aligned.  The
 * macros of `<sys/socket.h>` do the arithmetic; this lesson prints what
 * they give on this machine and uses every one of them:
 *
 * - `CMSG_LEN(n)`: header plus `n` data bytes, **no trailing padding**:
 *   the value for `cmsg_len`;
 * - `CMSG_SPACE(n)`: the same **plus padding**: what one message takes in
 *   the buffer; `msg_controllen` is the sum of the `CMSG_SPACE`s;
 * - `CMSG_FIRSTHDR`, `CMSG_NXTHDR`: walk the messages; `CMSG_DATA`: where
 *   the data starts.  It is aligned for the *header*, not for your type:
 *   copy in and out with `memcpy`;
 * - the buffer itself must be aligned for `struct cmsghdr`: a union with
 *   one does it.  (`char buf[CMSG_SPACE(n)]` inside a union is the usual
 *   idiom, but on NetBSD `CMSG_SPACE` is not a constant expression, so
 *   this lesson uses a fixed size and checks it.)
 * - sizing the receive buffer with `CMSG_LEN` instead of `CMSG_SPACE`
 *   cuts off the last message: `MSG_CTRUNC`, and its descriptors are lost.
 *
 * Two messages travel in one buffer: on Linux `SCM_RIGHTS` (a pipe's read
 * end) plus `SCM_CREDENTIALS` (pid, uid, gid; the receiver must set
 * `SO_PASSCRED`); elsewhere two `SCM_RIGHTS`.
 *
 * Run: `./09-cmsg` (no arguments).
 *
 * Read next: 10-scm-rights (passing an open file to another process).
 *
 * Keys: fd.cmsg_data_offset, fd.cmsg_alignment, fd.two_cmsgs,
 * fd.recv_controllen_unpadded, fd.ctrunc_flag
 *
 * Portability: the macros are POSIX (CMSG_LEN and CMSG_SPACE since
 * Issue 8); the numbers differ: macOS aligns to 4 bytes even on 64-bit.
 * `SCM_CREDENTIALS` is Linux's.  Linux merges several `SCM_RIGHTS` of
 * one `sendmsg` into a single message on receipt (measured).  NetBSD,
 * OpenBSD and macOS take one control message per `sendmsg` (`EINVAL`,
 * per the `unp_internalize` of the versions read); the lesson then sends
 * one `SCM_RIGHTS` holding both descriptors.
 */
#ifdef __linux__
#define _GNU_SOURCE		/* struct ucred, SCM_CREDENTIALS */
#endif
#include <sys/types.h>
#include <sys/socket.h>

#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lesson.h"

/* Aligned for struct cmsghdr, and big enough for this lesson. */
union control {
	struct cmsghdr	hdr;
	unsigned char	buf[256];
};

static int pfd[2];		/* a pipe: its ends are the cargo */
static int ncreds;		/* credentials received that name us */

/* What the second control message is on this system. */
#ifdef __linux__
#define SECOND_LEN	sizeof(struct ucred)
#else
#define SECOND_LEN	sizeof(int)
#endif

/*
 * ## Building the buffer
 *
 * One byte of data with two control messages (or, with `two == 0`, one
 * `SCM_RIGHTS` holding both pipe ends).  `CMSG_FIRSTHDR` gives the first
 * header, `CMSG_NXTHDR` the next one after the current `cmsg_len`,
 * rounded up.  Zero the buffer first, as cmsg(3) asks: some
 * `CMSG_NXTHDR`s (older glibc's among them) also read the `cmsg_len` of
 * the header they step to, and garbage there ends the walk early.
 */
static long
send_two(int sock, int two)
{
	union control u;
	struct msghdr msg;
	struct cmsghdr *c;
	struct iovec iov = { .iov_base = "x", .iov_len = 1 };
#ifdef __linux__
	struct ucred cred = { getpid(), getuid(), getgid() };
#endif
	char what[80];

	memset(&u, 0, sizeof(u));
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = u.buf;
	msg.msg_controllen = two ? CMSG_SPACE(sizeof(int)) +
	    CMSG_SPACE(SECOND_LEN) : CMSG_SPACE(2 * sizeof(int));
	if (msg.msg_controllen > sizeof(u))
		errx(1, "control buffer too small");
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN((two ? 1 : 2) * sizeof(int));
	memcpy(CMSG_DATA(c), pfd, (two ? 1 : 2) * sizeof(int));
	if (two) {
		c = CMSG_NXTHDR(&msg, c);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_len = CMSG_LEN(SECOND_LEN);
#ifdef __linux__
		c->cmsg_type = SCM_CREDENTIALS;
		memcpy(CMSG_DATA(c), &cred, sizeof(cred));
#else
		c->cmsg_type = SCM_RIGHTS;
		memcpy(CMSG_DATA(c), &pfd[1], sizeof(int));
#endif
	}
	snprintf(what, sizeof(what), "sendmsg(1 byte, msg_controllen %zu, %s)",
	    (size_t)msg.msg_controllen, two ? "two control messages" :
	    "one SCM_RIGHTS with 2 fds");
	return (said(what, sendmsg(sock, &msg, 0)));
}

/*
 * ## Walking the buffer
 *
 * Receive one message into a control buffer of `ctlsize` bytes.
 * `recvmsg` sets `msg_controllen` to what it filled in, and `MSG_CTRUNC`
 * in `msg_flags` when something did not fit.  Each message's data is
 * `cmsg_len - CMSG_LEN(0)` bytes at `CMSG_DATA`, copied out with
 * `memcpy`.  Every descriptor that arrives is the receiver's to close.
 * Returns `msg_flags`; `*nfds` counts the descriptors.
 */
static int
receive(int sock, size_t ctlsize, int *nfds)
{
	union control u;
	struct msghdr msg;
	struct cmsghdr *c;
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	int fd, i, n;

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = u.buf;
	msg.msg_controllen = ctlsize;
	*nfds = 0;
	/* OpenBSD fails with EMSGSIZE when rights do not fit. */
	if (said("recvmsg", recvmsg(sock, &msg, 0)) == -1)
		return (-1);
	say("  control buffer %zu bytes -> msg_controllen %zu, msg_flags%s",
	    ctlsize, (size_t)msg.msg_controllen,
	    msg.msg_flags & MSG_CTRUNC ? " MSG_CTRUNC" : " 0");
	for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
		n = (int)(c->cmsg_len - CMSG_LEN(0));
		say("  cmsg: level %d type %d cmsg_len %zu, data at offset "
		    "%zu, %d data bytes", c->cmsg_level, c->cmsg_type,
		    (size_t)c->cmsg_len, (size_t)(CMSG_DATA(c) -
		    (unsigned char *)c), n);
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			for (i = 0; i < n / (int)sizeof(int); i++) {
				memcpy(&fd, CMSG_DATA(c) + i * sizeof(int),
				    sizeof(int));
				say("    SCM_RIGHTS: fd %d", fd);
				close(fd);
				(*nfds)++;
			}
#ifdef __linux__
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_CREDENTIALS) {
			struct ucred cred;

			memcpy(&cred, CMSG_DATA(c), sizeof(cred));
			say("    SCM_CREDENTIALS: pid %ld uid %ld gid %ld",
			    (long)cred.pid, (long)cred.uid, (long)cred.gid);
			ncreds += cred.pid == getpid() && cred.uid == getuid();
		}
#endif
	}
	return (msg.msg_flags);
}

int
main(int argc, char *argv[])
{
	size_t i, sizes[] = { 0, 1, sizeof(int), 2 * sizeof(int),
	    SECOND_LEN };
	int sv[2], two, nfds, flags;
#ifdef __linux__
	int on = 1;
#endif

	if (argc > 1)
		errx(2, "usage: %s (takes no arguments)", argv[0]);

	/*
	 * ## The sizes on this machine
	 *
	 * `CMSG_LEN(0)` is where the data starts; `CMSG_SPACE(1) -
	 * CMSG_LEN(0)` is the alignment unit.
	 */
	say("sizeof(struct cmsghdr) = %zu", sizeof(struct cmsghdr));
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		say("data of %2zu bytes: CMSG_LEN %2zu, CMSG_SPACE %2zu",
		    sizes[i], (size_t)CMSG_LEN(sizes[i]),
		    (size_t)CMSG_SPACE(sizes[i]));
	/*
	 * A datagram pair: one sendmsg is one recvmsg, so each receive
	 * below sees exactly one message and its control data.
	 */
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == -1 || pipe(pfd) == -1)
		err(1, "socketpair/pipe");
#ifdef __linux__
	said("setsockopt(receiver, SO_PASSCRED, 1)", setsockopt(sv[1],
	    SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)));
#endif
	/*
	 * ## The mistake: sizing the receive buffer with CMSG_LEN
	 *
	 * The sum of the two `CMSG_LEN`s forgets the padding: the second
	 * message does not fit.  The kernel says so with `MSG_CTRUNC` and
	 * closes the descriptors it could not deliver.
	 */
	two = 1;
	if (send_two(sv[0], two) == -1) {
		if (errno != EINVAL)
			err(1, "sendmsg");
		say("this system takes one control message per sendmsg");
		two = 0;
	}
	if (two) {
		flags = receive(sv[1], CMSG_LEN(sizeof(int)) +
		    CMSG_LEN(SECOND_LEN), &nfds);
		check(flags == -1 || (flags & MSG_CTRUNC) != 0, "a buffer "
		    "sized with CMSG_LEN lost the last message: %s (%d fd "
		    "delivered)", flags == -1 ? "recvmsg failed" : "MSG_CTRUNC",
		    nfds);
	} else
		say("(one message has no padding between messages to forget)");
	ncreds = 0;
	(void)send_two(sv[0], two);

	/* ## Done right: CMSG_SPACE for each message */
	flags = receive(sv[1], two ? CMSG_SPACE(sizeof(int)) +
	    CMSG_SPACE(SECOND_LEN) : CMSG_SPACE(2 * sizeof(int)), &nfds);
	check(flags != -1 && (flags & MSG_CTRUNC) == 0, "a buffer sized "
	    "with CMSG_SPACE held everything: no MSG_CTRUNC");
#ifdef __linux__
	check(nfds == 1 && ncreds == 1, "SCM_RIGHTS and SCM_CREDENTIALS came "
	    "in one buffer");
#else
	check(nfds == 2, "both descriptors came");
#endif
	close(sv[0]);
	close(sv[1]);
	close(pfd[0]);
	close(pfd[1]);
	lesson_exit();
}
