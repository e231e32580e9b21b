/*
 * The abstract namespace and autobind (catalogue group ABS): an address
 * whose sun_path starts with a NUL names no file; every byte up to addrlen
 * is part of the name; names are released when the socket closes; bind
 * with an addrlen of sizeof(sa_family_t) picks a name ("autobind"), and
 * SO_PASSCRED makes connect and sendto do so on their own.  Every check is
 * keyed in platforms/.
 *
 * The abstract namespace is shared by the whole network namespace, so
 * every name here carries the pid.  Where the system has no abstract
 * namespace, the first bind fails and its errno is the outcome.
 */
#ifdef __linux__
#define _GNU_SOURCE		/* SO_PASSCRED */
#endif

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "afx.h"

#define PATH_OFF	offsetof(struct sockaddr_un, sun_path)

/* A socket of type bound to the abstract name of tag: 0, or -1 and errno. */
static int
abs_bind(int type, const char *tag, int *fd)
{
	struct sockaddr_un sun;
	socklen_t len;

	*fd = afx_socket(type);
	len = afx_abs_name(&sun, tag, NULL, 0, 0);
	return (bind(*fd, (struct sockaddr *)&sun, len));
}

static int
abs_connect(int fd, const char *tag)
{
	struct sockaddr_un sun;
	socklen_t len;

	len = afx_abs_name(&sun, tag, NULL, 0, 0);
	return (connect(fd, (struct sockaddr *)&sun, len));
}

/*
 * bind with an address that ends before sun_path: Linux's autobind
 * request (unix(7) spells it sizeof(sa_family_t), which is the same
 * two bytes there; on the BSDs sun_len comes first).
 */
static int
autobind(int fd)
{
	struct sockaddr_un sun;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	return (bind(fd, (struct sockaddr *)&sun, (socklen_t)PATH_OFF));
}

static socklen_t
name_of(int fd, union afx_bigaddr *a)
{
	socklen_t len = sizeof(*a);

	memset(a, 0, sizeof(*a));
	ATF_REQUIRE_MSG(getsockname(fd, (struct sockaddr *)a, &len) == 0,
	    "getsockname: %s", strerror(errno));
	return (len);
}

/* "autobound" for a name of NUL and something after it, else "unbound". */
static const char *
bound_word(const union afx_bigaddr *a, socklen_t len)
{

	if (len > PATH_OFF + 1 && a->sun.sun_path[0] == '\0' &&
	    a->sun.sun_path[1] != '\0')
		return ("autobound");
	if (len > PATH_OFF && a->sun.sun_path[0] != '\0')
		return ("pathname");
	return ("unbound");
}

/* Report the errno of a failed first step, and say whether it failed. */
static int
failed(const atf_tc_t *tc, int rc)
{

	if (rc != -1)
		return (0);
	afx_expect(tc, afx_errname(errno));
	return (1);
}

AFX_TC(bind, "abs.bind",
    "bind to an address whose sun_path starts with a NUL byte")
ATF_TC_BODY(bind, tc)
{
	int fd;

	afx_expect_rc(tc, abs_bind(SOCK_STREAM, "b", &fd));
}

AFX_TC(no_node, "abs.no_node",
    "an abstract bind creates nothing in the filesystem")
ATF_TC_BODY(no_node, tc)
{
	struct dirent *de;
	DIR *d;
	int fd, n = 0;

	if (failed(tc, abs_bind(SOCK_STREAM, "n", &fd)))
		return;
	/* kyua runs each test case in an empty work directory. */
	ATF_REQUIRE((d = opendir(".")) != NULL);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	ATF_REQUIRE(closedir(d) == 0);
	afx_expect(tc, n == 0 ? "none" : "node");
}

AFX_TC(connect, "abs.connect",
    "a stream client connects to a listener bound to an abstract name")
ATF_TC_BODY(connect, tc)
{
	int lfd, fd;

	if (failed(tc, abs_bind(SOCK_STREAM, "c", &lfd)))
		return;
	ATF_REQUIRE(listen(lfd, 4) == 0);
	fd = afx_socket(SOCK_STREAM);
	afx_expect_rc(tc, abs_connect(fd, "c"));
}

AFX_TC(getsockname_exact, "abs.getsockname_exact",
    "getsockname gives back exactly the bytes and the length bound")
