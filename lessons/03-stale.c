/*
 * # 3. EADDRINUSE and stale sockets: starting a server safely
 *
 * `bind` refuses a name that exists, whatever is there: a live server's
 * socket, a socket file that outlived its server (a *stale* one), or a
 * plain file.  The error is always `EADDRINUSE` (not `EINVAL`, as one
 * well-known guide says).  The usual "fix", `unlink(path)` right before
 * `bind`, works on stale files and silently steals the name of a server
 * that is still running.
 *
 * This lesson shows:
 *
 * - `EADDRINUSE` over a **live socket**, a **stale socket file** and a
 *   **regular file**, and what a `connect` finds at each: success,
 *   `ECONNREFUSED`, and `ECONNREFUSED` again on Linux (`ENOTSOCK` on the
 *   BSDs) for the regular file;
 * - the **safe start-up**: connect first; if a server answers, it is alive
 *   and the name is not ours; if `ECONNREFUSED` *and* the name is a
 *   socket, it is stale: unlink it and bind;
 * - the **hijack**: a blind `unlink` + `bind` over a live server succeeds,
 *   and from then on every new client reaches the newcomer while the old
 *   server sits alive, listening, unreachable.
 *
 * Run: `./03-stale` (the lesson, checked).  Experiments:
 * `./03-stale server PATH` starts a server the safe way (start a second
 * one on the same PATH and watch it refuse; stop the first with ^C, which
 * leaves a stale file, and start again); `./03-stale client PATH` says
 * what a connect to PATH finds.
 *
 * Read next: 04-unlink (the name and the socket are two things).
 *
 * Keys: bind.existing_live, bind.existing_stale,
 * bind.existing_regular_file, conn.stale, conn.regular_file
 *
 * Portability: bind gives `EADDRINUSE` for any existing file on every
 * system.  A connect to a non-socket file is `ECONNREFUSED` on Linux but
 * `ENOTSOCK` on the BSDs, macOS and illumos, so the safe start-up checks
 * the file type itself.  On the BSDs and macOS a live server with a *full
 * backlog* also answers `ECONNREFUSED` (Linux makes the connect wait, or
 * says `EAGAIN` when non-blocking), so there the probe can mistake a busy
 * server for a dead one: see "What the probe cannot do" below.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lesson.h"

/*
 * ## Asking before taking the name
 *
 * The probe is a connect on a non-blocking socket: on Linux a live server
 * whose backlog is full makes a blocking connect wait, and a probe must
 * not hang; non-blocking, that case answers `EAGAIN`, which also means
 * "alive".
 */
static int
probe(const char *path)
{
	struct sockaddr_un sun;
	socklen_t len = sun_fill(&sun, path);
	char call[160];
	int fd, rc, e;

	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    fcntl(fd, F_SETFL, O_NONBLOCK) == -1)
		err(1, "socket");
	snprintf(call, sizeof(call), "probe: connect(\"%s\")", path);
	rc = (int)said(call, connect(fd, (struct sockaddr *)&sun, len));
	e = errno;
	close(fd);
	errno = e;
	return (rc);
}

/* socket, bind, listen: the listening socket, or -1 with bind's errno. */
static int
listen_on(const char *path)
{
	struct sockaddr_un sun;
	socklen_t len = sun_fill(&sun, path);
	char call[160];
	int fd, e;

	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	snprintf(call, sizeof(call), "bind(fd %d, \"%s\")", fd, path);
	if (said(call, bind(fd, (struct sockaddr *)&sun, len)) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return (-1);
	}
	if (listen(fd, 8) == -1)
		err(1, "listen");
	return (fd);
}

/*
 * ## The safe start-up
 *
 * Returns a listening socket, or -1 with `EADDRINUSE` (a server is alive
 * there), `ENOTSOCK` (something that is not a socket is in the way: never
 * ours to delete) or another errno from the probe or bind.
 */
static int
start_server(const char *path)
{
	struct stat st;

	if (probe(path) == 0 || errno == EAGAIN) {
		say("  a server answered: it is alive; the name is not ours");
		errno = EADDRINUSE;
		return (-1);
	}
	if (errno == ECONNREFUSED) {
		if (lstat(path, &st) == -1 || !S_ISSOCK(st.st_mode)) {
			say("  \"%s\" is not a socket: leave it alone", path);
			errno = ENOTSOCK;
			return (-1);
		}
		say("  nobody answered and it is a socket: it is stale");
		said("unlink(path)", unlink(path));
	} else if (errno != ENOENT)
		return (-1);
	return (listen_on(path));
}

/*
 * `./03-stale server PATH`: serve until killed.  This server does not
 * clean up (lesson 4 does): ^C leaves a stale file, and the next start
 * replaces it.
 */
static int
serve(const char *path)
{
	int fd, c;

	if ((fd = start_server(path)) == -1)
		err(1, "not starting on %s", path);
	say("listening on %s as pid %ld; ^C stops", path, (long)getpid());
	while ((c = accept(fd, NULL, NULL)) != -1) {
		say("accepted a connection (a client, or a probe); closed it");
		close(c);
	}
	err(1, "accept");
}

