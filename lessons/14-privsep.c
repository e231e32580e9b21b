/*
 * # 14. Privilege separation: the parent opens, the worker reads
 *
 * A program that parses untrusted input should not hold the power to
 * open any file it likes.  *Privilege separation* splits it: a small
 * privileged process keeps the right to open files and does little else;
 * a worker, running as a user who may open nothing of interest, does the
 * risky work.  When the worker needs a file, it *asks*; the privileged
 * side decides, opens, and passes the open descriptor with `SCM_RIGHTS`
 * (lesson 10).  The worker can then read that one file, and no other.
 *
 * ClamAV uses the same move the other way round: `clamd` runs as an
 * unprivileged user, and `clamdscan --fdpass` opens each file itself and
 * sends clamd the descriptor (clamd's `FILDES` command, clamd(8)), so the
 * daemon scans files it could never open.  OpenSSH's privilege-separated
 * `sshd` passes descriptors between its monitor and its worker the same
 * way.
 *
 * This lesson (run as root: the parent keeps root, the forked worker
 * becomes `nobody`) shows:
 *
 * - the worker's **own `open` of the file fails with `EACCES`**: the
 *   file is root's, mode 0600;
 * - the parent **refuses** a request that is not on its list (the worker
 *   asks for `/etc/shadow`): the privileged side checks every request,
 *   because the worker is the part that may be compromised;
 * - the parent **opens the file and passes the descriptor**; the worker
 *   reads the contents through it, and `fstat` shows a file owned by
 *   someone else;
 * - the descriptor carries **the parent's access mode**: it was opened
 *   read-only, and the worker's `write` fails with `EBADF`.
 *
 * Run as an ordinary user, the worker cannot change its user: its own
 * `open` then succeeds (the lesson says so), and the rest is shown and
 * checked as before.
 *
 * Run: `./14-privsep` (no arguments; as root for the whole story).
 *
 * Read next: 10-scm-rights (what passing a descriptor means),
 * 05-permissions (the checks the worker runs into).
 *
 * Keys: fd.one_stream, fd.sender_closes, fd.ctrunc_flag
 *
 * Portability: `SCM_RIGHTS` and this pattern work on Linux, the BSDs,
 * macOS and illumos.  OpenBSD's own daemons are built this way
 * (`imsg_compose` with a descriptor); FreeBSD adds Capsicum, which
 * limits even what a received descriptor may do.
 */
#define _DEFAULT_SOURCE		/* setgroups(2) in lesson_unprivileged() */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lesson.h"

#define SECRET	"the parent's secret\n"
#define WAIT_MS	5000	/* the longest either side waits for the other */

/* Aligned for struct cmsghdr; room for one descriptor and more. */
union control {
	struct cmsghdr	hdr;
	unsigned char	buf[64];
};

/*
 * ## The answer: one byte, and maybe a descriptor
 *
 * 'y' with the descriptor as `SCM_RIGHTS`, or 'n' alone (fd -1).  On a
 * stream socket control data rides on data, so there is always the byte.
 */
static void
answer(int sock, int fd)
{
	union control u;
	struct msghdr msg;
	struct cmsghdr *c;
	struct iovec iov = { .iov_base = fd == -1 ? "n" : "y", .iov_len = 1 };

	memset(&u, 0, sizeof(u));
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (fd != -1) {
		msg.msg_control = u.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int));
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	if (sendmsg(sock, &msg, 0) != 1)
		err(1, "parent: sendmsg");
}

/*
 * ## The privileged side
 *
 * It reads requests, one line each, until the worker closes its end.
 * Its policy is a list of one name.  Whatever it opens, it opens
 * read-only, sends, and closes at once: the message holds the open file
 * until the worker takes it.
 */
static void
broker(int sock)
{
	struct pollfd p = { .fd = sock, .events = POLLIN };
	char req[256];
	size_t len;
	int fd;

	for (;;) {
		/* One request: the bytes up to a newline (cut if too long). */
		for (len = 0; len < sizeof(req) - 1; len++) {
			if (poll(&p, 1, WAIT_MS) != 1)
				errx(1, "parent: the worker went quiet");
			if (read(sock, req + len, 1) != 1)
				return;		/* the worker closed: done */
			if (req[len] == '\n')
				break;
		}
		req[len] = '\0';
		if (strcmp(req, "secret") != 0) {
			say("parent: \"%s\" is not on the list: refused", req);
			answer(sock, -1);
			continue;
		}
		if ((fd = open(req, O_RDONLY)) == -1)
			err(1, "parent: open %s", req);
		say("parent: open(\"%s\", O_RDONLY) -> fd %d; sent, closed",
		    req, fd);
		answer(sock, fd);
		close(fd);
	}
}