ATF_TC_BODY(getsockname_exact, tc)
{
	struct sockaddr_un sun;
	union afx_bigaddr a;
	socklen_t len, got;
	int fd;

	fd = afx_socket(SOCK_STREAM);
	len = afx_abs_name(&sun, "g", NULL, 0, 0);
	if (failed(tc, bind(fd, (struct sockaddr *)&sun, len)))
		return;
	got = name_of(fd, &a);
	if (got == len && memcmp(&a.sun, &sun, len) == 0)
		afx_expect(tc, "exact");
	else
		afx_expectf(tc, "%u", (unsigned)got);
}

AFX_TC(trailing_nul_distinct, "abs.trailing_nul_distinct",
    "a name and the same name with one more NUL byte are two names")
ATF_TC_BODY(trailing_nul_distinct, tc)
{
	struct sockaddr_un sun;
	socklen_t len;
	int a, b, rc;

	if (failed(tc, abs_bind(SOCK_STREAM, "t", &a)))
		return;
	b = afx_socket(SOCK_STREAM);
	len = afx_abs_name(&sun, "t", "", 1, 0);
	rc = bind(b, (struct sockaddr *)&sun, len);
	if (rc == 0)
		afx_expect(tc, "distinct");
	else
		afx_expect(tc, errno == EADDRINUSE ? "same" :
		    afx_errname(errno));
}

AFX_TC(disjoint_fs, "abs.disjoint_fs",
    "a pathname socket and the abstract name of the same bytes are "
    "different sockets")
