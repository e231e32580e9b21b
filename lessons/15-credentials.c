/*
 * # 15. Credentials: who is at the other end
 *
 * A UNIX domain socket connects two processes on one kernel, so the
 * kernel can say who the other one is.  Two kinds of answer exist:
 *
 * - **the peer's credentials**, asked of the socket: `SO_PEERCRED` on
 *   Linux (`struct ucred`: pid, uid, gid) and on OpenBSD (same name, but
 *   `struct sockpeercred` orders its fields uid, gid, pid);
 *   `LOCAL_PEERCRED` on FreeBSD and macOS (`struct xucred`);
 *   `LOCAL_PEEREID` on NetBSD (`struct unpcbid`); and `getpeereid(3)`
 *   (euid and egid only) on the BSDs and macOS, not in glibc.  They are a
 *   **picture taken once**: of the process that called `connect()` at
 *   that moment (for the client's view of a server: at `listen()`; for
 *   a socketpair: at `socketpair()`);
 * - **credentials on each message**: with `SO_PASSCRED` set on the
 *   receiver, Linux attaches `SCM_CREDENTIALS` (`struct ucred`) of the
 *   process that *sent* those bytes; on FreeBSD the sender attaches an
 *   empty `SCM_CREDS` (`struct cmsgcred`) and the kernel fills it in.
 *   These carry the *real* uid and gid (`struct cmsgcred` has both);
 *   the peer-credential calls give the *effective* ones.  Linux takes
 *   them when the bytes are sent, and with `SO_PASSCRED` a read on a
 *   stream socket stops where the sender's credentials change.
 *
 * The lesson makes the two differ.  A child C connects (and, when the
 * lesson runs as root, then drops to nobody), forks a grandchild G that
 * inherits the connection, and exits at once.  G sends one byte.  The
 * socket still names C, a process that no longer exists; the message
 * names G.
 *
 * A **pid alone is a weak name**: once C is reaped, the kernel may give
 * its number to any new process, and a server that checks
 * `/proc/<pid>` or sends it a signal would reach a stranger.  Linux 6.5
 * added `SO_PEERPIDFD`: a pidfd, a descriptor that refers to one
 * process for its whole life and never to a successor; `poll` on it
 * reports `POLLIN` once that process has exited.  Since Linux 6.18 it
 * is handed out even when the peer has already been reaped (earlier
 * kernels refused; dbus-broker issue #425).
 *
 * Only what this platform has is run; the rest is explained here.
 *
 * Run: `./15-credentials` (no arguments; as root it also shows a uid
 * change).
 *
 * Read next: 16-truncation (control buffers that are too small).
 *
 * Keys: cred.captured_at_connect, cred.peer_after_exit, cred.passcred,
 * cred.getpeereid, cred.peerpidfd, conn.before_accept
 *
 * Portability: `SO_PEERCRED` and `SO_PASSCRED` are Linux's (OpenBSD has
 * `SO_PEERCRED` with its own struct and no `SO_PASSCRED`); the pid in
 * `struct xucred` exists since FreeBSD 13 (macOS has `LOCAL_PEERPID`
 * instead); NetBSD's message credentials need `LOCAL_CREDS` on the
 * receiver (`struct sockcred`); illumos has `getpeerucred(3C)`;
 * `SO_PEERPIDFD` is Linux 6.5 and later.
 */
#ifdef __linux__
#define _GNU_SOURCE		/* struct ucred, SO_PEERCRED, SO_PASSCRED */
#endif
#define _DEFAULT_SOURCE		/* setgroups(2) in lesson_unprivileged() */
#if defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__) || \
    defined(__DragonFly__) || defined(__APPLE__)
#undef _POSIX_C_SOURCE		/* LOCAL_PEERCRED, LOCAL_PEEREID, getpeereid */
#endif
#include <sys/types.h>
#include <sys/socket.h>
#if defined(__FreeBSD__) || defined(__DragonFly__) || defined(__APPLE__)
#include <sys/param.h>
#include <sys/ucred.h>
#endif

#include <err.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lesson.h"

#ifdef __linux__
/* Linux 6.5; not yet in these headers: include/uapi/asm-generic/socket.h */
#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD	77
#endif
#endif
#ifndef SOL_LOCAL
#define SOL_LOCAL	0	/* the BSDs' level for the LOCAL_* options */
#endif

