/*
 * Addressing (catalogue group ADDR): struct sockaddr_un, the length of
 * sun_path, sun_len, SUN_LEN, the address lengths bind, connect and
 * sendto accept, and the addresses getsockname, getpeername and accept
 * hand back.  Every check is keyed in platforms/.
 */
#define _DEFAULT_SOURCE		/* SUN_LEN is a BSD macro in glibc */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "afx.h"

#define PATH_OFF	offsetof(struct sockaddr_un, sun_path)

static socklen_t
bound_name_len(int fd, union afx_bigaddr *a)
{
	socklen_t len = sizeof(*a);

	memset(a, 0, sizeof(*a));
	ATF_REQUIRE_MSG(getsockname(fd, (struct sockaddr *)a, &len) == 0,
	    "getsockname: %s", strerror(errno));
	return (len);
}

/* Bind "sock" with the given address length; return getsockname's. */
static socklen_t
getsockname_len_after_bind(socklen_t addrlen)
{
	struct sockaddr_un sun;
	union afx_bigaddr a;
	int fd;

	fd = afx_socket(SOCK_STREAM);
	afx_sun(&sun, "sock");
	ATF_REQUIRE_MSG(bind(fd, (struct sockaddr *)&sun, addrlen) == 0,
	    "bind(sock, %u): %s", (unsigned)addrlen, strerror(errno));
	addrlen = bound_name_len(fd, &a);
	ATF_REQUIRE(close(fd) == 0);
	return (addrlen);
}

AFX_TC(sun_path_size, "addr.sun_path_size",
    "sun_path holds 108 bytes on Linux, 104 on the BSDs and macOS")
ATF_TC_BODY(sun_path_size, tc)
{
	struct sockaddr_un sun;

	afx_expectf(tc, "%zu", sizeof(sun.sun_path));
}

AFX_TC(sun_path_offset, "addr.sun_path_offset",
    "sun_path starts right after the two bytes of family (or len+family)")
ATF_TC_BODY(sun_path_offset, tc)
{

	afx_expectf(tc, "%zu", PATH_OFF);
}

AFX_TC(sun_len_field, "addr.sun_len_field",
    "struct sockaddr_un has a sun_len byte before sun_family on the BSDs")
ATF_TC_BODY(sun_len_field, tc)
{

	/* Where sun_len exists it comes first and pushes sun_family on. */
	afx_expect(tc, offsetof(struct sockaddr_un, sun_family) != 0 ?
	    "yes" : "no");
}

#ifdef SUN_LEN
/*
 * glibc's SUN_LEN takes the offset of sun_path as
 * ((struct sockaddr_un *)0)->sun_path: a member access through a null
 * pointer, undefined in C though every compiler gives the offset, and
 * reported by clang's UBSan.  The macro is what is checked here, so it is
 * called as the system defines it, in a function UBSan leaves alone.
 */
#if defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 8)
__attribute__((__no_sanitize__("undefined")))
#endif
static size_t
system_sun_len(const struct sockaddr_un *sun)
{

	return ((size_t)SUN_LEN(sun));
}
#endif

AFX_TC(sun_len_macro, "addr.sun_len_macro",
    "SUN_LEN counts the family and the path but not the NUL")
ATF_TC_BODY(sun_len_macro, tc)
{
#ifdef SUN_LEN
	struct sockaddr_un sun;

	afx_sun(&sun, "xxx");
	afx_expectf(tc, "%zu", system_sun_len(&sun));
#else
	afx_expect(tc, "undefined");
#endif
}

AFX_TC(addrlen_too_large_bind, "addr.addrlen_too_large_bind",
    "bind with an addrlen one byte over sizeof(struct sockaddr_un)")
ATF_TC_BODY(addrlen_too_large_bind, tc)
{
	union afx_bigaddr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.sun.sun_family = AF_UNIX;
	a.sun.sun_path[0] = 's';
	fd = afx_socket(SOCK_STREAM);
	afx_expect_rc(tc, bind(fd, (struct sockaddr *)&a,
	    sizeof(struct sockaddr_un) + 1));
}

AFX_TC(addrlen_too_large_connect, "addr.addrlen_too_large_connect",
    "connect with an addrlen one byte over sizeof(struct sockaddr_un)")