/* The worker's request: a line out, a byte (and maybe a descriptor) in. */
static int
ask(int sock, const char *name)
{
	union control u;
	struct msghdr msg;
	struct cmsghdr *c;
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct pollfd p = { .fd = sock, .events = POLLIN };
	int fd = -1;

	say("worker: asks for \"%s\"", name);
	if (write(sock, name, strlen(name)) == -1 || write(sock, "\n", 1) != 1)
		err(1, "worker: write");
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = u.buf;
	msg.msg_controllen = sizeof(u);
	if (poll(&p, 1, WAIT_MS) != 1 || recvmsg(sock, &msg, 0) != 1)
		errx(1, "worker: no answer");
	if (msg.msg_flags & MSG_CTRUNC)
		errx(1, "worker: MSG_CTRUNC: a descriptor was lost");
	for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type ==
		    SCM_RIGHTS && c->cmsg_len >= CMSG_LEN(sizeof(int)))
			memcpy(&fd, CMSG_DATA(c), sizeof(int));
	say("  worker: answer '%c', fd %d", byte, fd);
	return (fd);
}

/*
 * ## The worker
 *
 * First it gives up root for good (`setgroups`, `setgid`, `setuid`, in
 * that order: after `setuid` it could not change its groups any more).
 * Then it tries the file itself, and asks.
 */
static void
worker(int sock, uid_t owner)
{
	struct stat st;
	char buf[64] = "";
	uid_t uid;
	ssize_t n;
	int fd;

	uid = lesson_unprivileged();
	say("worker: pid %ld, uid %u", (long)getpid(), (unsigned)uid);
	fd = (int)said("worker: open(\"secret\", O_RDONLY)", open("secret",
	    O_RDONLY));
	if (uid != owner)
		check(fd == -1 && errno == EACCES, "worker: not its file, "
		    "mode 0600: EACCES");
	else {
		say("  not root: the worker is the file's owner too, so its "
		    "own open works; run as root to see it fail");
		if (fd != -1)
			close(fd);
	}
	fd = ask(sock, "/etc/shadow");
	check(fd == -1, "worker: the parent refused; no descriptor came");
	if ((fd = ask(sock, "secret")) == -1 || fstat(fd, &st) == -1)
		errx(1, "worker: no descriptor");
	say("  worker: fstat(fd %d) -> owner uid %u, mode %04o", fd,
	    (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
	n = said("worker: read(fd)", read(fd, buf, sizeof(buf) - 1));
	say("  worker: read \"%.*s\"", (int)strcspn(buf, "\n"), buf);
	check(n == (ssize_t)strlen(SECRET) && strcmp(buf, SECRET) == 0,
	    "worker: read the file through the parent's descriptor");
	n = said("worker: write(fd, \"x\")", write(fd, "x", 1));
	check(n == -1 && errno == EBADF, "worker: the descriptor is "
	    "read-only, as the parent opened it: EBADF");
	close(fd);
	close(sock);
	lesson_child_exit();
}

int
main(int argc, char *argv[])
{
	const char *dir;
	pid_t pid;
	int sv[2], fd;

	if (argc > 1)
		errx(2, "usage: %s (takes no arguments)", argv[0]);
	say("working in %s", dir = workdir_enter());

	/*
	 * ## The file
	 *
	 * Mode 0600, owned by whoever runs the lesson.  As root, the
	 * private directory is opened for search (0711, no listing) so
	 * that the worker's `open` reaches the file and meets *its* mode,
	 * not the directory's.
	 */
	if ((fd = open("secret", O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1 ||
	    write(fd, SECRET, strlen(SECRET)) != (ssize_t)strlen(SECRET))
		err(1, "secret");
	close(fd);
	say_node("secret");
	if (geteuid() == 0)
		said("chmod(lesson directory, 0711)", chmod(dir, 0711));

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		err(1, "socketpair");
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		close(sv[0]);
		worker(sv[1], geteuid());
	}
	close(sv[1]);
	broker(sv[0]);
	close(sv[0]);
	lesson_child_wait(pid);
	lesson_exit();
}
