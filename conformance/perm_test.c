/*
 * Permissions on the way to a socket (the permission rows of catalogue
 * group BIND): write permission on the socket file to connect or to
 * sendto, search permission on the directories above it, the umask at
 * bind, chmod after bind, another user's socket file, and root's bypass.
 * Every check is keyed in platforms/.
 *
 * kyua runs an "unprivileged" test case as a user who owns its work
 * directory, so the files such a case makes are its own: a file it owns
 * with mode 0555 still denies it write permission, because the owner
 * bits are the ones that apply.  Another user's file needs root to make
 * it, so those cases run as root and connect from a child that has
 * become "nobody".
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "afx.h"

static void
chmod_or_fail(const char *path, mode_t mode)
{

	ATF_REQUIRE_MSG(chmod(path, mode) == 0, "chmod(%s, %04o): %s", path,
	    (unsigned)mode, strerror(errno));
}

/*
 * As root: the outcome of a stream connect to path, relative to dir, made
 * by a child that has become "nobody".  The child enters dir before it
 * drops root, so nothing above dir (kyua's work directory may be closed
 * to others) stands in the way, only dir and the socket file.  It keeps
 * root's supplementary groups (setgroups is not POSIX): the callers give
 * group and others the same bits, so no group can change the answer.
 */
static const char *
connect_as_nobody(const char *dir, const char *path)
{
	struct sockaddr_un sun;
	struct passwd *pw;
	socklen_t len;
	pid_t pid;
	int p[2], fd, status, res;

	ATF_REQUIRE_MSG((pw = getpwnam("nobody")) != NULL,
	    "no user nobody");
	len = afx_sun(&sun, path);
	ATF_REQUIRE(pipe(p) == 0);
	ATF_REQUIRE((pid = fork()) != -1);
	if (pid == 0) {
		/* A negative answer says which step of the set-up failed. */
		res = -1;
		if (chdir(dir) == -1)
			goto out;
		res = -2;
		if (setgid(pw->pw_gid) == -1 || setuid(pw->pw_uid) == -1)
			goto out;
		res = -3;
		if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
			goto out;
		res = connect(fd, (struct sockaddr *)&sun, len) == 0 ? 0 :
		    errno;
out:
		_exit(write(p[1], &res, sizeof(res)) == sizeof(res) ? 0 : 1);
	}
	ATF_REQUIRE(close(p[1]) == 0);
	ATF_REQUIRE_EQ(read(p[0], &res, sizeof(res)), (ssize_t)sizeof(res));
	ATF_REQUIRE(close(p[0]) == 0);
	ATF_REQUIRE(waitpid(pid, &status, 0) == pid);
	ATF_REQUIRE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ATF_REQUIRE_MSG(res >= 0, "child set-up step %d failed", -res);
	return (res == 0 ? "ok" : afx_errname(res));
}

AFX_TC_USER(connect_no_write, "perm.connect_no_write", "unprivileged",
    "connect to a listener whose socket file (own, mode 0555) denies write")
ATF_TC_BODY(connect_no_write, tc)
{

	(void)afx_listener("srv");
	chmod_or_fail("srv", 0555);
	afx_expect_rc(tc, afx_probe_connect(SOCK_STREAM, "srv"));
}

AFX_TC_USER(connect_write_only, "perm.connect_write_only", "unprivileged",
    "connect to a listener whose socket file has mode 0222 (write, no read)")
ATF_TC_BODY(connect_write_only, tc)
{

	(void)afx_listener("srv");
	chmod_or_fail("srv", 0222);
	afx_expect_rc(tc, afx_probe_connect(SOCK_STREAM, "srv"));
}

AFX_TC_USER(sendto_no_write, "perm.sendto_no_write", "unprivileged",
    "sendto a datagram socket whose socket file (own, mode 0555) denies "
    "write")
ATF_TC_BODY(sendto_no_write, tc)
{

	(void)afx_bound(SOCK_DGRAM, "rcv");
	chmod_or_fail("rcv", 0555);
	afx_expect_rc(tc, afx_probe_sendto("rcv"));
}

AFX_TC_USER(dir_not_searchable, "perm.dir_not_searchable", "unprivileged",
    "connect to a listener in a directory without search permission")
ATF_TC_BODY(dir_not_searchable, tc)
{
	int rc;

	ATF_REQUIRE(mkdir("d", 0755) == 0);
	(void)afx_listener("d/srv");
	chmod_or_fail("d", 0666);
	rc = afx_probe_connect(SOCK_STREAM, "d/srv");
	chmod_or_fail("d", 0755);
	afx_expect_rc(tc, rc);
}

AFX_TC_USER(dir_search_only, "perm.dir_search_only", "unprivileged",
    "connect to a listener in a directory with search permission only "
    "(mode 0111)")