int
main(int argc, char *argv[])
{
	struct sockaddr_un sun;
	struct pollfd pfd[2];
	socklen_t len;
	int a, b, c, fd, rc;

	if (argc == 3 && strcmp(argv[1], "server") == 0)
		return (serve(argv[2]));
	if (argc == 3 && strcmp(argv[1], "client") == 0) {
		if (probe(argv[2]) == -1)
			err(1, "connect %s", argv[2]);
		return (0);
	}
	if (argc != 1) {
		fprintf(stderr, "usage: 03-stale [server PATH | client PATH]\n");
		return (2);
	}
	workdir_enter();

	/* ## Three things bind will not replace */
	say("a live server on \"sock\":");
	if ((a = listen_on("sock")) == -1)
		err(1, "listen_on sock");
	if ((b = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	len = sun_fill(&sun, "sock");
	rc = (int)said("bind(another socket, \"sock\")",
	    bind(b, (struct sockaddr *)&sun, len));
	check(rc == -1 && errno == EADDRINUSE, "live: EADDRINUSE");
	said("close(the server's socket)", close(a));
	say_node("sock");
	rc = (int)said("bind(another socket, \"sock\")",
	    bind(b, (struct sockaddr *)&sun, len));
	check(rc == -1 && errno == EADDRINUSE, "stale: EADDRINUSE");
	rc = probe("sock");
	check(rc == -1 && errno == ECONNREFUSED, "stale: nobody answers, "
	    "ECONNREFUSED");

	if ((fd = open("notes.txt", O_WRONLY | O_CREAT | O_EXCL, 0644)) ==
	    -1 || write(fd, "precious\n", 9) != 9)
		err(1, "notes.txt");
	close(fd);
	rc = (int)said("bind(another socket, \"notes.txt\")",
	    bind(b, (struct sockaddr *)&sun, sun_fill(&sun, "notes.txt")));
	check(rc == -1 && errno == EADDRINUSE, "regular file: EADDRINUSE");
	close(b);
	rc = probe("notes.txt");
#ifdef __linux__
	check(rc == -1 && errno == ECONNREFUSED, "regular file: ECONNREFUSED "
	    "on Linux, so the errno alone does not mean \"stale socket\"");
#else
	check(rc == -1 && errno == ENOTSOCK, "regular file: ENOTSOCK");
#endif

	/* ## The safe start-up at work */
	say("safe start-up over the stale \"sock\":");
	a = start_server("sock");
	check(a != -1, "stale name replaced; serving");
	say("safe start-up while that server is alive:");
	rc = start_server("sock");
	check(rc == -1 && errno == EADDRINUSE, "refused: EADDRINUSE");
	if (fcntl(a, F_SETFL, O_NONBLOCK) == -1)
		err(1, "fcntl");
	if ((c = accept(a, NULL, NULL)) != -1)	/* the probe's connection */
		close(c);
	say("safe start-up over \"notes.txt\":");
	rc = start_server("notes.txt");
	check(rc == -1 && errno == ENOTSOCK && S_ISREG(say_node("notes.txt")),
	    "refused; the file is intact");

	/*
	 * ## The hijack
	 *
	 * The "usual" start-up over a live server: unlink, bind.  Both
	 * succeed.  A new client then connects to the newcomer; the old
	 * server never hears of it.  Nothing failed and nothing was logged.
	 */
	say("blind unlink + bind while the first server is alive:");
	rc = (int)said("unlink(\"sock\")", unlink("sock"));
	b = listen_on("sock");
	check(rc == 0 && b != -1, "both succeed");
	if ((c = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	said("a client: connect(\"sock\")",
	    connect(c, (struct sockaddr *)&sun, sun_fill(&sun, "sock")));
	pfd[0].fd = b;
	pfd[0].events = POLLIN;
	pfd[1].fd = a;
	pfd[1].events = POLLIN;
	said("poll(both listeners, 1 s)", poll(pfd, 2, 1000));
	say("  newcomer: %s; first server: %s",
	    pfd[0].revents & POLLIN ? "a client waits" : "nothing",
	    pfd[1].revents & POLLIN ? "a client waits" : "nothing");
	check((pfd[0].revents & POLLIN) && !(pfd[1].revents & POLLIN),
	    "the client went to the newcomer; the first server is alive but "
	    "unreachable");
	close(c);
	close(b);
	close(a);

	/*
	 * ## What the probe cannot do
	 *
	 * Between the probe and the bind another server can start: two
	 * servers started together can both find the file stale, and the
	 * second `unlink` removes the first one's fresh name.  On the BSDs a
	 * busy server can answer `ECONNREFUSED`.  Where that matters, hold a
	 * lock for as long as the server runs (`flock` or `fcntl` on a file
	 * next to the socket, say `PATH.lock`): whoever holds the lock owns
	 * the name, and may unlink whatever is there.
	 */
	lesson_exit();
}
