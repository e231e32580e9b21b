/*
 * Credentials (catalogue group CRED): who the kernel says is at the other
 * end of a connection (SO_PEERCRED, OpenBSD's struct sockpeercred,
 * LOCAL_PEERCRED, LOCAL_PEEREID, getpeereid), when it takes that picture
 * (connect, listen or bind, socketpair), the credentials that ride on
 * messages (SO_PASSCRED and SCM_CREDENTIALS, with the rules on sending
 * someone else's; SCM_CREDS, LOCAL_CREDS and LOCAL_CREDS_PERSISTENT on the
 * BSDs), pidfds (SO_PEERPIDFD, SO_PASSPIDFD, SCM_PIDFD), SO_PEERSEC and
 * SO_PEERGROUPS.  Every check is keyed in platforms/.
 *
 * Where the headers lack an interface the case reports "unsupported";
 * where a process id is needed and the interface has none, "nopid".
 */
#ifdef __linux__
#define _GNU_SOURCE		/* struct ucred, SO_PEERCRED, SCM_CREDENTIALS */
#endif
#if defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__) || \
    defined(__DragonFly__) || defined(__APPLE__)
/* The BSDs hide LOCAL_PEERCRED, SCM_CREDS and getpeereid in strict POSIX. */
#undef _POSIX_C_SOURCE
#endif

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#if defined(__FreeBSD__) || defined(__DragonFly__) || defined(__APPLE__)
#include <sys/param.h>
#include <sys/ucred.h>
#endif

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "afx.h"

#ifdef __linux__
/* Not yet in Debian 12's headers: include/uapi/asm-generic/socket.h. */
#ifndef SO_PASSPIDFD
#define SO_PASSPIDFD	76
#endif
#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD	77
#endif
#ifndef SCM_PIDFD
#define SCM_PIDFD	0x04
#endif
#endif

#ifndef SOL_LOCAL
#define SOL_LOCAL	0	/* the BSDs' level for LOCAL_* options */
#endif

/* The user the root-only cases become: nobody on Linux and the BSDs. */
#define OTHER_ID	65534

/* What a peer-credential interface says about the other end. */
struct ids {
	int	 err;		/* errno of a failed call */
	int	 has_pid;
	long	 pid;
	long	 uid;
	long	 gid;
};

/* A control buffer aligned for struct cmsghdr. */
union ctl {
	struct cmsghdr hdr;
	char	 buf[512];
};

/*
 * The platform's own way to ask a socket about its peer: 0, -1 with the
 * errno in id->err, or -2 when the headers offer no such interface.  The
 * uid and gid are the effective ones on every system.
 */
static int
peer_ids(int fd, struct ids *id)
{
#if defined(__linux__)
	struct ucred uc;
	socklen_t len = sizeof(uc);

	memset(id, 0, sizeof(*id));
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) == -1) {
		id->err = errno;
		return (-1);
	}
	id->has_pid = 1;
	id->pid = uc.pid;
	id->uid = (long)uc.uid;
	id->gid = (long)uc.gid;
	/* The kernel's "nobody is there" is (uid_t)-1. */
	if (uc.uid == (uid_t)-1)
		id->uid = -1;
	if (uc.gid == (gid_t)-1)
		id->gid = -1;
	return (0);
#elif defined(__OpenBSD__) && defined(SO_PEERCRED)
	/* OpenBSD's SO_PEERCRED fills struct sockpeercred {uid, gid, pid}. */
	struct sockpeercred pc;
	socklen_t len = sizeof(pc);

	memset(id, 0, sizeof(*id));
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &pc, &len) == -1) {
		id->err = errno;
		return (-1);
	}
	id->has_pid = 1;
	id->pid = pc.pid;
	id->uid = (long)pc.uid;
	id->gid = (long)pc.gid;
	return (0);
#elif defined(__NetBSD__) && defined(LOCAL_PEEREID)
	struct unpcbid u;
	socklen_t len = sizeof(u);

	memset(id, 0, sizeof(*id));
	if (getsockopt(fd, SOL_LOCAL, LOCAL_PEEREID, &u, &len) == -1) {
		id->err = errno;
		return (-1);
	}
	id->has_pid = 1;
	id->pid = u.unp_pid;
	id->uid = (long)u.unp_euid;
	id->gid = (long)u.unp_egid;
	return (0);
#elif defined(LOCAL_PEERCRED)
	/* FreeBSD, DragonFly, macOS: struct xucred; cr_groups[0] is egid. */
	struct xucred xu;
	socklen_t len = sizeof(xu);

	memset(id, 0, sizeof(*id));
	if (getsockopt(fd, SOL_LOCAL, LOCAL_PEERCRED, &xu, &len) == -1) {
		id->err = errno;
		return (-1);
	}
	ATF_REQUIRE_MSG(xu.cr_version == XUCRED_VERSION,
	    "xucred version %u", (unsigned)xu.cr_version);
	id->uid = (long)xu.cr_uid;
	id->gid = xu.cr_ngroups > 0 ? (long)xu.cr_groups[0] : -1;
