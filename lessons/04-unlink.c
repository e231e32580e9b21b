/*
 * # 4. unlink: the name and the socket are two things
 *
 * A bound socket has a name in the filesystem, but the socket is not the
 * file.  Clients use the name once, to find the socket; after that the
 * name plays no part.  `unlink` removes the name and nothing else, and
 * closing the socket removes the socket and nothing else.  So a server
 * must remove its own name when it stops.
 *
 * This lesson shows:
 *
 * - **unlinking a live listener**: the listener keeps listening and its
 *   connections go on, but new clients get `ENOENT`; the listener does not
 *   notice (`getsockname` still reports the lost name);
 * - **rebinding**: the old socket cannot take a name again (`EINVAL`), a
 *   new socket can bind the freed name, and new clients go there;
 * - **cleaning up**: a server that removes its name on normal exit
 *   (`atexit`) and on `SIGINT`/`SIGTERM` (a handler), and only while the
 *   name is still its own; `SIGKILL` cannot be caught and leaves a stale
 *   file, which is why lesson 3's safe start-up is needed anyway.
 *
 * Run: `./04-unlink` (the lesson, checked), or `./04-unlink server PATH`
 * to serve PATH yourself: Enter or ^D exits, ^C sends SIGINT, `kill PID`
 * SIGTERM (all three remove the name); `kill -9 PID` leaves it behind.
 *
 * Read next: 05-permissions (who may connect).
 *
 * Keys: bind.unlink_new_connect, bind.unlink_existing_connection,
 * bind.unlink_then_rebind, addr.getsockname_after_unlink
 *
 * Portability: the same on the BSDs and macOS: unlink does not disturb
 * the socket, a connect to a removed name is `ENOENT`, and a second bind
 * is `EINVAL`.  Whether `getsockname` still reports the removed name is
 * not promised anywhere; Linux keeps it.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lesson.h"

/* A listener bound to path, or a client's connect to it (-1 if not). */
static int
new_socket(const char *path, int listener)
{
	struct sockaddr_un sun;
	socklen_t len = sun_fill(&sun, path);
	char call[160];
	int fd, e;

	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	if (listener) {
		if (bind(fd, (struct sockaddr *)&sun, len) == -1 ||
		    listen(fd, 8) == -1)
			err(1, "cannot bind %s", path);
		say("a listener (fd %d) is bound to \"%s\"", fd, path);
		return (fd);
	}
	snprintf(call, sizeof(call), "a client: connect(\"%s\")", path);
	if (said(call, connect(fd, (struct sockaddr *)&sun, len)) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return (-1);
	}
	return (fd);
}

/*
 * ## Cleaning up, only what is ours
 *
 * The server remembers which node its bind made (device and inode) and
 * unlinks the name only if it still leads there: if another server has
 * since taken the name over, the name is theirs (a narrow race between
 * the two calls remains; the lock of lesson 3 closes it).  `lstat` and
 * `unlink` are async-signal-safe, so one function serves `atexit` and the
 * handler.
 */
static char srv_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
static dev_t srv_dev;
static ino_t srv_ino;

static void
cleanup(void)
{
	struct stat st;

	if (srv_path[0] != '\0' && lstat(srv_path, &st) == 0 &&
	    st.st_dev == srv_dev && st.st_ino == srv_ino)
		unlink(srv_path);
	srv_path[0] = '\0';
}

/* Clean up, then die of the same signal, so the parent sees the truth. */
static void
on_signal(int sig)
{

	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * The server.  The signals are blocked from before bind until the name is
 * recorded, so a signal cannot come in between and leave the name behind.
 * It only waits (what it would serve does not matter here) until ctl, a
 * socket to its parent or the terminal, has a byte for it or is closed.
 */
static void
serve(const char *path, int ctl, int announce)
{
	struct sigaction sa;
	struct stat st;
	sigset_t set, old;
	int fd;
	char ch;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigaction(SIGINT, &sa, NULL) == -1 || sigaction(SIGTERM, &sa,
	    NULL) == -1 || sigprocmask(SIG_BLOCK, &set, &old) == -1)
		err(1, "signals");
	fd = new_socket(path, 1);
	if (lstat(path, &st) == -1 || atexit(cleanup) != 0)
		err(1, "lstat %s", path);
	memcpy(srv_path, path, strlen(path) + 1);
	srv_dev = st.st_dev;
	srv_ino = st.st_ino;
	if (sigprocmask(SIG_SETMASK, &old, NULL) == -1)
		err(1, "sigprocmask");
	if (!announce)
		say("server pid %ld. Enter or ^D: exit; ^C: SIGINT; kill %ld: "
		    "SIGTERM; kill -9 %ld: the name stays", (long)getpid(),
		    (long)getpid(), (long)getpid());
	else if (write(ctl, "r", 1) != 1)
		err(1, "ready");
	while (read(ctl, &ch, 1) == -1 && errno == EINTR)
		continue;
	close(fd);
	close(ctl);
	exit(0);
}