ATF_TC_BODY(addrlen_too_large_connect, tc)
{
	union afx_bigaddr a;
	int fd;

	(void)afx_listener("s");
	memset(&a, 0, sizeof(a));
	a.sun.sun_family = AF_UNIX;
	a.sun.sun_path[0] = 's';
	fd = afx_socket(SOCK_STREAM);
	afx_expect_rc(tc, connect(fd, (struct sockaddr *)&a,
	    sizeof(struct sockaddr_un) + 1));
}

AFX_TC(addrlen_too_large_sendto, "addr.addrlen_too_large_sendto",
    "sendto on a datagram socket with an addrlen one byte too large")
ATF_TC_BODY(addrlen_too_large_sendto, tc)
{
	union afx_bigaddr a;
	int fd;

	(void)afx_bound(SOCK_DGRAM, "s");
	memset(&a, 0, sizeof(a));
	a.sun.sun_family = AF_UNIX;
	a.sun.sun_path[0] = 's';
	fd = afx_socket(SOCK_DGRAM);
	afx_expect_rc(tc, (int)sendto(fd, "x", 1, 0, (struct sockaddr *)&a,
	    sizeof(struct sockaddr_un) + 1));
}

AFX_TC(addrlen_over_255, "addr.addrlen_over_255",
    "bind with an addrlen of 256, more than any socket address")
ATF_TC_BODY(addrlen_over_255, tc)
{
	union afx_bigaddr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.sun.sun_family = AF_UNIX;
	a.sun.sun_path[0] = 's';
	fd = afx_socket(SOCK_STREAM);
	afx_expect_rc(tc, bind(fd, (struct sockaddr *)&a, 256));
}

AFX_TC(addrlen_one, "addr.addrlen_one",
    "bind with an addrlen of 1, shorter than the family")
ATF_TC_BODY(addrlen_one, tc)
{
	struct sockaddr_un sun;
	int fd;

	afx_sun(&sun, "s");
	fd = afx_socket(SOCK_STREAM);
	afx_expect_rc(tc, bind(fd, (struct sockaddr *)&sun, 1));
}

AFX_TC(addrlen_zero, "addr.addrlen_zero",
    "bind with a NULL address and an addrlen of 0")
ATF_TC_BODY(addrlen_zero, tc)
{
	int fd;

	fd = afx_socket(SOCK_STREAM);
	/* The NULL address is the point. */
	/* cppcheck-suppress nullPointer */
	afx_expect_rc(tc, bind(fd, NULL, 0));
}

AFX_TC(connect_family_only, "addr.connect_family_only",
    "connect with an address that holds the family and no path")
ATF_TC_BODY(connect_family_only, tc)
{
	struct sockaddr_un sun;
	int fd;

	afx_sun(&sun, "");
	fd = afx_socket(SOCK_STREAM);
	afx_expect_rc(tc, connect(fd, (struct sockaddr *)&sun, PATH_OFF));
}

AFX_TC(wrong_family, "addr.wrong_family",
    "bind of an AF_UNIX socket to an address whose family is AF_INET")
ATF_TC_BODY(wrong_family, tc)
{
	struct sockaddr_un sun;
	socklen_t len;
	int fd;

	len = afx_sun(&sun, "s");
	sun.sun_family = AF_INET;
	fd = afx_socket(SOCK_STREAM);
	afx_expect_rc(tc, bind(fd, (struct sockaddr *)&sun, len));
}

AFX_TC(family_unspec, "addr.family_unspec",
    "bind of an AF_UNIX socket to an address whose family is AF_UNSPEC")
ATF_TC_BODY(family_unspec, tc)
{
	struct sockaddr_un sun;
	socklen_t len;
	int fd;

	len = afx_sun(&sun, "s");
	sun.sun_family = AF_UNSPEC;
	fd = afx_socket(SOCK_STREAM);
	afx_expect_rc(tc, bind(fd, (struct sockaddr *)&sun, len));
}

AFX_TC(empty_path, "addr.empty_path",
    "bind to an empty path: addrlen covers the family and one NUL")
ATF_TC_BODY(empty_path, tc)
{
	struct sockaddr_un sun;
	int fd, i, rc;

	afx_sun(&sun, "");
	fd = afx_socket(SOCK_STREAM);
	/*
	 * On Linux a leading NUL means the abstract namespace, and this name
	 * (one NUL byte) is shared by the whole network namespace: another
	 * suite running at the same time may hold it for a moment.
	 */
	for (i = 0; i < 10000; i++)
		if ((rc = bind(fd, (struct sockaddr *)&sun, PATH_OFF + 1)) == 0 ||
		    errno != EADDRINUSE)
			break;
	afx_expect_rc(tc, rc);
}

