/*
 * The filesystem namespace (catalogue group BIND): what bind makes on
 * disk, with which mode, what it refuses (EADDRINUSE, EINVAL, ENOENT,
 * ENOTDIR, EACCES), symlinks, links and renames, and what unlink does to
 * a live socket.  Every check is keyed in platforms/.
 */
#define _XOPEN_SOURCE	700	/* mknod() and S_IFSOCK are XSI */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "afx.h"

/* bind() a fresh socket of the type to path: 0 or -1 with errno. */
static int
try_bind(int type, const char *path)
{
	struct sockaddr_un sun;
	socklen_t len;
	int fd, rc, err;

	fd = afx_socket(type);
	len = afx_sun(&sun, path);
	rc = bind(fd, (struct sockaddr *)&sun, len);
	err = errno;
	ATF_REQUIRE(close(fd) == 0);
	errno = err;
	return (rc);
}

/* A socket file with no socket behind it any more. */
static void
make_stale(const char *path)
{

	ATF_REQUIRE(close(afx_bound(SOCK_STREAM, path)) == 0);
}

static void
expect_mode(const atf_tc_t *tc, const char *path)
{

	afx_expectf(tc, "%04o", (unsigned)afx_mode(path));
}

AFX_TC(creates_socket_node, "bind.creates_socket_node",
    "bind to a pathname creates a node of type socket")
ATF_TC_BODY(creates_socket_node, tc)
{
	struct stat st;

	(void)afx_bound(SOCK_STREAM, "sock");
	ATF_REQUIRE(lstat("sock", &st) == 0);
	afx_expect(tc, S_ISSOCK(st.st_mode) ? "socket" : "other");
}

AFX_TC(node_mode, "bind.node_mode",
    "with umask 0 the new node gets mode 0777")
ATF_TC_BODY(node_mode, tc)
{

	umask(0);
	(void)afx_bound(SOCK_STREAM, "sock");
	expect_mode(tc, "sock");
}

AFX_TC(umask_applied, "bind.umask_applied",
    "the umask at bind time is taken from the node's mode (027 -> 0750)")
ATF_TC_BODY(umask_applied, tc)
{

	umask(027);
	(void)afx_bound(SOCK_STREAM, "sock");
	expect_mode(tc, "sock");
}

AFX_TC(fchmod_before_bind, "bind.fchmod_before_bind",
    "fchmod(0700) on the socket before bind sets the node's mode")
