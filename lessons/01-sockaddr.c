/*
 * # 1. struct sockaddr_un: a name in 108 bytes
 *
 * A UNIX domain socket is named by a `struct sockaddr_un`: a family,
 * `AF_UNIX`, and a path in a fixed array, `sun_path`.  Everything about
 * the name is in that array and in the length passed next to it, so
 * getting both right is the first thing to learn.
 *
 * This lesson shows:
 *
 * - the **layout**: `sun_family`, `sun_path` (108 bytes on Linux, 104 on
 *   the BSDs and macOS) and, on the BSDs and macOS, `sun_len` in front;
 * - the **length** to pass to `bind` and `connect`:
 *   `offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1`, or
 *   `SUN_LEN()`, which leaves the NUL out; both name the same file;
 * - the **strncpy trap**: `strncpy(sun_path, path, sizeof(sun_path))`
 *   cuts a long path short without a word and leaves no NUL, and the
 *   kernel binds a *different* name;
 * - **refusing paths that do not fit**, as every program should.
 *
 * Run: `./01-sockaddr` (the lesson, checked), or `./01-sockaddr PATH` to
 * see the address and length a path would get, or why it cannot have one.
 *
 * Read next: 02-bind (what bind does with the name).
 *
 * Keys: addr.sun_path_size, addr.sun_path_offset, addr.sun_len_field,
 * addr.sun_len_macro, addr.full_path_no_nul,
 * addr.full_path_getsockname_len
 *
 * Portability: `sun_path` is 108 bytes on Linux (and illumos), 104 on the
 * BSDs and macOS, whose `sockaddr_un` starts with a one-byte `sun_len`
 * that the kernel overwrites with the addrlen you pass (FreeBSD and xnu
 * `getsockaddr()`).  `SUN_LEN` is a BSD macro: glibc shows it only with
 * `_DEFAULT_SOURCE`, and the BSDs need `<string.h>` before using it.  A
 * `sun_path` filled to the last byte with no NUL is taken whole by Linux,
 * FreeBSD, NetBSD and macOS, and refused with `EINVAL` by OpenBSD.
 */
#define _DEFAULT_SOURCE		/* SUN_LEN, a BSD macro, is the point here */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <err.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lesson.h"

#if defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__) || \
    defined(__DragonFly__) || defined(__APPLE__)
#define HAVE_SUN_LEN	1
#endif

/*
 * ## Filling the address
 *
 * This is the whole recipe (lesson.h's `sun_fill` is the same, but exits).
 * The path must fit *with* its NUL: a path of exactly `sizeof(sun_path)`
 * bytes is accepted by Linux without a terminator, but then every reader
 * that treats `sun_path` as a C string runs off its end (unix(7), BUGS),
 * and OpenBSD refuses it.  So the limit is `sizeof(sun_path) - 1` bytes.
 * The structure is zeroed first, so nothing stale follows the name.
 */
static int
sun_set(struct sockaddr_un *sun, socklen_t *lenp, const char *path)
{
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(sun->sun_path)) {
		errno = len == 0 ? ENOENT : ENAMETOOLONG;
		return (-1);
	}
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, path, len + 1);
	*lenp = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
#ifdef HAVE_SUN_LEN
	sun->sun_len = (unsigned char)*lenp;
#endif
	return (0);
}

#ifdef SUN_LEN
/*
 * glibc's `SUN_LEN` finds the offset of `sun_path` as
 * `((struct sockaddr_un *)0)->sun_path`: a member access through a null
 * pointer, undefined in C (UBSan reports it) though every compiler gives
 * the right number; `offsetof`, as above, is the clean way.  The macro is
 * shown as the system defines it, in a function UBSan leaves alone.
 */
#if defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 8)
__attribute__((__no_sanitize__("undefined")))
#endif
static size_t
sun_len_macro(const struct sockaddr_un *sun)
{

	return ((size_t)SUN_LEN(sun));
}
#endif