#if defined(__FreeBSD__) && __FreeBSD_version >= 1300000
	id->has_pid = 1;
	id->pid = xu.cr_pid;
#elif defined(__APPLE__) && defined(LOCAL_PEERPID)
	{
		pid_t pid;

		len = sizeof(pid);
		if (getsockopt(fd, SOL_LOCAL, LOCAL_PEERPID, &pid, &len) == 0) {
			id->has_pid = 1;
			id->pid = pid;
		}
	}
#endif
	return (0);
#else
	(void)fd;
	memset(id, 0, sizeof(*id));
	return (-2);
#endif
}

/* The ids of this process, as a peer-credential call would give them. */
static void
own_ids(struct ids *id)
{

	memset(id, 0, sizeof(*id));
	id->has_pid = 1;
	id->pid = (long)getpid();
	id->uid = (long)geteuid();
	id->gid = (long)getegid();
}

static int
same_ids(const struct ids *a, const struct ids *b)
{

	return (a->uid == b->uid && a->gid == b->gid &&
	    (!a->has_pid || !b->has_pid || a->pid == b->pid));
}

/*
 * Report what a peer-credential call said: its errno, "unsupported",
 * "nopid" when a process id was needed and not given, then "self" for
 * this process, "empty" for the no-one-there answer (pid 0, uid -1) and
 * "other" for anything else.
 */
static void
expect_ids(const atf_tc_t *tc, int rc, const struct ids *id, int need_pid)
{
	struct ids me;

	if (rc == -2) {
		afx_expect(tc, "unsupported");
		return;
	}
	if (rc == -1) {
		afx_expect(tc, afx_errname(id->err));
		return;
	}
	if (need_pid && !id->has_pid) {
		afx_expect(tc, "nopid");
		return;
	}
	own_ids(&me);
	if (id->has_pid && id->pid == 0 && id->uid == -1)
		afx_expect(tc, "empty");
	else if (same_ids(id, &me))
		afx_expect(tc, "self");
	else
		afx_expect(tc, "other");
}

/*
 * A forked peer and a socketpair to steer it: the child says when it is
 * ready and waits until told to go (or until the parent is gone).
 */
struct child {
	pid_t	 pid;
	int	 ctl;
};

static void
child_ready(int ctl)
{

	if (write(ctl, "r", 1) != 1)
		_exit(120);
}

static void
child_wait(int ctl)
{
	char c;

	(void)read(ctl, &c, 1);
}

/* Fork; the child gets its end in *ctl and a return of 0. */
static pid_t
child_fork(struct child *c)
{
	int sv[2];

	ATF_REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	c->pid = fork();
	ATF_REQUIRE_MSG(c->pid != -1, "fork: %s", strerror(errno));
	if (c->pid == 0) {
		(void)close(sv[0]);
		c->ctl = sv[1];
		return (0);
	}
	ATF_REQUIRE(close(sv[1]) == 0);
	c->ctl = sv[0];
	return (c->pid);
}

/* Wait until the child is ready; fail if it died first. */
static void
child_await(struct child *c)
{
	char ch;

	ATF_REQUIRE_MSG(read(c->ctl, &ch, 1) == 1,
	    "the child exited before it was ready");
}

/* Let the child go, reap it, and require that it exited with 0. */
static void
child_finish(struct child *c)
{
	int status;

	(void)write(c->ctl, "g", 1);
	ATF_REQUIRE(close(c->ctl) == 0);
	ATF_REQUIRE(waitpid(c->pid, &status, 0) == c->pid);
	ATF_REQUIRE_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "child status %#x", (unsigned)status);
}

/*
 * In a child: connect to path, or exit 121.  The connection stays open
 * until the child exits.
 */
static void
child_connect(const char *path)
{
	struct sockaddr_un sun;
	socklen_t len;
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path))
		_exit(121);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, len) == -1)
		_exit(121);
}

#ifdef SCM_CREDENTIALS
static void
set_int(int fd, int level, int opt, int val)
{

	ATF_REQUIRE_MSG(setsockopt(fd, level, opt, &val, sizeof(val)) == 0,
	    "setsockopt(%d, %d): %s", level, opt, strerror(errno));
}

/*
 * What one recvmsg brought: the byte count, and the credentials and pidfd
 * that came with it.  Passed descriptors other than a pidfd are closed.
 */
struct rx {
	ssize_t	 n;
	int	 ctrunc;
	int	 has_cred;
	struct ucred cred;
	int	 pidfd;
};