ATF_TC_BODY(fchmod_before_bind, tc)
{
	struct sockaddr_un sun;
	socklen_t len;
	int fd;

	umask(0);
	fd = afx_socket(SOCK_STREAM);
	if (fchmod(fd, 0700) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	len = afx_sun(&sun, "sock");
	ATF_REQUIRE(bind(fd, (struct sockaddr *)&sun, len) == 0);
	expect_mode(tc, "sock");
}

AFX_TC(fchmod_after_bind, "bind.fchmod_after_bind",
    "fchmod on the socket after bind leaves the node's mode alone")
ATF_TC_BODY(fchmod_after_bind, tc)
{
	mode_t before;
	int fd;

	umask(022);
	fd = afx_bound(SOCK_STREAM, "sock");
	before = afx_mode("sock");
	if (fchmod(fd, 0700) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	afx_expect(tc, afx_mode("sock") == before ? "unchanged" : "changed");
}

AFX_TC(existing_live, "bind.existing_live",
    "bind to the path of a live bound socket")
ATF_TC_BODY(existing_live, tc)
{

	(void)afx_bound(SOCK_STREAM, "sock");
	afx_expect_rc(tc, try_bind(SOCK_STREAM, "sock"));
}

AFX_TC(existing_stale, "bind.existing_stale",
    "bind to a socket file whose socket has been closed")
ATF_TC_BODY(existing_stale, tc)
{

	make_stale("sock");
	afx_expect_rc(tc, try_bind(SOCK_STREAM, "sock"));
}

AFX_TC(existing_regular_file, "bind.existing_regular_file",
    "bind onto a regular file refuses and leaves the file alone")
ATF_TC_BODY(existing_regular_file, tc)
{
	struct stat st;
	int rc;

	afx_touch("file");
	rc = try_bind(SOCK_STREAM, "file");
	ATF_REQUIRE(lstat("file", &st) == 0 && S_ISREG(st.st_mode));
	afx_expect_rc(tc, rc);
}

AFX_TC(existing_directory, "bind.existing_directory",
    "bind onto an existing directory")
ATF_TC_BODY(existing_directory, tc)
{

	ATF_REQUIRE(mkdir("dir", 0755) == 0);
	afx_expect_rc(tc, try_bind(SOCK_STREAM, "dir"));
}

AFX_TC(existing_fifo, "bind.existing_fifo",
    "bind onto a FIFO")
ATF_TC_BODY(existing_fifo, tc)
{

	ATF_REQUIRE(mkfifo("fifo", 0644) == 0);
	afx_expect_rc(tc, try_bind(SOCK_STREAM, "fifo"));
}

AFX_TC(unlink_then_rebind, "bind.unlink_then_rebind",
    "after unlink of a stale socket file its path can be bound again")
ATF_TC_BODY(unlink_then_rebind, tc)
{

	make_stale("sock");
	ATF_REQUIRE(unlink("sock") == 0);
	afx_expect_rc(tc, try_bind(SOCK_STREAM, "sock"));
}

AFX_TC(rebind, "bind.rebind",
    "a second bind of a bound socket, to a new path")
ATF_TC_BODY(rebind, tc)
{
	struct sockaddr_un sun;
	socklen_t len;
	int fd;

	fd = afx_bound(SOCK_STREAM, "one");
	len = afx_sun(&sun, "two");
	afx_expect_rc(tc, bind(fd, (struct sockaddr *)&sun, len));
}

AFX_TC(rebind_after_listen, "bind.rebind_after_listen",
    "a second bind of a listening socket, to a new path")
ATF_TC_BODY(rebind_after_listen, tc)
{
	struct sockaddr_un sun;
	socklen_t len;
	int fd;

	fd = afx_listener("one");
	len = afx_sun(&sun, "two");
	afx_expect_rc(tc, bind(fd, (struct sockaddr *)&sun, len));
}

AFX_TC(failed_rebind_no_node, "bind.failed_rebind_no_node",
    "a second bind that fails leaves no node at the new path")
ATF_TC_BODY(failed_rebind_no_node, tc)
{
	struct sockaddr_un sun;
	socklen_t len;
	int fd;

	fd = afx_bound(SOCK_STREAM, "one");
	len = afx_sun(&sun, "two");
	ATF_REQUIRE_MSG(bind(fd, (struct sockaddr *)&sun, len) == -1,
	    "second bind succeeded");
	afx_expect(tc, afx_exists("two") ? "present" : "absent");
}

AFX_TC(missing_directory, "bind.missing_directory",
    "bind into a directory that does not exist")
ATF_TC_BODY(missing_directory, tc)
{

	afx_expect_rc(tc, try_bind(SOCK_STREAM, "nodir/sock"));
}

AFX_TC(component_not_directory, "bind.component_not_directory",
    "bind below a path component that is a regular file")
ATF_TC_BODY(component_not_directory, tc)
{

	afx_touch("file");
	afx_expect_rc(tc, try_bind(SOCK_STREAM, "file/sock"));
}

AFX_TC_USER(dir_not_writable, "bind.dir_not_writable", "unprivileged",
    "an unprivileged bind in a directory without write permission")
ATF_TC_BODY(dir_not_writable, tc)
{

	ATF_REQUIRE(mkdir("ro", 0555) == 0);
	afx_expect_rc(tc, try_bind(SOCK_STREAM, "ro/sock"));
}

AFX_TC_USER(dir_not_searchable, "bind.dir_not_searchable", "unprivileged",
    "an unprivileged bind through a directory without search permission")
ATF_TC_BODY(dir_not_searchable, tc)
{

	ATF_REQUIRE(mkdir("nx", 0755) == 0);
	ATF_REQUIRE(chmod("nx", 0666) == 0);
	afx_expect_rc(tc, try_bind(SOCK_STREAM, "nx/sock"));
	ATF_REQUIRE(chmod("nx", 0755) == 0);
}

AFX_TC_USER(root_bypasses_dir_perms, "bind.root_bypasses_dir_perms", "root",
    "root binds in a directory without write permission")
ATF_TC_BODY(root_bypasses_dir_perms, tc)
{

	ATF_REQUIRE(mkdir("ro", 0555) == 0);
	afx_expect_rc(tc, try_bind(SOCK_STREAM, "ro/sock"));
}

AFX_TC(symlink_dangling, "bind.symlink_dangling",
    "bind onto a symlink whose target does not exist")
ATF_TC_BODY(symlink_dangling, tc)
{

	ATF_REQUIRE(symlink("target", "link") == 0);
	afx_expect_rc(tc, try_bind(SOCK_STREAM, "link"));
}

AFX_TC(symlink_dangling_target, "bind.symlink_dangling_target",
    "bind onto a dangling symlink does not create the link's target")
ATF_TC_BODY(symlink_dangling_target, tc)
{

	ATF_REQUIRE(symlink("target", "link") == 0);
	(void)try_bind(SOCK_STREAM, "link");
	afx_expect(tc, afx_exists("target") ? "present" : "absent");
}

AFX_TC(symlink_loop, "bind.symlink_loop",
    "bind onto a symlink that points to itself")
ATF_TC_BODY(symlink_loop, tc)
{

	ATF_REQUIRE(symlink("loop", "loop") == 0);
	afx_expect_rc(tc, try_bind(SOCK_STREAM, "loop"));
}

AFX_TC(connect_via_symlink, "bind.connect_via_symlink",
    "connect through a symlink to a listener's path")
ATF_TC_BODY(connect_via_symlink, tc)
{

	(void)afx_listener("srv");
	ATF_REQUIRE(symlink("srv", "link") == 0);
	afx_expect_rc(tc, afx_try_connect(afx_socket(SOCK_STREAM), "link"));
}

AFX_TC(connect_via_hardlink, "bind.connect_via_hardlink",
    "connect through a hard link to a listener's socket node")
ATF_TC_BODY(connect_via_hardlink, tc)
{

	(void)afx_listener("srv");
	if (link("srv", "hard") == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	afx_expect_rc(tc, afx_try_connect(afx_socket(SOCK_STREAM), "hard"));
}

AFX_TC(connect_after_rename, "bind.connect_after_rename",
    "connect through the new name of a renamed socket node")
ATF_TC_BODY(connect_after_rename, tc)
{

	(void)afx_listener("srv");
	ATF_REQUIRE(rename("srv", "moved") == 0);
	afx_expect_rc(tc, afx_try_connect(afx_socket(SOCK_STREAM), "moved"));
}

AFX_TC(unlink_new_connect, "bind.unlink_new_connect",
    "a new connect after the listener's path was unlinked")
ATF_TC_BODY(unlink_new_connect, tc)
{

	(void)afx_listener("srv");
	ATF_REQUIRE(unlink("srv") == 0);
	afx_expect_rc(tc, afx_try_connect(afx_socket(SOCK_STREAM), "srv"));
}

AFX_TC(unlink_existing_connection, "bind.unlink_existing_connection",
    "a connection made before the unlink still carries data")
ATF_TC_BODY(unlink_existing_connection, tc)
{
	char buf[4];
	int lfd, cfd, afd;

	lfd = afx_listener("srv");
	cfd = afx_connected(SOCK_STREAM, "srv");
	afd = afx_accept(lfd);
	ATF_REQUIRE(unlink("srv") == 0);
	ATF_REQUIRE_EQ(write(cfd, "ping", 4), 4);
	afx_expect(tc, read(afd, buf, sizeof(buf)) == 4 &&
	    memcmp(buf, "ping", 4) == 0 ? "ok" : "lost");
}

AFX_TC(node_outlives_socket, "bind.node_outlives_socket",
    "the node stays on disk after its socket is closed")
ATF_TC_BODY(node_outlives_socket, tc)
{

	ATF_REQUIRE(close(afx_bound(SOCK_STREAM, "sock")) == 0);
	afx_expect(tc, afx_exists("sock") ? "present" : "absent");
}

AFX_TC(open_socket_node, "bind.open_socket_node",
    "open() of a socket node")
ATF_TC_BODY(open_socket_node, tc)
{
	int fd;

	(void)afx_bound(SOCK_STREAM, "sock");
	fd = open("sock", O_RDWR);
	afx_expect_rc(tc, fd);
}

/*
 * Unprivileged, because the BSDs answer mknod by privilege first: EPERM
 * for a user, EINVAL for root.
 */
AFX_TC_USER(mknod_socket_connect, "bind.mknod_socket_connect", "unprivileged",
    "an unprivileged mknod of a socket node, then connect to it")
ATF_TC_BODY(mknod_socket_connect, tc)
{

	if (mknod("sock", S_IFSOCK | 0777, 0) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	afx_expect_rc(tc, afx_try_connect(afx_socket(SOCK_STREAM), "sock"));
}

AFX_TC(relative_resolves_cwd, "bind.relative_resolves_cwd",
    "a relative path is resolved against the working directory of bind")
ATF_TC_BODY(relative_resolves_cwd, tc)
{

	ATF_REQUIRE(mkdir("sub", 0755) == 0);
	ATF_REQUIRE(chdir("sub") == 0);
	(void)afx_bound(SOCK_STREAM, "sock");
	ATF_REQUIRE(chdir("..") == 0);
	afx_expect(tc, afx_exists("sub/sock") ? "ok" : "elsewhere");
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, creates_socket_node);
	ATF_TP_ADD_TC(tp, node_mode);
	ATF_TP_ADD_TC(tp, umask_applied);
	ATF_TP_ADD_TC(tp, fchmod_before_bind);
	ATF_TP_ADD_TC(tp, fchmod_after_bind);
	ATF_TP_ADD_TC(tp, existing_live);
	ATF_TP_ADD_TC(tp, existing_stale);
	ATF_TP_ADD_TC(tp, existing_regular_file);
	ATF_TP_ADD_TC(tp, existing_directory);
	ATF_TP_ADD_TC(tp, existing_fifo);
	ATF_TP_ADD_TC(tp, unlink_then_rebind);
	ATF_TP_ADD_TC(tp, rebind);
	ATF_TP_ADD_TC(tp, rebind_after_listen);
	ATF_TP_ADD_TC(tp, failed_rebind_no_node);
	ATF_TP_ADD_TC(tp, missing_directory);
	ATF_TP_ADD_TC(tp, component_not_directory);
	ATF_TP_ADD_TC(tp, dir_not_writable);
	ATF_TP_ADD_TC(tp, dir_not_searchable);
	ATF_TP_ADD_TC(tp, root_bypasses_dir_perms);
	ATF_TP_ADD_TC(tp, symlink_dangling);
	ATF_TP_ADD_TC(tp, symlink_dangling_target);
	ATF_TP_ADD_TC(tp, symlink_loop);
	ATF_TP_ADD_TC(tp, connect_via_symlink);
	ATF_TP_ADD_TC(tp, connect_via_hardlink);
	ATF_TP_ADD_TC(tp, connect_after_rename);
	ATF_TP_ADD_TC(tp, unlink_new_connect);
	ATF_TP_ADD_TC(tp, unlink_existing_connection);
	ATF_TP_ADD_TC(tp, node_outlives_socket);
	ATF_TP_ADD_TC(tp, open_socket_node);
	ATF_TP_ADD_TC(tp, mknod_socket_connect);
	ATF_TP_ADD_TC(tp, relative_resolves_cwd);
	return (atf_no_error());
}