struct who {
	long	pid;		/* -1: this interface gives no pid */
	long	uid;
	long	gid;
};

/*
 * ## Asking the socket
 *
 * One call, a different name and struct on each system.  The uid and gid
 * are the effective ones everywhere.
 */
static int
peer_ids(int fd, struct who *w)
{
	socklen_t len;
#if defined(__linux__)
	struct ucred c;		/* pid, uid, gid */

	len = sizeof(c);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &c, &len) == -1)
		return (-1);
	w->pid = c.pid, w->uid = c.uid, w->gid = c.gid;
#elif defined(__OpenBSD__)
	struct sockpeercred c;	/* uid, gid, pid: another order */

	len = sizeof(c);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &c, &len) == -1)
		return (-1);
	w->pid = c.pid, w->uid = c.uid, w->gid = c.gid;
#elif defined(__NetBSD__)
	struct unpcbid c;

	len = sizeof(c);
	if (getsockopt(fd, SOL_LOCAL, LOCAL_PEEREID, &c, &len) == -1)
		return (-1);
	w->pid = c.unp_pid, w->uid = c.unp_euid, w->gid = c.unp_egid;
#elif defined(LOCAL_PEERCRED)
	struct xucred c;	/* cr_groups[0] is the effective gid */

	len = sizeof(c);
	if (getsockopt(fd, SOL_LOCAL, LOCAL_PEERCRED, &c, &len) == -1)
		return (-1);
	w->uid = c.cr_uid, w->gid = c.cr_ngroups > 0 ? c.cr_groups[0] : -1;
	w->pid = -1;
#if defined(__FreeBSD__) && __FreeBSD_version >= 1300000
	w->pid = c.cr_pid;
#endif
#else
	(void)fd, (void)len, (void)w;
	errno = ENOPROTOOPT;
	return (-1);
#endif
	return (0);
}

/*
 * ## Credentials on a message
 *
 * Linux: `SO_PASSCRED` is set on the listener, and an accepted socket
 * inherits it; each message then comes with `SCM_CREDENTIALS`, filled
 * in by the kernel (a sender may also attach its own; the kernel checks
 * them: only root may claim another pid or uid).  FreeBSD's sender
 * would attach an empty `struct cmsgcred` as `SCM_CREDS` for the kernel
 * to fill; NetBSD's receiver sets `LOCAL_CREDS` and gets a `struct
 * sockcred`.  Not run here: the byte then comes bare.  Returns 1 if it
 * carried credentials.
 */
static int
recv_ids(int fd, struct who *w)
{
	union { struct cmsghdr h; unsigned char b[256]; } u;
	struct iovec iov;
	struct msghdr msg;
	struct cmsghdr *c;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;
	char byte;
	int found = 0;

	if (poll(&p, 1, 5000) != 1)
		errx(1, "no message from the grandchild in 5 s");
	iov.iov_base = &byte, iov.iov_len = 1;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov, msg.msg_iovlen = 1;
	msg.msg_control = u.b, msg.msg_controllen = sizeof(u);
	if ((n = recvmsg(fd, &msg, 0)) == -1)
		err(1, "recvmsg");
	if (n != 1)
		errx(1, "recvmsg: %zd bytes instead of the grandchild's one",
		    n);
	if (msg.msg_flags & MSG_CTRUNC)
		errx(1, "MSG_CTRUNC: control data was cut off");
	for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
#ifdef SCM_CREDENTIALS
		struct ucred uc;

		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type ==
		    SCM_CREDENTIALS && c->cmsg_len >= CMSG_LEN(sizeof(uc))) {
			memcpy(&uc, CMSG_DATA(c), sizeof(uc));
			w->pid = uc.pid, w->uid = uc.uid, w->gid = uc.gid;
			found = 1;
		}
#else
		(void)w;
#endif
	}
	return (found);
}

