/*
 * # 10. SCM_RIGHTS: handing an open file to another process
 *
 * A descriptor number means nothing outside its process.  What
 * `SCM_RIGHTS` passes is the **open file** behind it (the kernel's `struct
 * file`: the file, its offset, its flags).  The receiver gets a new
 * descriptor in its own table, pointing at that same open file.
 *
 * This lesson (a parent sends, a forked child receives, over a stream
 * socketpair; the file is made in a private directory) shows:
 *
 * - the received descriptor is a **new number for the same file**
 *   (`fstat` gives the same device and inode);
 * - the sender may **close its descriptor right after sending**: the
 *   message in the socket keeps the open file alive;
 * - the two processes **share the offset**: the child reads 4 bytes,
 *   and the parent's `lseek` says 4;
 * - the **at-least-one-byte rule**: on a stream socket, control data
 *   rides on data.  What a `sendmsg` with zero data bytes and a
 *   descriptor does here is measured and printed;
 * - **always check `MSG_CTRUNC`**: with no room for control data the
 *   kernel drops the descriptor, and that flag is the only sign of it.
 *
 * Run: `./10-scm-rights` (no arguments).
 *
 * Read next: 09-cmsg for the buffer arithmetic; unix(7) on `SCM_MAX_FD`
 * and in-flight limits.
 *
 * Keys: fd.one_stream, fd.shared_offset, fd.sender_closes,
 * fd.zero_data_stream, fd.no_control_buffer
 *
 * Portability: `SCM_RIGHTS` works on Linux, the BSDs, macOS and illumos
 * (not on Windows).  Without room for the descriptor, OpenBSD fails the
 * whole `recvmsg` with `EMSGSIZE` (`unp_externalize`).  The zero-byte
 * case differs: Linux accepts the `sendmsg`, returns 0 and drops the
 * descriptor; FreeBSD's current stream code (`uipc_sosend_stream`)
 * queues control data even with no data bytes.  unix(7) asks for at
 * least one byte of data for portability.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lesson.h"

/* Aligned for struct cmsghdr; room for one descriptor and more. */
union control {
	struct cmsghdr	hdr;
	unsigned char	buf[64];
};

static int truncated;		/* MSG_CTRUNC seen on the last receive */

/*
 * ## Sending a descriptor
 *
 * Open the file (a new open file each time, at offset 0) and send `len`
 * bytes of data with one `SCM_RIGHTS` message holding the descriptor,
 * built as lesson 9 showed.  The kernel looks the number up in the
 * sender's table and keeps a reference to the open file until the
 * message is received (or the socket is closed unread).  Narrated before
 * the call, so that the line comes before the child's answer.  Returns
 * the sender's descriptor; `*np` gets what `sendmsg` returned.
 */
static int
send_file(int sock, const char *data, size_t len, ssize_t *np)
{
	union control u;
	struct msghdr msg;
	struct cmsghdr *c;
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
	int fd;

	if ((fd = open("data", O_RDONLY)) == -1)
		err(1, "open data");
	memset(&u, 0, sizeof(u));
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = u.buf;
	msg.msg_controllen = CMSG_SPACE(sizeof(int));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	say("parent: sendmsg(%zu byte%s \"%s\" + SCM_RIGHTS fd %d)", len,
	    len == 1 ? "" : "s", data, fd);
	if ((*np = sendmsg(sock, &msg, 0)) == -1)
		err(1, "parent: sendmsg (%s)", errname(errno));
	return (fd);
}

/*
 * One byte back and forth keeps the two processes in step, and the
 * narration in order.
 */
static void
in_step(int sock, int reply)
{
	char byte = 'k';

	if ((reply ? write(sock, &byte, 1) : read(sock, &byte, 1)) != 1)
		errx(1, "the other process is gone");
}

/*
 * ## Receiving one
 *
 * One byte and, if one came with it, a descriptor (else `*fdp` is -1):
 * the kernel installs it in the receiver's table at the lowest free
 * number.  With `room == 0` there is no control buffer at all.
 * `MSG_CTRUNC` means control data was cut off and descriptors lost;
 * that is an error, checked on every receive, except in the one step
 * that is about it.
 */
static ssize_t
recv_fd(int sock, char *byte, int *fdp, int room)
{
	union control u;
	struct msghdr msg;
	struct cmsghdr *c;
	struct iovec iov = { .iov_base = byte, .iov_len = 1 };
	ssize_t n;

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (room) {
		msg.msg_control = u.buf;
		msg.msg_controllen = sizeof(u);
	}
	*fdp = -1;
	if ((n = recvmsg(sock, &msg, 0)) == -1) {
		/* OpenBSD fails the whole receive (unp_externalize). */
		if (room || errno != EMSGSIZE)
			err(1, "child: recvmsg (%s)", errname(errno));
		say("child: recvmsg(control buffer absent) -> -1 EMSGSIZE");
		truncated = 1;
		return (-1);
	}
	/* This sender sends one; a general receiver takes them all. */
	for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type ==
		    SCM_RIGHTS && c->cmsg_len >= CMSG_LEN(sizeof(int)))
			memcpy(fdp, CMSG_DATA(c), sizeof(int));
	truncated = (msg.msg_flags & MSG_CTRUNC) != 0;
	say("child: recvmsg(control buffer %s) -> %zd byte%s \"%.*s\", "
	    "fd %d, msg_flags %s", room ? "present" : "absent", n,
	    n == 1 ? "" : "s", (int)n, byte, *fdp, truncated ? "MSG_CTRUNC" :
	    "0");
	if (truncated && room)
		errx(1, "MSG_CTRUNC: control data cut off, descriptors lost");
	return (n);
}