/* `./01-sockaddr PATH`: the address a path gets, or why it gets none. */
static int
explain(const char *path)
{
	struct sockaddr_un sun;
	socklen_t len;

	if (sun_set(&sun, &len, path) == -1) {
		if (errno == ENOENT)
			errx(2, "an empty path names nothing");
		errx(2, "\"%s\" is %zu bytes: sun_path holds at most %zu plus "
		    "the NUL; bind the name from its directory (chdir, then a "
		    "relative name) instead", path, strlen(path),
		    sizeof(sun.sun_path) - 1);
	}
	say("\"%s\": %zu bytes, fits (at most %zu); addrlen = %zu + %zu + 1 "
	    "= %u", path, strlen(path), sizeof(sun.sun_path) - 1,
	    offsetof(struct sockaddr_un, sun_path), strlen(path), len);
	return (0);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_un sun, back;
	struct sockaddr_storage ss;	/* room for more than sockaddr_un */
	struct sockaddr_un *p;
	socklen_t len, blen;
	char name[128], cut[sizeof(sun.sun_path) + 1];
	const size_t max = sizeof(sun.sun_path);
	int fd, fd2, rc;

	if (argc > 2) {
		fprintf(stderr, "usage: 01-sockaddr [path]\n");
		return (2);
	}
	if (argc == 2)
		return (explain(argv[1]));

	/*
	 * ## The layout
	 *
	 * `sun_path` is the last member, so the structure ends where the
	 * array ends, and the name's length is told by the addrlen argument,
	 * not by the structure.
	 */
	say("sizeof(struct sockaddr_un) = %zu; sun_family: %zu bytes at 0; "
	    "sun_path: %zu bytes at offset %zu", sizeof(sun),
	    sizeof(sun.sun_family), max, offsetof(struct sockaddr_un,
	    sun_path));
#ifdef HAVE_SUN_LEN
	say("sun_len: %zu byte at offset %zu (BSD)", sizeof(sun.sun_len),
	    offsetof(struct sockaddr_un, sun_len));
#else
	say("no sun_len member on this system");
#endif
	check(offsetof(struct sockaddr_un, sun_path) + max == sizeof(sun),
	    "sun_path is the last member: nothing follows it");
#if defined(__linux__)
	check(max == 108, "sun_path holds 108 bytes on Linux");
#elif defined(HAVE_SUN_LEN)
	check(max == 104, "sun_path holds 104 bytes on the BSDs and macOS");
#endif

	/*
	 * ## The length
	 *
	 * `offsetof` counts whatever precedes `sun_path` (2 bytes here:
	 * `sun_family`, or `sun_len` + `sun_family` on the BSDs).  The
	 * formula `strlen + sizeof(sun_family)`, found in tutorials, gives
	 * the same number on Linux by luck; on the BSDs `sun_family` is one
	 * byte, the result is one short, and the kernel sees the path
	 * without its last character.
	 */
	workdir_enter();
	if (sun_set(&sun, &len, "demo.sock") == -1)
		err(1, "sun_set");
	say("path \"demo.sock\": addrlen = offsetof %zu + strlen %zu + 1 = %u",
	    offsetof(struct sockaddr_un, sun_path), strlen(sun.sun_path), len);
#ifdef SUN_LEN
	say("SUN_LEN(&sun) = %zu (the same, without the NUL)",
	    sun_len_macro(&sun));
#endif
	say("strlen + sizeof(sun_family) = %zu (right here only by luck)",
	    strlen(sun.sun_path) + sizeof(sun.sun_family));
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	rc = (int)said("bind(fd, \"demo.sock\", addrlen)",
	    bind(fd, (struct sockaddr *)&sun, len));
	check(rc == 0, "bind took the name");

	/*
	 * The kernel gives the name back with `getsockname`; on Linux the
	 * returned length counts the NUL.  Read the path by that length,
	 * never by trusting a terminator (see the next section).
	 */
	blen = sizeof(back);
	said("getsockname(fd)",
	    getsockname(fd, (struct sockaddr *)&back, &blen));
	say("  returned length %u, sun_path \"%.*s\"", blen,
	    (int)strnlen(back.sun_path, blen - offsetof(struct sockaddr_un,
	    sun_path)), back.sun_path);
	check(strncmp(back.sun_path, "demo.sock", sizeof(back.sun_path)) == 0,
	    "the same name back");

	/* The NUL in addrlen is optional: SUN_LEN's length reaches it too. */
	if (listen(fd, 1) == -1 || (fd2 = socket(AF_UNIX, SOCK_STREAM, 0)) ==
	    -1)
		err(1, "listen, socket");
	rc = (int)said("connect(fd2, \"demo.sock\", addrlen - 1)",
	    connect(fd2, (struct sockaddr *)&sun, len - 1));
	check(rc == 0, "with or without the NUL, the same socket");
	close(fd2);
	close(fd);

	/*
	 * ## The strncpy trap
	 *
	 * A 120-byte name is copied with the "safe" `strncpy`.  It stops at
	 * `sizeof(sun_path)` bytes and, the source being longer, writes no
	 * NUL.  gcc even warns about this (`-Wstringop-truncation`); the
	 * warning is silenced here to show what happens at run time.  The
	 * address is built inside a zeroed `sockaddr_storage`, so that a
	 * reader who looks for the NUL finds one after the structure
	 * (valgrind, checking the bind call, is such a reader); the kernel
	 * reads only addrlen bytes.
	 */
	memset(name, 'a', 115);
	memcpy(name + 115, ".sock", sizeof(".sock"));
	memset(&ss, 0, sizeof(ss));
	p = (struct sockaddr_un *)(void *)&ss;
	p->sun_family = AF_UNIX;
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-truncation"
#endif
	strncpy(p->sun_path, name, sizeof(p->sun_path));
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
	say("name of %zu bytes; after strncpy, strnlen(sun_path, %zu) = %zu: "
	    "no NUL", strlen(name), max, strnlen(p->sun_path, max));
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	rc = (int)said("bind(fd, the strncpy'd address, "
	    "sizeof(struct sockaddr_un))", bind(fd, (struct sockaddr *)p,
	    sizeof(*p)));
	memcpy(cut, name, max);
	cut[max] = '\0';
#ifdef __OpenBSD__
	check(rc == -1 && errno == EINVAL, "OpenBSD refuses a sun_path with "
	    "no NUL");
#else
	check(rc == 0 && S_ISSOCK(say_node(cut)) && say_node(name) == 0,
	    "the socket is named by the first %zu bytes; the name asked for "
	    "does not exist", max);
#endif
	/*
	 * Asked for its name, Linux returns the full 108 bytes plus the
	 * NUL it appended itself: a length larger than the structure.
	 */
	blen = sizeof(ss);
	if (rc == 0 && getsockname(fd, (struct sockaddr *)&ss, &blen) == 0)
		say("  getsockname -> length %u; sizeof(struct sockaddr_un) is "
		    "%zu", blen, sizeof(back));
#ifdef __linux__
	check(blen == sizeof(back) + 1, "Linux reports %zu bytes for a full "
	    "sun_path", sizeof(back) + 1);
#endif
	close(fd);

	/*
	 * ## Refusing what does not fit
	 *
	 * The fix is not a cleverer copy but a length check before it.
	 * The longest name that fits is `sizeof(sun_path) - 1` bytes.
	 */
	rc = sun_set(&sun, &len, name);
	said("sun_set(120-byte name)", rc);
	check(rc == -1 && errno == ENAMETOOLONG, "refused: ENAMETOOLONG");
	memset(name, 'b', max);
	name[max - 1] = '\0';
	check(sun_set(&sun, &len, name) == 0, "%zu bytes fit", max - 1);
	name[max - 1] = 'b';
	name[max] = '\0';
	check(sun_set(&sun, &len, name) == -1, "%zu bytes are refused", max);
	lesson_exit();
}