/* Bind a path that fills sun_path with no room for a NUL. */
static int
bind_full_path(int fd)
{
	struct sockaddr_un sun;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memset(sun.sun_path, 'f', sizeof(sun.sun_path));
	return (bind(fd, (struct sockaddr *)&sun, sizeof(sun)));
}

AFX_TC(full_path_no_nul, "addr.full_path_no_nul",
    "bind to a path that fills sun_path with no terminating NUL")
ATF_TC_BODY(full_path_no_nul, tc)
{
	struct stat st;
	char name[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];
	int fd, rc;

	fd = afx_socket(SOCK_STREAM);
	rc = bind_full_path(fd);
	afx_expect_rc(tc, rc);
	if (rc == 0) {
		/* The whole of sun_path is the name: nothing was cut. */
		memset(name, 'f', sizeof(name) - 1);
		name[sizeof(name) - 1] = '\0';
		ATF_REQUIRE_MSG(lstat(name, &st) == 0 && S_ISSOCK(st.st_mode),
		    "no socket named by all %zu bytes", sizeof(name) - 1);
	}
}

AFX_TC(full_path_getsockname_len, "addr.full_path_getsockname_len",
    "getsockname length after binding a path that fills sun_path")
ATF_TC_BODY(full_path_getsockname_len, tc)
{
	union afx_bigaddr a;
	int fd;

	fd = afx_socket(SOCK_STREAM);
	if (bind_full_path(fd) == -1) {
		afx_expect(tc, afx_errname(errno));
		return;
	}
	afx_expectf(tc, "%u", (unsigned)bound_name_len(fd, &a));
}

AFX_TC(getsockname_len_exact, "addr.getsockname_len_exact",
    "getsockname length after bind with addrlen counting the NUL")
ATF_TC_BODY(getsockname_len_exact, tc)
{

	afx_expectf(tc, "%u", (unsigned)getsockname_len_after_bind(
	    (socklen_t)(PATH_OFF + strlen("sock") + 1)));
}

AFX_TC(getsockname_len_sun_len, "addr.getsockname_len_sun_len",
    "getsockname length after bind with addrlen not counting the NUL")
ATF_TC_BODY(getsockname_len_sun_len, tc)
{

	afx_expectf(tc, "%u", (unsigned)getsockname_len_after_bind(
	    (socklen_t)(PATH_OFF + strlen("sock"))));
}

AFX_TC(getsockname_len_sizeof, "addr.getsockname_len_sizeof",
    "getsockname length after bind with addrlen sizeof(sockaddr_un)")
ATF_TC_BODY(getsockname_len_sizeof, tc)
{

	afx_expectf(tc, "%u", (unsigned)getsockname_len_after_bind(
	    sizeof(struct sockaddr_un)));
}

AFX_TC(getsockname_unbound_len, "addr.getsockname_unbound_len",
    "getsockname on an unbound socket: the length returned")
ATF_TC_BODY(getsockname_unbound_len, tc)
{
	union afx_bigaddr a;

	afx_expectf(tc, "%u", (unsigned)bound_name_len(
	    afx_socket(SOCK_STREAM), &a));
}

AFX_TC(getsockname_unbound_family, "addr.getsockname_unbound_family",
    "getsockname on an unbound socket reports the family AF_UNIX")
ATF_TC_BODY(getsockname_unbound_family, tc)
{
	union afx_bigaddr a;

	(void)bound_name_len(afx_socket(SOCK_STREAM), &a);
	afx_expect(tc, a.sun.sun_family == AF_UNIX ? "AF_UNIX" : "other");
}

AFX_TC(getsockname_short_buffer, "addr.getsockname_short_buffer",
    "getsockname into a 4-byte buffer: the length written back")
ATF_TC_BODY(getsockname_short_buffer, tc)
{
	union afx_bigaddr a;
	socklen_t len = 4;
	int fd;

	fd = afx_bound(SOCK_STREAM, "sock");
	memset(&a, 0x55, sizeof(a));
	ATF_REQUIRE(getsockname(fd, (struct sockaddr *)&a, &len) == 0);
	/* Whatever the length says, nothing past the buffer was written. */
	ATF_REQUIRE_EQ(a.bytes[4], 0x55);
	afx_expectf(tc, "%u", (unsigned)len);
}