/* The child: receives what the parent sends, step by step. */
static void
child(int sock, const struct stat *file)
{
	struct stat st;
	char buf[8] = "", byte;
	int fd, got;

	/* An open file the sender has already closed. */
	(void)recv_fd(sock, &byte, &fd, 1);
	if (fd == -1 || fstat(fd, &st) == -1)
		errx(1, "child: no descriptor");
	check(st.st_dev == file->st_dev && st.st_ino == file->st_ino,
	    "child: fd %d is the file \"data\" (inode %lu), though the "
	    "sender closed its own descriptor", fd, (unsigned long)st.st_ino);
	close(fd);
	in_step(sock, 1);

	/* A second open of the file: read 4 bytes through it. */
	(void)recv_fd(sock, &byte, &fd, 1);
	said("child: read(fd, 4)", read(fd, buf, 4));
	say("child: read \"%.4s\"", buf);
	close(fd);
	in_step(sock, 1);

	/* Zero data bytes: whatever arrives up to the marker "m". */
	got = 0;
	do {
		if (recv_fd(sock, &byte, &fd, 1) == 0 && fd == -1)
			errx(1, "child: end of file");
		if (fd != -1) {
			got++;
			close(fd);
		}
	} while (byte != 'm');
	say("child: the descriptor sent with zero bytes %s",
	    got ? "arrived" : "never arrived");
#ifdef __linux__
	check(got == 0, "Linux dropped it: at least one byte is required");
#endif
	in_step(sock, 1);

	/* No control buffer at all. */
	(void)recv_fd(sock, &byte, &fd, 0);
	check(fd == -1 && truncated, "without room for it the descriptor "
	    "was dropped, and only MSG_CTRUNC (OpenBSD: EMSGSIZE) tells");
	close(sock);
	lesson_child_exit();
}

int
main(int argc, char *argv[])
{
	struct stat file;
	char buf[8] = "";
	pid_t pid;
	off_t off;
	ssize_t n;
	int sv[2], fd;

	if (argc > 1)
		errx(2, "usage: %s (takes no arguments)", argv[0]);
	say("working in %s", workdir_enter());
	if ((fd = open("data", O_RDWR | O_CREAT | O_EXCL, 0600)) == -1 ||
	    write(fd, "0123456789abcdef", 16) != 16 || fstat(fd, &file) == -1)
		err(1, "data");
	close(fd);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		err(1, "socketpair");

	/*
	 * ## Send, then close at once
	 *
	 * The descriptor goes into the socket *before* the child even
	 * exists, and the parent closes it.  No process holds the file
	 * open now: only the message in flight does.
	 */
	fd = send_file(sv[0], "1", 1, &n);
	said("parent: close(fd) right after sending", close(fd));

	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		close(sv[0]);
		child(sv[1], &file);
	}
	close(sv[1]);
	in_step(sv[0], 0);

	/*
	 * ## One open file, two processes, one offset
	 *
	 * The parent opens the file again (a new open file, offset 0),
	 * sends it, and this time keeps its own descriptor.  The child reads 4 bytes
	 * through the descriptor it received; the parent's offset moved.
	 */
	fd = send_file(sv[0], "2", 1, &n);
	in_step(sv[0], 0);
	off = lseek(fd, 0, SEEK_CUR);
	say("parent: lseek(fd %d, 0, SEEK_CUR) -> %lld", fd, (long long)off);
	check(off == 4, "the child's read moved the parent's offset to 4");
	said("parent: read(fd, 4)", read(fd, buf, 4));
	say("parent: read \"%.4s\": it goes on where the child stopped", buf);
	close(fd);

	/*
	 * ## Zero bytes of data on a stream socket
	 *
	 * On a stream socket, control data rides on data.  Linux's
	 * `unix_stream_sendmsg` attaches the descriptors to the first
	 * buffer of a loop over the data bytes; with no bytes there is no
	 * buffer, and the descriptors are simply released.  `sendmsg`
	 * returns 0, without an error.  Other systems differ, so this is
	 * measured, and the marker "m" that follows tells the child when
	 * to stop looking.
	 */
	fd = send_file(sv[0], "", 0, &n);
	say("parent: sendmsg -> %zd, no error: the sender is not told what "
	    "became of the descriptor", n);
	close(fd);
	say("parent: write(\"m\"), the marker");
	if (write(sv[0], "m", 1) != 1)
		err(1, "parent: write");
	in_step(sv[0], 0);

	/*
	 * ## MSG_CTRUNC
	 *
	 * The child now receives with no control buffer.  The data arrives,
	 * the descriptor is dropped (closed by the kernel), and
	 * `MSG_CTRUNC` in `msg_flags` is the only trace.  A program that
	 * does not check it never learns that something was lost.
	 */
	close(send_file(sv[0], "t", 1, &n));
	lesson_child_wait(pid);
	close(sv[0]);
	lesson_exit();
}