static void
recv_rx(int fd, char *buf, size_t size, socklen_t ctlsize, struct rx *rx)
{
	union ctl ctl;
	struct msghdr msg;
	struct iovec iov;
	struct cmsghdr *cm;
	size_t dlen;

	ATF_REQUIRE(ctlsize <= sizeof(ctl.buf));
	memset(rx, 0, sizeof(*rx));
	rx->pidfd = -1;
	memset(&ctl, 0, sizeof(ctl));
	afx_msg(&msg, &iov, buf, size, ctlsize > 0 ? ctl.buf : NULL, ctlsize);
	afx_await_input(fd);
	rx->n = recvmsg(fd, &msg, MSG_DONTWAIT);
	ATF_REQUIRE_MSG(rx->n != -1, "recvmsg: %s", strerror(errno));
	rx->ctrunc = (msg.msg_flags & MSG_CTRUNC) != 0;
	for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET)
			continue;
		dlen = cm->cmsg_len - CMSG_LEN(0);
		if (cm->cmsg_type == SCM_CREDENTIALS &&
		    dlen >= sizeof(rx->cred)) {
			memcpy(&rx->cred, CMSG_DATA(cm), sizeof(rx->cred));
			rx->has_cred = 1;
		} else if (cm->cmsg_type == SCM_PIDFD && dlen >= sizeof(int)) {
			memcpy(&rx->pidfd, CMSG_DATA(cm), sizeof(int));
		} else if (cm->cmsg_type == SCM_RIGHTS) {
			size_t i;
			int f;

			for (i = 0; i + sizeof(int) <= dlen; i += sizeof(int)) {
				memcpy(&f, CMSG_DATA(cm) + i, sizeof(int));
				(void)close(f);
			}
		}
	}
}

/* Send one byte with an SCM_CREDENTIALS message; 0 or -1 and errno. */
static int
send_cred(int fd, pid_t pid, uid_t uid, gid_t gid)
{
	struct ucred uc;

	uc.pid = pid;
	uc.uid = uid;
	uc.gid = gid;
	return (afx_send_cmsg(fd, "c", 1, SOL_SOCKET, SCM_CREDENTIALS, &uc,
	    sizeof(uc), MSG_NOSIGNAL) == -1 ? -1 : 0);
}

/* "self" when rx carries this process's credentials. */
static const char *
cred_word(const struct rx *rx)
{

	if (!rx->has_cred)
		return ("none");
	if (rx->cred.pid == getpid() && rx->cred.uid == geteuid() &&
	    rx->cred.gid == getegid())
		return ("self");
	return ("other");
}

/* The uid the kernel shows for a credential it cannot map. */
static long
overflow_uid(void)
{
	FILE *f;
	long v = OTHER_ID;

	if ((f = fopen("/proc/sys/kernel/overflowuid", "r")) != NULL) {
		/* The kernel writes the number: no overflow to catch. */
		/* NOLINTNEXTLINE(cert-err34-c) */
		if (fscanf(f, "%ld", &v) != 1)
			v = OTHER_ID;
		(void)fclose(f);
	}
	return (v);
}
#endif


AFX_TC(peer_accepted, "cred.peer_accepted",
    "the accepted socket names the process that connected")
ATF_TC_BODY(peer_accepted, tc)
{
	struct child c;
	struct ids id;
	int lfd, afd, rc;

	lfd = afx_listener("srv");
	if (child_fork(&c) == 0) {
		child_connect("srv");
		child_ready(c.ctl);
		child_wait(c.ctl);
		_exit(0);
	}
	child_await(&c);
	afd = afx_accept(lfd);
	rc = peer_ids(afd, &id);
	child_finish(&c);
	if (rc == 0 && id.has_pid)
		afx_expect(tc, id.pid == c.pid && id.uid == (long)geteuid() &&
		    id.gid == (long)getegid() ? "client" : "other");
	else
		expect_ids(tc, rc, &id, 1);
}

AFX_TC(client_view_captured, "cred.client_view_captured",
    "one process binds, another listens: whose credentials the client sees")
ATF_TC_BODY(client_view_captured, tc)
{
	struct child c;
	struct ids id;
	int lfd, fd, rc;

	lfd = afx_bound(SOCK_STREAM, "srv");
	if (child_fork(&c) == 0) {
		if (listen(lfd, 4) == -1)
			_exit(122);
		child_ready(c.ctl);
		child_wait(c.ctl);
		_exit(0);
	}
	child_await(&c);
	fd = afx_connected(SOCK_STREAM, "srv");
	rc = peer_ids(fd, &id);
	child_finish(&c);
	if (rc == 0 && id.has_pid)
		afx_expect(tc, id.pid == c.pid ? "listen" :
		    id.pid == getpid() ? "bind" : "other");
	else
		expect_ids(tc, rc, &id, 1);
}

AFX_TC(peer_after_exit, "cred.peer_after_exit",
    "the accepted socket still names the client after it exited and was "
    "reaped")