ATF_TC_BODY(dir_search_only, tc)
{
	int rc;

	ATF_REQUIRE(mkdir("d", 0755) == 0);
	(void)afx_listener("d/srv");
	chmod_or_fail("d", 0111);
	rc = afx_probe_connect(SOCK_STREAM, "d/srv");
	chmod_or_fail("d", 0755);
	afx_expect_rc(tc, rc);
}

AFX_TC_USER(umask_at_bind, "perm.umask_at_bind", "unprivileged",
    "the umask at bind (0222) takes write from the file: a later connect")
ATF_TC_BODY(umask_at_bind, tc)
{
	int fd;

	umask(0222);
	fd = afx_listener("srv");
	/* Only the umask of bind counts, not the connecting process's. */
	umask(0);
	afx_expect_rc(tc, afx_probe_connect(SOCK_STREAM, "srv"));
	ATF_REQUIRE(close(fd) == 0);
}

AFX_TC_USER(chmod_revokes, "perm.chmod_revokes", "unprivileged",
    "chmod 0555 of a listener's socket file after connects succeeded: "
    "the next connect")
ATF_TC_BODY(chmod_revokes, tc)
{

	(void)afx_listener("srv");
	ATF_REQUIRE_MSG(afx_probe_connect(SOCK_STREAM, "srv") == 0,
	    "connect: %s", strerror(errno));
	chmod_or_fail("srv", 0555);
	afx_expect_rc(tc, afx_probe_connect(SOCK_STREAM, "srv"));
}

AFX_TC(existing_connection, "perm.existing_connection",
    "chmod 0 of the socket file leaves an existing connection working")
ATF_TC_BODY(existing_connection, tc)
{
	char buf[8];
	int lfd, cfd, afd;

	lfd = afx_listener("srv");
	cfd = afx_connected(SOCK_STREAM, "srv");
	afd = afx_accept(lfd);
	chmod_or_fail("srv", 0);
	ATF_REQUIRE_EQ(write(cfd, "ping", 4), 4);
	afx_expect(tc, read(afd, buf, sizeof(buf)) == 4 &&
	    memcmp(buf, "ping", 4) == 0 ? "ok" : "lost");
}

AFX_TC_USER(root_bypass_socket, "perm.root_bypass_socket", "root",
    "root connects to a listener whose socket file has mode 0")
ATF_TC_BODY(root_bypass_socket, tc)
{

	(void)afx_listener("srv");
	chmod_or_fail("srv", 0);
	afx_expect_rc(tc, afx_probe_connect(SOCK_STREAM, "srv"));
}

AFX_TC_USER(root_bypass_dir, "perm.root_bypass_dir", "root",
    "root connects through a directory with mode 0")
ATF_TC_BODY(root_bypass_dir, tc)
{
	int rc;

	ATF_REQUIRE(mkdir("d", 0755) == 0);
	(void)afx_listener("d/srv");
	chmod_or_fail("d", 0);
	rc = afx_probe_connect(SOCK_STREAM, "d/srv");
	chmod_or_fail("d", 0755);
	afx_expect_rc(tc, rc);
}

AFX_TC_USER(other_user_no_write, "perm.other_user_no_write", "root",
    "another user connects to root's socket file of mode 0755")
ATF_TC_BODY(other_user_no_write, tc)
{

	ATF_REQUIRE(mkdir("d", 0755) == 0);
	(void)afx_listener("d/srv");
	chmod_or_fail("d/srv", 0755);
	afx_expect(tc, connect_as_nobody("d", "srv"));
}

AFX_TC_USER(other_user_write, "perm.other_user_write", "root",
    "another user connects to root's socket file of mode 0777")
ATF_TC_BODY(other_user_write, tc)
{

	ATF_REQUIRE(mkdir("d", 0755) == 0);
	(void)afx_listener("d/srv");
	chmod_or_fail("d/srv", 0777);
	afx_expect(tc, connect_as_nobody("d", "srv"));
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, connect_no_write);
	ATF_TP_ADD_TC(tp, connect_write_only);
	ATF_TP_ADD_TC(tp, sendto_no_write);
	ATF_TP_ADD_TC(tp, dir_not_searchable);
	ATF_TP_ADD_TC(tp, dir_search_only);
	ATF_TP_ADD_TC(tp, umask_at_bind);
	ATF_TP_ADD_TC(tp, chmod_revokes);
	ATF_TP_ADD_TC(tp, existing_connection);
	ATF_TP_ADD_TC(tp, root_bypass_socket);
	ATF_TP_ADD_TC(tp, root_bypass_dir);
	ATF_TP_ADD_TC(tp, other_user_no_write);
	ATF_TP_ADD_TC(tp, other_user_write);
	return (atf_no_error());
}