AFX_TC(getpeername_unconnected, "addr.getpeername_unconnected",
    "getpeername on a socket that is not connected")
ATF_TC_BODY(getpeername_unconnected, tc)
{
	union afx_bigaddr a;
	socklen_t len = sizeof(a);

	afx_expect_rc(tc, getpeername(afx_socket(SOCK_STREAM),
	    (struct sockaddr *)&a, &len));
}

AFX_TC(getpeername_listener, "addr.getpeername_listener",
    "getpeername on a listening socket")
ATF_TC_BODY(getpeername_listener, tc)
{
	union afx_bigaddr a;
	socklen_t len = sizeof(a);

	afx_expect_rc(tc, getpeername(afx_listener("srv"),
	    (struct sockaddr *)&a, &len));
}

/* Whether the address in a names exactly the path "srv". */
static const char *
names_srv(const union afx_bigaddr *a, socklen_t len)
{

	if (len < PATH_OFF + 3 || a->sun.sun_family != AF_UNIX)
		return ("other");
	return (strncmp(a->sun.sun_path, "srv", len - PATH_OFF) == 0 &&
	    strlen(a->sun.sun_path) == 3 ? "ok" : "other");
}

AFX_TC(getpeername_client, "addr.getpeername_client",
    "the client's getpeername returns the listener's bound path")
ATF_TC_BODY(getpeername_client, tc)
{
	union afx_bigaddr a;
	socklen_t len = sizeof(a);
	int lfd, cfd, afd;

	afx_stream_pair(&lfd, &cfd, &afd);
	memset(&a, 0, sizeof(a));
	ATF_REQUIRE(getpeername(cfd, (struct sockaddr *)&a, &len) == 0);
	afx_expect(tc, names_srv(&a, len));
}

AFX_TC(getsockname_accepted, "addr.getsockname_accepted",
    "getsockname on an accepted socket returns the listener's path")
ATF_TC_BODY(getsockname_accepted, tc)
{
	union afx_bigaddr a;
	socklen_t len;
	int lfd, cfd, afd;

	afx_stream_pair(&lfd, &cfd, &afd);
	len = bound_name_len(afd, &a);
	afx_expect(tc, names_srv(&a, len));
}

AFX_TC(accept_unbound_peer_len, "addr.accept_unbound_peer_len",
    "the address length accept returns for an unbound client")
ATF_TC_BODY(accept_unbound_peer_len, tc)
{
	union afx_bigaddr a;
	socklen_t len = sizeof(a);
	int lfd, afd;

	lfd = afx_listener("srv");
	(void)afx_connected(SOCK_STREAM, "srv");
	afd = accept(lfd, (struct sockaddr *)&a, &len);
	ATF_REQUIRE_MSG(afd != -1, "accept: %s", strerror(errno));
	afx_expectf(tc, "%u", (unsigned)len);
}

AFX_TC(getpeername_accepted_unbound_len,
    "addr.getpeername_accepted_unbound_len",
    "getpeername on an accepted socket whose client is unbound: length")
ATF_TC_BODY(getpeername_accepted_unbound_len, tc)
{
	union afx_bigaddr a;
	socklen_t len = sizeof(a);
	int lfd, cfd, afd;

	afx_stream_pair(&lfd, &cfd, &afd);
	ATF_REQUIRE(getpeername(afd, (struct sockaddr *)&a, &len) == 0);
	afx_expectf(tc, "%u", (unsigned)len);
}

AFX_TC(getpeername_after_peer_close, "addr.getpeername_after_peer_close",
    "the client's getpeername after the accepted end has closed")
ATF_TC_BODY(getpeername_after_peer_close, tc)
{
	union afx_bigaddr a;
	socklen_t len = sizeof(a);
	char c;
	int lfd, cfd, afd;

	afx_stream_pair(&lfd, &cfd, &afd);
	ATF_REQUIRE(close(afd) == 0);
	/* EOF proves the close has reached the client before we ask. */
	ATF_REQUIRE_EQ(read(cfd, &c, 1), 0);
	afx_expect_rc(tc, getpeername(cfd, (struct sockaddr *)&a, &len));
}

AFX_TC(getsockname_after_unlink, "addr.getsockname_after_unlink",
    "getsockname still returns the bound path after it was unlinked")
ATF_TC_BODY(getsockname_after_unlink, tc)
{
	union afx_bigaddr a;
	socklen_t len;
	int fd;

	fd = afx_bound(SOCK_STREAM, "srv");
	ATF_REQUIRE(unlink("srv") == 0);
	len = bound_name_len(fd, &a);
	afx_expect(tc, names_srv(&a, len));
}