/* G: send one plain byte, then wait until the parent hangs up. */
static void
grandchild(int s)
{
	char byte;

	if (write(s, "g", 1) != 1)
		_exit(1);
	while (read(s, &byte, 1) > 0)
		;
	close(s);
	_exit(0);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_un sun;
	socklen_t len;
	struct who peer, msg;
	pid_t c;
	int l, s, a, root = geteuid() == 0;
#ifdef SO_PASSCRED
	int on = 1;
#endif

	if (argc > 1)
		errx(2, "usage: %s (takes no arguments)", argv[0]);
	say("working in %s", workdir_enter());
	len = sun_fill(&sun, "srv");
	if ((l = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    bind(l, (struct sockaddr *)&sun, len) == -1 || listen(l, 4) == -1)
		err(1, "listener");
#ifdef SO_PASSCRED
	said("setsockopt(listener, SO_PASSCRED, 1)", setsockopt(l, SOL_SOCKET,
	    SO_PASSCRED, &on, sizeof(on)));
#endif

	/*
	 * ## C connects, hands the socket on, and is gone
	 *
	 * The picture is taken inside `connect()`: `accept()` has not even
	 * happened yet.  Whatever C does afterwards (change uid, fork,
	 * exit) does not change it.
	 */
	if ((c = fork()) == -1)
		err(1, "fork");
	if (c == 0) {
		close(l);
		if ((s = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
		    connect(s, (struct sockaddr *)&sun, len) == -1)
			_exit(1);
		(void)lesson_unprivileged();	/* as root: nobody now */
		if ((c = fork()) == 0)
			grandchild(s);
		close(s);
		_exit(c == -1 ? 1 : 0);
	}
	lesson_child_wait(c);
	say("C (pid %ld) connected as uid %u, %sforked G and exited; it has "
	    "been reaped: pid %ld is free for reuse", (long)c,
	    (unsigned)geteuid(), root ? "became nobody, " : "", (long)c);
	if ((a = accept(l, NULL, NULL)) == -1)
		err(1, "accept");

	/* ## The socket's answer: C, as it was at connect() */
	if (peer_ids(a, &peer) == -1)
		say("  peer credentials: -1 %s", errname(errno));
	else {
		say("  peer credentials: pid %ld uid %ld gid %ld", peer.pid,
		    peer.uid, peer.gid);
		check(peer.pid == -1 || peer.pid == c, "the pid is C's, a "
		    "process that has exited");
		if (root)
			check(peer.uid == 0, "the uid is 0: C's uid when it "
			    "called connect(), not its uid now");
	}
#if !defined(__linux__) && !defined(__sun)
	{
		uid_t eu;
		gid_t eg;

		if (getpeereid(a, &eu, &eg) == 0)
			say("  getpeereid: euid %u egid %u", (unsigned)eu,
			    (unsigned)eg);
	}
#endif

	/* ## The message's answer: G, the process that sent it */
	if (recv_ids(a, &msg)) {
		say("  message credentials: pid %ld uid %ld gid %ld", msg.pid,
		    msg.uid, msg.gid);
		check(msg.pid > 0 && msg.pid != c && (root ? msg.uid != 0 :
		    msg.uid == (long)getuid()), "they name G, the sender of "
		    "the byte, with its uid%s", root ? " (nobody)" : "");
	} else
		say("  the byte came without credentials (this system "
		    "attaches them only on request: see the header)");

#ifdef __linux__
	/*
	 * ## SO_PEERPIDFD: a name that cannot be reused
	 *
	 * Ask for a pidfd of C.  `poll` with a zero timeout answers at once:
	 * `POLLIN` means that process has exited.  Holding the pidfd, one
	 * can signal C (`pidfd_send_signal`) or read its exit status, and
	 * never touch another process by mistake.
	 */
	{
		struct pollfd p = { .events = POLLIN };
		int pidfd = -1;

		len = sizeof(pidfd);
		if (said("getsockopt(accepted, SO_PEERPIDFD)", getsockopt(a,
		    SOL_SOCKET, SO_PEERPIDFD, &pidfd, &len)) == -1)
			say("  (before 6.5: an unknown option; before 6.18, "
			    "refused once the peer had been reaped)");
		else {
			p.fd = pidfd;
			said("poll(pidfd, POLLIN, 0)", poll(&p, 1, 0));
			check((p.revents & POLLIN) != 0, "the pidfd %d says "
			    "C has exited: its pid %ld names nobody, or a "
			    "stranger", pidfd, (long)c);
			close(pidfd);
		}
	}
#endif
	close(a);
	close(l);
	lesson_exit();
}