/*
 * Start the server in a child, stop it with sig (0: ask it to exit), and
 * return what is left at its name.  Parent and child talk over a
 * socketpair (lesson 6): "r" when it is ready, "q" to make it exit.
 */
static mode_t
run_server(int sig, const char *how)
{
	int sv[2], status;
	pid_t pid;
	char ch;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1 ||
	    (pid = fork()) == -1)
		err(1, "socketpair, fork");
	if (pid == 0) {
		close(sv[0]);
		serve("srv.sock", sv[1], 1);
	}
	close(sv[1]);
	if (read(sv[0], &ch, 1) != 1)
		errx(1, "the server did not start");
	say_node("srv.sock");
	if (sig == 0)
		said("send \"q\": asked to exit", write(sv[0], "q", 1));
	else
		said(how, kill(pid, sig));
	if (waitpid(pid, &status, 0) == -1)
		err(1, "waitpid");
	close(sv[0]);
	say("  the server %s %d", WIFSIGNALED(status) ? "died of signal" :
	    "exited with status", WIFSIGNALED(status) ? WTERMSIG(status) :
	    WEXITSTATUS(status));
	return (say_node("srv.sock"));
}

int
main(int argc, char *argv[])
{
	struct sockaddr_un back, sun;
	socklen_t blen = sizeof(back);
	char buf[16];
	int l, l2, c1, a1, c2, rc;

	if (argc == 3 && strcmp(argv[1], "server") == 0)
		serve(argv[2], STDIN_FILENO, 0);
	if (argc != 1) {
		fprintf(stderr, "usage: 04-unlink [server PATH]\n");
		return (2);
	}
	workdir_enter();

	/*
	 * ## Unlinking a live listener
	 *
	 * A connection is made first, then the name is removed under it.
	 */
	l = new_socket("sock", 1);
	if ((c1 = new_socket("sock", 0)) == -1 ||
	    (a1 = accept(l, NULL, NULL)) == -1)
		err(1, "connect, accept");
	say("accept(listener) -> fd %d: one connection made", a1);
	said("unlink(\"sock\")", unlink("sock"));
	check(say_node("sock") == 0, "the name is gone");
	if (getsockname(l, (struct sockaddr *)&back, &blen) == 0)
		say("getsockname(listener) -> \"%.*s\": it does not know",
		    (int)strnlen(back.sun_path, sizeof(back.sun_path)),
		    back.sun_path);
	said("write(client, \"still here\")", write(c1, "still here", 10));
	rc = (int)said("read(server side)", read(a1, buf, sizeof(buf)));
	check(rc == 10 && memcmp(buf, "still here", 10) == 0, "the existing "
	    "connection goes on");
	rc = new_socket("sock", 0);
	check(rc == -1 && errno == ENOENT, "a new client: ENOENT");
	if (rc != -1)
		close(rc);

	/*
	 * ## Rebinding
	 *
	 * The old listener had its one name (lesson 2).  The name is free,
	 * so a new socket takes it, and new clients reach the new socket.
	 */
	rc = (int)said("bind(old listener, \"sock\")", bind(l,
	    (struct sockaddr *)&sun, sun_fill(&sun, "sock")));
	check(rc == -1 && errno == EINVAL, "the old listener cannot: EINVAL");
	l2 = new_socket("sock", 1);
	c2 = new_socket("sock", 0);
	check(c2 != -1, "a new client reaches the new listener, the only "
	    "socket with that name");
	if (c2 != -1)
		close(c2);
	close(l2);
	close(a1);
	close(c1);
	close(l);
	said("unlink(\"sock\")", unlink("sock"));

	/* ## Cleaning up on exit and on signals */
	check(run_server(0, "") == 0, "normal exit: atexit removed the name");
	check(run_server(SIGTERM, "kill(SIGTERM)") == 0, "SIGTERM: the "
	    "handler removed the name");
	check(run_server(SIGINT, "kill(SIGINT)") == 0, "SIGINT: likewise");
	check(S_ISSOCK(run_server(SIGKILL, "kill(SIGKILL)")), "SIGKILL cannot "
	    "be caught: a stale socket file stays");
	said("unlink(\"srv.sock\")", unlink("srv.sock"));
	lesson_exit();
}