AFX_TC(relative_path_returned, "addr.relative_path_returned",
    "getsockname returns a relative path as it was bound")
ATF_TC_BODY(relative_path_returned, tc)
{
	union afx_bigaddr a;
	socklen_t len;

	len = bound_name_len(afx_bound(SOCK_STREAM, "srv"), &a);
	ATF_REQUIRE(len > PATH_OFF);
	afx_expect(tc, a.sun.sun_path[0] == '/' ? "absolute" :
	    strcmp(a.sun.sun_path, "srv") == 0 ? "same" : "other");
}

AFX_TC(bytes_after_nul_ignored, "addr.bytes_after_nul_ignored",
    "bytes after the NUL of a pathname are not part of the name")
ATF_TC_BODY(bytes_after_nul_ignored, tc)
{
	struct sockaddr_un sun;
	int fd, rc;

	afx_sun(&sun, "sock");
	memcpy(sun.sun_path + 5, "garbage", 7);
	fd = afx_socket(SOCK_STREAM);
	rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	if (rc == 0 && !afx_exists("sock"))
		atf_tc_fail("bind succeeded but made no node named \"sock\"");
	afx_expect_rc(tc, rc);
}

AFX_TC(with_or_without_nul, "addr.with_or_without_nul",
    "an addrlen with or without the NUL names the same socket")
ATF_TC_BODY(with_or_without_nul, tc)
{
	struct sockaddr_un sun;
	int lfd, fd;

	afx_sun(&sun, "srv");
	lfd = afx_socket(SOCK_STREAM);
	ATF_REQUIRE(bind(lfd, (struct sockaddr *)&sun, PATH_OFF + 3) == 0);
	ATF_REQUIRE(listen(lfd, 1) == 0);
	fd = afx_socket(SOCK_STREAM);
	afx_expect_rc(tc, connect(fd, (struct sockaddr *)&sun, PATH_OFF + 4));
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, sun_path_size);
	ATF_TP_ADD_TC(tp, sun_path_offset);
	ATF_TP_ADD_TC(tp, sun_len_field);
	ATF_TP_ADD_TC(tp, sun_len_macro);
	ATF_TP_ADD_TC(tp, addrlen_too_large_bind);
	ATF_TP_ADD_TC(tp, addrlen_too_large_connect);
	ATF_TP_ADD_TC(tp, addrlen_too_large_sendto);
	ATF_TP_ADD_TC(tp, addrlen_over_255);
	ATF_TP_ADD_TC(tp, addrlen_one);
	ATF_TP_ADD_TC(tp, addrlen_zero);
	ATF_TP_ADD_TC(tp, connect_family_only);
	ATF_TP_ADD_TC(tp, wrong_family);
	ATF_TP_ADD_TC(tp, family_unspec);
	ATF_TP_ADD_TC(tp, empty_path);
	ATF_TP_ADD_TC(tp, full_path_no_nul);
	ATF_TP_ADD_TC(tp, full_path_getsockname_len);
	ATF_TP_ADD_TC(tp, getsockname_len_exact);
	ATF_TP_ADD_TC(tp, getsockname_len_sun_len);
	ATF_TP_ADD_TC(tp, getsockname_len_sizeof);
	ATF_TP_ADD_TC(tp, getsockname_unbound_len);
	ATF_TP_ADD_TC(tp, getsockname_unbound_family);
	ATF_TP_ADD_TC(tp, getsockname_short_buffer);
	ATF_TP_ADD_TC(tp, getpeername_unconnected);
	ATF_TP_ADD_TC(tp, getpeername_listener);
	ATF_TP_ADD_TC(tp, getpeername_client);
	ATF_TP_ADD_TC(tp, getsockname_accepted);
	ATF_TP_ADD_TC(tp, accept_unbound_peer_len);
	ATF_TP_ADD_TC(tp, getpeername_accepted_unbound_len);
	ATF_TP_ADD_TC(tp, getpeername_after_peer_close);
	ATF_TP_ADD_TC(tp, getsockname_after_unlink);
	ATF_TP_ADD_TC(tp, relative_path_returned);
	ATF_TP_ADD_TC(tp, bytes_after_nul_ignored);
	ATF_TP_ADD_TC(tp, with_or_without_nul);
	return (atf_no_error());
}