ATF_TC_BODY(peer_after_exit, tc)
{
	struct ids id;
	pid_t pid;
	int lfd, afd, rc, status;

	lfd = afx_listener("srv");
	pid = fork();
	ATF_REQUIRE(pid != -1);
	if (pid == 0) {
		child_connect("srv");
		_exit(0);
	}
	ATF_REQUIRE(waitpid(pid, &status, 0) == pid);
	ATF_REQUIRE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	afd = afx_accept(lfd);
	rc = peer_ids(afd, &id);
	if (rc == 0 && id.has_pid)
		afx_expect(tc, id.pid == pid ? "kept" : "other");
	else
		expect_ids(tc, rc, &id, 1);
}

AFX_TC_USER(captured_at_connect, "cred.captured_at_connect", "root",
    "a client that changes uid after connect: the accepted socket keeps "
    "the uid of connect time")
ATF_TC_BODY(captured_at_connect, tc)
{
	struct child c;
	struct ids id;
	int lfd, afd, rc;

	lfd = afx_listener("srv");
	if (child_fork(&c) == 0) {
		child_connect("srv");
		if (setgid(OTHER_ID) == -1 || setuid(OTHER_ID) == -1)
			_exit(123);
		child_ready(c.ctl);
		child_wait(c.ctl);
		_exit(0);
	}
	child_await(&c);
	afd = afx_accept(lfd);
	rc = peer_ids(afd, &id);
	child_finish(&c);
	if (rc == 0)
		afx_expect(tc, id.uid == 0 ? "connect" :
		    id.uid == OTHER_ID ? "current" : "other");
	else
		expect_ids(tc, rc, &id, 0);
}

AFX_TC_USER(euid_at_connect, "cred.euid_at_connect", "root",
    "a client with real uid 0 and effective uid 65534: which one the peer "
    "sees")
ATF_TC_BODY(euid_at_connect, tc)
{
	struct child c;
	struct ids id;
	int lfd, afd, rc;

	lfd = afx_listener("srv");
	/* Let the other user reach the node: relative lookups start here. */
	ATF_REQUIRE(chmod(".", 0711) == 0 && chmod("srv", 0777) == 0);
	if (child_fork(&c) == 0) {
		if (setegid(OTHER_ID) == -1 || seteuid(OTHER_ID) == -1)
			_exit(123);
		child_connect("srv");
		child_ready(c.ctl);
		child_wait(c.ctl);
		_exit(0);
	}
	child_await(&c);
	afd = afx_accept(lfd);
	rc = peer_ids(afd, &id);
	child_finish(&c);
	if (rc == 0)
		afx_expect(tc, id.uid == OTHER_ID && id.gid == OTHER_ID ?
		    "euid" : id.uid == 0 ? "ruid" : "other");
	else
		expect_ids(tc, rc, &id, 0);
}

AFX_TC(socketpair_stream, "cred.socketpair_stream",
    "peer credentials on a stream socketpair name this process")
ATF_TC_BODY(socketpair_stream, tc)
{
	struct ids id;
	int sv[2], rc;

	ATF_REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	rc = peer_ids(sv[0], &id);
	expect_ids(tc, rc, &id, 0);
}

AFX_TC(socketpair_dgram, "cred.socketpair_dgram",
    "peer credentials on a datagram socketpair")