ATF_TC_BODY(disjoint_fs, tc)
{
	struct sockaddr_un sun;
	char path[sizeof(sun.sun_path)];
	int pfd, afd, fd, rc;

	/* The pathname: the same bytes as the abstract name, without NUL. */
	(void)afx_abs_name(&sun, "d", NULL, 0, 0);
	memcpy(path, sun.sun_path + 1, sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	pfd = afx_listener(path);
	fd = afx_socket(SOCK_STREAM);
	rc = abs_connect(fd, "d");
	if (rc == 0) {
		afx_expect(tc, "joined");
		return;
	}
	if (errno != ECONNREFUSED) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	if (failed(tc, abs_bind(SOCK_STREAM, "d", &afd)))
		return;
	afx_expect(tc, "disjoint");
	(void)pfd;
}

AFX_TC_USER(no_permission_check, "abs.no_permission_check", "root",
    "another user connects to root's abstract listener even after "
    "fchmod(0)")
ATF_TC_BODY(no_permission_check, tc)
{
	struct sockaddr_un sun;
	socklen_t len;
	pid_t pid;
	int lfd, status;

	if (failed(tc, abs_bind(SOCK_STREAM, "p", &lfd)))
		return;
	ATF_REQUIRE(listen(lfd, 4) == 0);
	(void)fchmod(lfd, 0);
	/* The name carries the parent's pid: make it before the fork. */
	len = afx_abs_name(&sun, "p", NULL, 0, 0);
	pid = fork();
	ATF_REQUIRE(pid != -1);
	if (pid == 0) {
		int fd;

		if (setgid(65534) == -1 || setuid(65534) == -1)
			_exit(100);
		if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
			_exit(101);
		_exit(connect(fd, (struct sockaddr *)&sun, len) == 0 ? 0 :
		    errno);
	}
	ATF_REQUIRE(waitpid(pid, &status, 0) == pid);
	ATF_REQUIRE(WIFEXITED(status));
	ATF_REQUIRE(WEXITSTATUS(status) != 100 && WEXITSTATUS(status) != 101);
	afx_expect(tc, WEXITSTATUS(status) == 0 ? "ok" :
	    afx_errname(WEXITSTATUS(status)));
}

AFX_TC(released_on_close, "abs.released_on_close",
    "the name can be bound again as soon as its socket is closed")
ATF_TC_BODY(released_on_close, tc)
{
	int fd;

	if (failed(tc, abs_bind(SOCK_STREAM, "r", &fd)))
		return;
	ATF_REQUIRE(close(fd) == 0);
	afx_expect_rc(tc, abs_bind(SOCK_STREAM, "r", &fd));
}

AFX_TC(released_on_exit, "abs.released_on_exit",
    "the name of a process that exited can be bound at once")
ATF_TC_BODY(released_on_exit, tc)
{
	struct sockaddr_un sun;
	socklen_t len;
	pid_t pid;
	int fd, status;

	/* The child binds the parent's name for "x". */
	len = afx_abs_name(&sun, "x", NULL, 0, 0);
	pid = fork();
	ATF_REQUIRE(pid != -1);
	if (pid == 0) {
		if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
			_exit(100);
		_exit(bind(fd, (struct sockaddr *)&sun, len) == 0 ? 0 : errno);
	}
	ATF_REQUIRE(waitpid(pid, &status, 0) == pid);
	ATF_REQUIRE(WIFEXITED(status) && WEXITSTATUS(status) != 100);
	if (WEXITSTATUS(status) != 0) {
		afx_expect(tc, afx_errname(WEXITSTATUS(status)));
		return;
	}
	afx_expect_rc(tc, abs_bind(SOCK_STREAM, "x", &fd));
}

AFX_TC(duplicate, "abs.duplicate",
    "a second socket of the same type binds a name in use")
ATF_TC_BODY(duplicate, tc)
{
	int a, b;

	if (failed(tc, abs_bind(SOCK_STREAM, "u", &a)))
		return;
	afx_expect_rc(tc, abs_bind(SOCK_STREAM, "u", &b));
}

AFX_TC(stream_and_dgram, "abs.stream_and_dgram",
    "a datagram socket binds the abstract name a stream socket holds")
ATF_TC_BODY(stream_and_dgram, tc)
{
	int a, b;

	if (failed(tc, abs_bind(SOCK_STREAM, "s", &a)))
		return;
	afx_expect_rc(tc, abs_bind(SOCK_DGRAM, "s", &b));
}

AFX_TC(connect_wrong_type, "abs.connect_wrong_type",
    "a stream socket connects to an abstract name held only by a "
    "datagram socket")
ATF_TC_BODY(connect_wrong_type, tc)
{
	int a, fd;

	if (failed(tc, abs_bind(SOCK_DGRAM, "w", &a)))
		return;
	fd = afx_socket(SOCK_STREAM);
	afx_expect_rc(tc, abs_connect(fd, "w"));
}

AFX_TC(autobind_len, "abs.autobind_len",
    "bind with addrlen sizeof(sa_family_t): the length getsockname gives")
ATF_TC_BODY(autobind_len, tc)
{
	union afx_bigaddr a;
	int fd;

	fd = afx_socket(SOCK_STREAM);
	if (failed(tc, autobind(fd)))
		return;
	afx_expectf(tc, "%u", (unsigned)name_of(fd, &a));
}

AFX_TC(autobind_name, "abs.autobind_name",
    "the autobound name is a NUL and five lower-case hex digits")
ATF_TC_BODY(autobind_name, tc)
{
	union afx_bigaddr a;
	socklen_t len;
	int fd, i, hex = 1;

	fd = afx_socket(SOCK_DGRAM);
	if (failed(tc, autobind(fd)))
		return;
	len = name_of(fd, &a);
	if (len != PATH_OFF + 6 || a.sun.sun_path[0] != '\0') {
		afx_expect(tc, "other");
		return;
	}
	for (i = 1; i < 6; i++)
		if (!isxdigit((unsigned char)a.sun.sun_path[i]) ||
		    isupper((unsigned char)a.sun.sun_path[i]))
			hex = 0;
	afx_expect(tc, hex ? "hex5" : "other");
}

AFX_TC(autobind_reachable, "abs.autobind_reachable",
    "a datagram sent to the autobound name arrives")
ATF_TC_BODY(autobind_reachable, tc)
{
	union afx_bigaddr a;
	socklen_t len;
	char c;
	int r, s;

	r = afx_socket(SOCK_DGRAM);
	if (failed(tc, autobind(r)))
		return;
	len = name_of(r, &a);
	s = afx_socket(SOCK_DGRAM);
	if (failed(tc, (int)sendto(s, "x", 1, 0, (struct sockaddr *)&a, len)))
		return;
	afx_expect_rc(tc, (int)recv(r, &c, 1, MSG_DONTWAIT));
}

AFX_TC(autobind_twice, "abs.autobind_twice",
    "a second autobind request on an autobound socket")
ATF_TC_BODY(autobind_twice, tc)
{
	union afx_bigaddr a, b;
	socklen_t la, lb;
	int fd;

	fd = afx_socket(SOCK_STREAM);
	if (failed(tc, autobind(fd)))
		return;
	la = name_of(fd, &a);
	if (failed(tc, autobind(fd)))
		return;
	lb = name_of(fd, &b);
	afx_expect(tc, la == lb && memcmp(&a, &b, la) == 0 ? "same" : "new");
}

AFX_TC(bind_after_autobind, "abs.bind_after_autobind",
    "binding a name on a socket that was autobound")
ATF_TC_BODY(bind_after_autobind, tc)
{
	struct sockaddr_un sun;
	socklen_t len;
	int fd;

	fd = afx_socket(SOCK_STREAM);
	if (failed(tc, autobind(fd)))
		return;
	len = afx_abs_name(&sun, "a", NULL, 0, 0);
	afx_expect_rc(tc, bind(fd, (struct sockaddr *)&sun, len));
}

/* Connect an unbound stream socket to a pathname listener; its name. */
static void
implicit_connect(const atf_tc_t *tc, int passcred)
{
	union afx_bigaddr a;
	int lfd, fd;

	lfd = afx_listener("srv");
	fd = afx_socket(SOCK_STREAM);
	if (passcred) {
#ifdef SO_PASSCRED
		ATF_REQUIRE(setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &(int){1},
		    sizeof(int)) == 0);
#else
		afx_expect(tc, "unsupported");
		return;
#endif
	}
	ATF_REQUIRE(afx_try_connect(fd, "srv") == 0);
	afx_expect(tc, bound_word(&a, name_of(fd, &a)));
	(void)lfd;
}