ATF_TC_BODY(socketpair_dgram, tc)
{
	struct ids id;
	int sv[2], rc;

	ATF_REQUIRE(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
	rc = peer_ids(sv[0], &id);
	expect_ids(tc, rc, &id, 0);
}

AFX_TC(unconnected_stream, "cred.unconnected_stream",
    "peer credentials of a fresh, unconnected stream socket")
ATF_TC_BODY(unconnected_stream, tc)
{
	struct ids id;
	int rc;

	rc = peer_ids(afx_socket(SOCK_STREAM), &id);
	expect_ids(tc, rc, &id, 0);
}

AFX_TC(unconnected_dgram, "cred.unconnected_dgram",
    "peer credentials of a fresh, unconnected datagram socket")
ATF_TC_BODY(unconnected_dgram, tc)
{
	struct ids id;
	int rc;

	rc = peer_ids(afx_socket(SOCK_DGRAM), &id);
	expect_ids(tc, rc, &id, 0);
}

AFX_TC(listener, "cred.listener",
    "peer credentials of a listening socket")
ATF_TC_BODY(listener, tc)
{
	struct ids id;
	int rc;

	rc = peer_ids(afx_listener("srv"), &id);
	expect_ids(tc, rc, &id, 0);
}

AFX_TC(getpeereid, "cred.getpeereid",
    "getpeereid(3) on a connected socket gives the peer's euid and egid")
ATF_TC_BODY(getpeereid, tc)
{
	int lfd, cfd, afd;

	afx_stream_pair(&lfd, &cfd, &afd);
#if defined(__linux__) || defined(__sun)
	/* glibc has no getpeereid; illumos offers getpeerucred(3C). */
	afx_expect(tc, "unsupported");
#else
	uid_t uid;
	gid_t gid;

	if (getpeereid(afd, &uid, &gid) == -1)
		afx_expect(tc, afx_errname(errno));
	else
		afx_expect(tc, uid == geteuid() && gid == getegid() ?
		    "self" : "other");
#endif
}

AFX_TC(passcred, "cred.passcred",
    "with SO_PASSCRED on the receiver, plain data arrives with "
    "SCM_CREDENTIALS")
ATF_TC_BODY(passcred, tc)
{
#ifdef SCM_CREDENTIALS
	struct rx rx;
	char b[8];
	int sv[2];

	ATF_REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	set_int(sv[1], SOL_SOCKET, SO_PASSCRED, 1);
	ATF_REQUIRE(write(sv[0], "x", 1) == 1);
	recv_rx(sv[1], b, sizeof(b), sizeof(union ctl), &rx);
	afx_expect(tc, cred_word(&rx));
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(passcred_off, "cred.passcred_off",
    "without SO_PASSCRED, credentials the sender attached are not "
    "delivered")
ATF_TC_BODY(passcred_off, tc)
{
#ifdef SCM_CREDENTIALS
	struct rx rx;
	char b[8];
	int sv[2];

	ATF_REQUIRE(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
	ATF_REQUIRE(send_cred(sv[0], getpid(), geteuid(), getegid()) == 0);
	recv_rx(sv[1], b, sizeof(b), sizeof(union ctl), &rx);
	afx_expect(tc, cred_word(&rx));
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(passcred_queued_before, "cred.passcred_queued_before",
    "a datagram queued before the receiver set SO_PASSCRED: the "
    "credentials it then carries")
ATF_TC_BODY(passcred_queued_before, tc)
{
#ifdef SCM_CREDENTIALS
	struct rx rx;
	char b[8];
	int sv[2];

	ATF_REQUIRE(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
	ATF_REQUIRE(write(sv[0], "x", 1) == 1);
	set_int(sv[1], SOL_SOCKET, SO_PASSCRED, 1);
	recv_rx(sv[1], b, sizeof(b), sizeof(union ctl), &rx);
	/* Nothing was recorded: pid 0 and the overflow ids stand in. */
	if (rx.has_cred && rx.cred.pid == 0 &&
	    (long)rx.cred.uid == overflow_uid())
		afx_expect(tc, "unset");
	else
		afx_expect(tc, cred_word(&rx));
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(send_own, "cred.send_own",
    "sending SCM_CREDENTIALS with one's own pid, uid and gid")
ATF_TC_BODY(send_own, tc)
{
#ifdef SCM_CREDENTIALS
	int sv[2];

	ATF_REQUIRE(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
	afx_expect_rc(tc, send_cred(sv[0], getpid(), geteuid(), getegid()));
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC_USER(spoof_pid_unprivileged, "cred.spoof_pid_unprivileged",
    "unprivileged",
    "an unprivileged sender names another process's pid in "
    "SCM_CREDENTIALS")
ATF_TC_BODY(spoof_pid_unprivileged, tc)
{
#ifdef SCM_CREDENTIALS
	int sv[2];

	ATF_REQUIRE(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
	/* The parent exists, and is not us. */
	afx_expect_rc(tc, send_cred(sv[0], getppid(), geteuid(), getegid()));
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC_USER(spoof_uid_unprivileged, "cred.spoof_uid_unprivileged",
    "unprivileged",
    "an unprivileged sender names uid 0 in SCM_CREDENTIALS")
ATF_TC_BODY(spoof_uid_unprivileged, tc)
{
#ifdef SCM_CREDENTIALS
	int sv[2];

	ATF_REQUIRE(geteuid() != 0);
	ATF_REQUIRE(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
	afx_expect_rc(tc, send_cred(sv[0], getpid(), 0, getegid()));
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC_USER(spoof_root, "cred.spoof_root", "root",
    "root sends another process's pid and uid 65534: the receiver sees "
    "those")
ATF_TC_BODY(spoof_root, tc)
{
#ifdef SCM_CREDENTIALS
	struct rx rx;
	char b[8];
	int sv[2];

	ATF_REQUIRE(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
	set_int(sv[1], SOL_SOCKET, SO_PASSCRED, 1);
	if (send_cred(sv[0], getppid(), OTHER_ID, OTHER_ID) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	recv_rx(sv[1], b, sizeof(b), sizeof(union ctl), &rx);
	afx_expect(tc, rx.has_cred && rx.cred.pid == getppid() &&
	    rx.cred.uid == OTHER_ID && rx.cred.gid == OTHER_ID ? "spoofed" :
	    cred_word(&rx));
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC_USER(spoof_missing_pid_root, "cred.spoof_missing_pid_root", "root",
    "root names a pid that no process has in SCM_CREDENTIALS")
ATF_TC_BODY(spoof_missing_pid_root, tc)
{
#ifdef SCM_CREDENTIALS
	int sv[2];

	ATF_REQUIRE(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
	/* Above PID_MAX_LIMIT (4194304), so no process can have it. */
	afx_expect_rc(tc, send_cred(sv[0], 0x7ffffff0, 0, 0));
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(empty_cmsg, "cred.empty_cmsg",
    "an SCM_CREDENTIALS message with no payload (CMSG_LEN(0))")
ATF_TC_BODY(empty_cmsg, tc)
{
#ifdef SCM_CREDENTIALS
	int sv[2];

	ATF_REQUIRE(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
	afx_expect_rc(tc, afx_send_cmsg(sv[0], "c", 1, SOL_SOCKET,
	    SCM_CREDENTIALS, NULL, 0, 0) == -1 ? -1 : 0);
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(ctrunc, "cred.ctrunc",
    "a control buffer too small for struct ucred: MSG_CTRUNC")
ATF_TC_BODY(ctrunc, tc)
{
#ifdef SCM_CREDENTIALS
	struct rx rx;
	char b[8];
	int sv[2];

	ATF_REQUIRE(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
	set_int(sv[1], SOL_SOCKET, SO_PASSCRED, 1);
	ATF_REQUIRE(write(sv[0], "x", 1) == 1);
	/* Room for the header and 4 of the 12 bytes. */
	recv_rx(sv[1], b, sizeof(b), (socklen_t)CMSG_LEN(4), &rx);
	afx_expect(tc, rx.ctrunc ? "ctrunc" : rx.has_cred ? "whole" :
	    "none");
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(stream_split_differing, "cred.stream_split_differing",
    "stream with SO_PASSCRED: bytes written by two processes are not "
    "merged into one read")
ATF_TC_BODY(stream_split_differing, tc)
{
#ifdef SCM_CREDENTIALS
	struct rx rx;
	char b[8];
	pid_t pid;
	int sv[2], status;

	ATF_REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	set_int(sv[1], SOL_SOCKET, SO_PASSCRED, 1);
	ATF_REQUIRE(write(sv[0], "a", 1) == 1);
	pid = fork();
	ATF_REQUIRE(pid != -1);
	if (pid == 0)
		_exit(write(sv[0], "b", 1) == 1 ? 0 : 1);
	ATF_REQUIRE(waitpid(pid, &status, 0) == pid);
	ATF_REQUIRE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	recv_rx(sv[1], b, sizeof(b), sizeof(union ctl), &rx);
	afx_expect(tc, rx.n == 1 ? "split" : "merged");
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(scm_creds_sender, "cred.scm_creds_sender",
    "a sender attaches SCM_CREDS (struct cmsgcred); the kernel fills it "
    "in")
ATF_TC_BODY(scm_creds_sender, tc)
{
#if defined(SCM_CREDS) && (defined(__FreeBSD__) || defined(__DragonFly__))
	union ctl ctl;
	struct msghdr msg;
	struct iovec iov;
	struct cmsghdr *cm;
	struct cmsgcred cc;
	char b[8];
	int sv[2], got = 0;

	ATF_REQUIRE(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
	memset(&ctl, 0, sizeof(ctl));
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = "c";
	iov.iov_len = 1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.buf;
	msg.msg_controllen = CMSG_SPACE(sizeof(cc));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_CREDS;
	cm->cmsg_len = CMSG_LEN(sizeof(cc));
	if (sendmsg(sv[0], &msg, 0) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	memset(&ctl, 0, sizeof(ctl));
	iov.iov_base = b;
	iov.iov_len = sizeof(b);
	msg.msg_controllen = sizeof(ctl.buf);
	afx_await_input(sv[1]);
	ATF_REQUIRE(recvmsg(sv[1], &msg, MSG_DONTWAIT) == 1);
	ATF_REQUIRE((msg.msg_flags & MSG_CTRUNC) == 0);
	for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_CREDS &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(cc))) {
			memcpy(&cc, CMSG_DATA(cm), sizeof(cc));
			got = cc.cmcred_pid == getpid() &&
			    cc.cmcred_euid == geteuid() ? 1 : 2;
		}
	afx_expect(tc, got == 1 ? "filled" : got == 2 ? "other" : "none");
#elif defined(SCM_CREDS)
	/* A type the kernel may refuse: send a zeroed payload and see. */
	union ctl ctl;
	struct msghdr msg;
	struct iovec iov;
	struct cmsghdr *cm;
	int sv[2];

	ATF_REQUIRE(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
	memset(&ctl, 0, sizeof(ctl));
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = "c";
	iov.iov_len = 1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.buf;
	msg.msg_controllen = CMSG_SPACE(64);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_CREDS;
	cm->cmsg_len = CMSG_LEN(64);
	if (sendmsg(sv[0], &msg, 0) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	afx_await_input(sv[1]);
	afx_expect(tc, "sent");
#else
	afx_expect(tc, "unsupported");
#endif
}

#if defined(LOCAL_CREDS) && defined(SCM_CREDS) && \
    (defined(__FreeBSD__) || defined(__NetBSD__) || defined(__DragonFly__))
/*
 * With LOCAL_CREDS (or LOCAL_CREDS_PERSISTENT) set to opt, send "x" n
 * times over a socketpair of type and count the messages that came with
 * a credential message of type scm naming this process's euid.
 */
static int
local_creds_count(int type, int opt, int scm, int n)
{
	union ctl ctl;
	struct msghdr msg;
	struct iovec iov;
	struct cmsghdr *cm;
	char b[8];
	int sv[2], i, count = 0;

	ATF_REQUIRE(socketpair(AF_UNIX, type, 0, sv) == 0);
	if (setsockopt(sv[1], SOL_LOCAL, opt, &(int){1}, sizeof(int)) == -1)
		return (-1);
	for (i = 0; i < n; i++) {
		ATF_REQUIRE(write(sv[0], "x", 1) == 1);
		memset(&ctl, 0, sizeof(ctl));
		memset(&msg, 0, sizeof(msg));
		iov.iov_base = b;
		iov.iov_len = sizeof(b);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		afx_await_input(sv[1]);
		ATF_REQUIRE(recvmsg(sv[1], &msg, MSG_DONTWAIT) == 1);
		ATF_REQUIRE((msg.msg_flags & MSG_CTRUNC) == 0);
		for (cm = CMSG_FIRSTHDR(&msg); cm != NULL;
		    cm = CMSG_NXTHDR(&msg, cm))
			if (cm->cmsg_level == SOL_SOCKET &&
			    cm->cmsg_type == scm)
				count++;
	}
	return (count);
}
#endif

AFX_TC(local_creds, "cred.local_creds",
    "LOCAL_CREDS on a stream receiver: how many of two messages carry "
    "SCM_CREDS")
ATF_TC_BODY(local_creds, tc)
{
#if defined(LOCAL_CREDS) && defined(SCM_CREDS) && \
    (defined(__FreeBSD__) || defined(__NetBSD__) || defined(__DragonFly__))
	int n;

	n = local_creds_count(SOCK_STREAM, LOCAL_CREDS, SCM_CREDS, 2);
	if (n == -1)
		afx_expect(tc, afx_errname(errno));
	else
		afx_expectf(tc, "%d", n);
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(local_creds_persistent, "cred.local_creds_persistent",
    "LOCAL_CREDS_PERSISTENT on a stream receiver: how many of two "
    "messages carry SCM_CREDS2")
ATF_TC_BODY(local_creds_persistent, tc)
{
#if defined(LOCAL_CREDS_PERSISTENT) && defined(SCM_CREDS2) && \
    defined(__FreeBSD__)
	int n;

	n = local_creds_count(SOCK_STREAM, LOCAL_CREDS_PERSISTENT, SCM_CREDS2,
	    2);
	if (n == -1)
		afx_expect(tc, afx_errname(errno));
	else
		afx_expectf(tc, "%d", n);
#else
	afx_expect(tc, "unsupported");
#endif
}

#ifdef __linux__
/* The pid a pidfd stands for, from /proc/self/fdinfo; -1 if unknown. */
static long
pidfd_pid(int pidfd)
{
	char path[64], line[128];
	FILE *f;
	long pid = -1;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", pidfd);
	if ((f = fopen(path, "r")) == NULL)
		return (-1);
	/* The kernel writes the number: no overflow to catch. */
	while (fgets(line, sizeof(line), f) != NULL)
		/* NOLINTNEXTLINE(cert-err34-c) */
		if (sscanf(line, "Pid: %ld", &pid) == 1)
			break;
	(void)fclose(f);
	return (pid);
}
#endif

AFX_TC(peerpidfd, "cred.peerpidfd",
    "SO_PEERPIDFD hands back a pidfd for the peer process")
ATF_TC_BODY(peerpidfd, tc)
{
#ifdef SO_PEERPIDFD
	struct child c;
	socklen_t len;
	int lfd, afd, pidfd;
	long pid;

	lfd = afx_listener("srv");
	if (child_fork(&c) == 0) {
		child_connect("srv");
		child_ready(c.ctl);
		child_wait(c.ctl);
		_exit(0);
	}
	child_await(&c);
	afd = afx_accept(lfd);
	len = sizeof(pidfd);
	pidfd = -1;
	if (getsockopt(afd, SOL_SOCKET, SO_PEERPIDFD, &pidfd, &len) == -1) {
		int err = errno;

		child_finish(&c);
		afx_expect(tc, afx_errname(err));
		return;
	}
	pid = pidfd_pid(pidfd);
	child_finish(&c);
	ATF_REQUIRE(close(pidfd) == 0);
	afx_expect(tc, pid == (long)c.pid ? "ok" : "other");
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(passpidfd, "cred.passpidfd",
    "SO_PASSPIDFD on the receiver: each message brings an SCM_PIDFD of "
    "the sender")
ATF_TC_BODY(passpidfd, tc)
{
#if defined(SO_PASSPIDFD) && defined(SCM_CREDENTIALS)
	struct rx rx;
	char b[8];
	int sv[2], before;

	before = afx_count_fds();
	ATF_REQUIRE(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
	if (setsockopt(sv[1], SOL_SOCKET, SO_PASSPIDFD, &(int){1},
	    sizeof(int)) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	ATF_REQUIRE(write(sv[0], "x", 1) == 1);
	recv_rx(sv[1], b, sizeof(b), sizeof(union ctl), &rx);
	ATF_REQUIRE(!rx.ctrunc);
	if (rx.pidfd == -1) {
		afx_expect(tc, "none");
		return;
	}
	afx_expect(tc, pidfd_pid(rx.pidfd) == (long)getpid() ? "ok" :
	    "other");
	ATF_REQUIRE(close(rx.pidfd) == 0);
	ATF_REQUIRE(close(sv[0]) == 0 && close(sv[1]) == 0);
	ATF_REQUIRE_EQ(afx_count_fds(), before);
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(peersec, "cred.peersec",
    "SO_PEERSEC on a connected stream socket (the peer's security label)")
ATF_TC_BODY(peersec, tc)
{
#ifdef SO_PEERSEC
	char label[256];
	socklen_t len = sizeof(label);
	int lfd, cfd, afd;

	afx_stream_pair(&lfd, &cfd, &afd);
	afx_expect_rc(tc, getsockopt(afd, SOL_SOCKET, SO_PEERSEC, label,
	    &len));
#else
	afx_expect(tc, "unsupported");
#endif
}

AFX_TC(peergroups, "cred.peergroups",
    "SO_PEERGROUPS lists the peer's supplementary groups")
ATF_TC_BODY(peergroups, tc)
{
#ifdef SO_PEERGROUPS
	gid_t mine[256], theirs[256];
	socklen_t len = sizeof(theirs);
	int lfd, cfd, afd, n, i, j, found;

	n = getgroups(256, mine);
	ATF_REQUIRE(n != -1);
	afx_stream_pair(&lfd, &cfd, &afd);
	if (getsockopt(afd, SOL_SOCKET, SO_PEERGROUPS, theirs, &len) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	ATF_REQUIRE(len % sizeof(gid_t) == 0);
	if ((int)(len / sizeof(gid_t)) != n) {
		afx_expect(tc, "other");
		return;
	}
	for (i = 0; i < n; i++) {
		for (found = 0, j = 0; j < n; j++)
			if (theirs[j] == mine[i])
				found = 1;
		if (!found) {
			afx_expect(tc, "other");
			return;
		}
	}
	afx_expect(tc, "ok");
#else
	afx_expect(tc, "unsupported");
#endif
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, peer_accepted);
	ATF_TP_ADD_TC(tp, client_view_captured);
	ATF_TP_ADD_TC(tp, peer_after_exit);
	ATF_TP_ADD_TC(tp, captured_at_connect);
	ATF_TP_ADD_TC(tp, euid_at_connect);
	ATF_TP_ADD_TC(tp, socketpair_stream);
	ATF_TP_ADD_TC(tp, socketpair_dgram);
	ATF_TP_ADD_TC(tp, unconnected_stream);
	ATF_TP_ADD_TC(tp, unconnected_dgram);
	ATF_TP_ADD_TC(tp, listener);
	ATF_TP_ADD_TC(tp, getpeereid);
	ATF_TP_ADD_TC(tp, passcred);
	ATF_TP_ADD_TC(tp, passcred_off);
	ATF_TP_ADD_TC(tp, passcred_queued_before);
	ATF_TP_ADD_TC(tp, send_own);
	ATF_TP_ADD_TC(tp, spoof_pid_unprivileged);
	ATF_TP_ADD_TC(tp, spoof_uid_unprivileged);
	ATF_TP_ADD_TC(tp, spoof_root);
	ATF_TP_ADD_TC(tp, spoof_missing_pid_root);
	ATF_TP_ADD_TC(tp, empty_cmsg);
	ATF_TP_ADD_TC(tp, ctrunc);
	ATF_TP_ADD_TC(tp, stream_split_differing);
	ATF_TP_ADD_TC(tp, scm_creds_sender);
	ATF_TP_ADD_TC(tp, local_creds);
	ATF_TP_ADD_TC(tp, local_creds_persistent);
	ATF_TP_ADD_TC(tp, peerpidfd);
	ATF_TP_ADD_TC(tp, passpidfd);
	ATF_TP_ADD_TC(tp, peersec);
	ATF_TP_ADD_TC(tp, peergroups);
	return (atf_no_error());
}