AFX_TC(implicit_connect_passcred, "abs.implicit_connect_passcred",
    "an unbound stream socket with SO_PASSCRED connects: it gets a name")
ATF_TC_BODY(implicit_connect_passcred, tc)
{

	implicit_connect(tc, 1);
}

AFX_TC(implicit_connect_plain, "abs.implicit_connect_plain",
    "an unbound stream socket without SO_PASSCRED connects: no name")
ATF_TC_BODY(implicit_connect_plain, tc)
{

	implicit_connect(tc, 0);
}

AFX_TC(implicit_sendto_passcred, "abs.implicit_sendto_passcred",
    "an unbound datagram socket with SO_PASSCRED sends: the receiver sees "
    "a sender name")
ATF_TC_BODY(implicit_sendto_passcred, tc)
{
#ifdef SO_PASSCRED
	struct sockaddr_un sun;
	union afx_bigaddr from;
	socklen_t len, flen;
	char c;
	int r, s;

	r = afx_bound(SOCK_DGRAM, "rcv");
	s = afx_socket(SOCK_DGRAM);
	ATF_REQUIRE(setsockopt(s, SOL_SOCKET, SO_PASSCRED, &(int){1},
	    sizeof(int)) == 0);
	len = afx_sun(&sun, "rcv");
	ATF_REQUIRE(sendto(s, "x", 1, 0, (struct sockaddr *)&sun, len) == 1);
	flen = sizeof(from);
	memset(&from, 0, sizeof(from));
	ATF_REQUIRE(recvfrom(r, &c, 1, MSG_DONTWAIT, (struct sockaddr *)&from,
	    &flen) == 1);
	afx_expect(tc, bound_word(&from, flen));
#else
	afx_expect(tc, "unsupported");
#endif
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, bind);
	ATF_TP_ADD_TC(tp, no_node);
	ATF_TP_ADD_TC(tp, connect);
	ATF_TP_ADD_TC(tp, getsockname_exact);
	ATF_TP_ADD_TC(tp, trailing_nul_distinct);
	ATF_TP_ADD_TC(tp, disjoint_fs);
	ATF_TP_ADD_TC(tp, no_permission_check);
	ATF_TP_ADD_TC(tp, released_on_close);
	ATF_TP_ADD_TC(tp, released_on_exit);
	ATF_TP_ADD_TC(tp, duplicate);
	ATF_TP_ADD_TC(tp, stream_and_dgram);
	ATF_TP_ADD_TC(tp, connect_wrong_type);
	ATF_TP_ADD_TC(tp, autobind_len);
	ATF_TP_ADD_TC(tp, autobind_name);
	ATF_TP_ADD_TC(tp, autobind_reachable);
	ATF_TP_ADD_TC(tp, autobind_twice);
	ATF_TP_ADD_TC(tp, bind_after_autobind);
	ATF_TP_ADD_TC(tp, implicit_connect_passcred);
	ATF_TP_ADD_TC(tp, implicit_connect_plain);
	ATF_TP_ADD_TC(tp, implicit_sendto_passcred);
	return (atf_no_error());
}
