/*
 * # 18. Speed: what a message costs
 *
 * AF_UNIX moves bytes from one process's memory into a kernel buffer and
 * from there into another process's memory: two copies, and nothing
 * else.  TCP over 127.0.0.1 does the same copies and, around them, the
 * work of a network: headers built and parsed, segments (64 KiB on the
 * loopback device), checksum handling, acknowledgements and window
 * updates, softirq processing of every packet, timers.  None of it is
 * needed between two processes on one kernel.
 *
 * This program measures instead of claiming.  In one run:
 *
 * - **throughput** of AF_UNIX stream, seqpacket and datagram sockets,
 *   TCP over 127.0.0.1 (`TCP_NODELAY`) and a pipe, at message sizes from
 *   64 B to 1 MiB (datagram and seqpacket only up to what they accept:
 *   a message must fit the sender's buffer, `SO_SNDBUF`, 208 KiB by
 *   default on Linux; larger is `EMSGSIZE`, shown as "-");
 * - the **round trip of one byte** for each, with both processes pinned
 *   to one CPU and to two different CPUs;
 * - **memcpy** bandwidth at the same sizes.  Two copies at memcpy speed,
 *   one after the other, would give memcpy/2; with the two processes
 *   on two CPUs the copies can overlap, so a socket may beat that
 *   bound, never memcpy itself;
 * - the cost of a system call that does nothing (`getppid`).
 *
 * Each figure is the median of at least 5 repetitions, after warm-up
 * runs that are not counted, with the minimum and maximum.  A repetition
 * lasts about 30 ms (3 ms with `-q`): the number of messages is
 * calibrated in the warm-up.  Throughput runs are not pinned.  The
 * sender's voluntary context switches per message ("waits") tell
 * how often it had to sleep until the reader made room.
 *
 * **Where the time goes** is printed at the end, computed from the
 * figures of this run:
 *
 * - at 64 B the copy is next to nothing and the **per-call cost** is
 *   almost everything: two system calls (compare with the `getppid`
 *   figure), a socket buffer (`sk_buff`) allocated and freed for every
 *   stream write, locks, and waking the reader.  At 64 KiB the bytes
 *   (the copies) take a larger share, and fewer calls carry them;
 * - a pipe writes small messages into pages it already has, with no
 *   allocation per write; the difference at 64 B is the socket's extra
 *   work per call;
 * - the round trip on one CPU is two system calls each way plus two
 *   context switches; on two CPUs each message must also **wake** the
 *   other CPU (an inter-processor interrupt, often out of an idle
 *   state), which is why "different CPUs" is usually the slower
 *   ping-pong.
 *
 * Run: `./18-speed` (the full run; under 20 s on a 2-CPU machine),
 * `./18-speed -q` or `./18-speed-quick` (short: 64 B and 64 KiB only,
 * under 3 s, what make test and these pages run; it checks that
 * the figures are sane, not how big they are).  Options: `-c` CSV on
 * standard output (the narration goes to standard error), `-r N`
 * repetitions (5 to 1000), `-s 64,4k,1m` sizes (1 B to 16 MiB), `-k
 * stream,seqpacket,dgram,tcp,pipe` kinds.  The plain `./18-speed` is
 * what `make test` runs; it passes on any machine that is not
 * broken, however slow.
 *
 * Read next: back to 01-sockaddr, or the conformance suite.
 *
 * Keys: cre.stream, cre.seqpacket, cre.dgram, cre.socketpair_seqpacket
 *
 * Portability: the measurement is POSIX and runs everywhere; the figures
 * are this machine's.  Pinning uses Linux's `sched_setaffinity`;
 * elsewhere the latency runs are not pinned and say so (FreeBSD has
 * `cpuset_setaffinity(2)`, NetBSD `pthread_setaffinity_np(3)`, macOS
 * only affinity hints).  The BSDs and macOS cap a datagram at a few KiB
 * by default (`unpdg_sendspace`, or `maxdgram`, in `uipc_usrreq.c`), so
 * there the datagram rows show "-" from small sizes on; macOS has no
 * `SOCK_SEQPACKET` for AF_UNIX (its `localsw` lists none), and the
 * program says the kind cannot be made.
 */
#ifdef __linux__
#define _GNU_SOURCE		/* sched_setaffinity, CPU_SET */
#endif
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#ifdef __linux__
#include <sched.h>
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lesson.h"

enum { STREAM, SEQPACKET, DGRAM, TCP, PIPE, NKINDS };
static const char *kname[NKINDS] = { "stream", "seqpacket", "dgram",
    "tcp", "pipe" };
enum { OP_SINK, OP_ECHO };

#define MAXSIZES	32
#define MAXREPS		1000
#define MAXSIZE		(16L << 20)

/* The two ends of a transport: the parent's and the child's. */
struct chan {
	int	kind;
	int	ptx, prx;	/* the parent sends on ptx, receives on prx */
	int	ctx, crx;	/* the same for the child */
	int	cmd, ack;	/* parent's ends of the control pipes */
	pid_t	pid;
};

struct cmd {
	int	op;
	long	count;
	size_t	size;
};

struct fig {
	double	med, min, max;
};

static size_t sizes[MAXSIZES];
static int nsizes, reps = 5, want[NKINDS], bad, nfigs;
static double target = 0.030;	/* seconds per repetition */
static unsigned char *sbuf, *rbuf;
static size_t maxsize;
static FILE *csv;
/* Through a volatile pointer, so that the compiler keeps every copy. */
static void *(*volatile copy)(void *, const void *, size_t) = memcpy;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return ((x > y) - (x < y));
}

/* Median, minimum and maximum of n values; an insane one is counted. */
static struct fig
summarize(double *v, int n)
{
	struct fig f;

	if (n < 1)
		errx(1, "no figures to summarize");
	qsort(v, n, sizeof(*v), cmp);
	f.min = v[0], f.max = v[n - 1];
	f.med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	nfigs++;
	if (!(f.min > 0 && isfinite(f.max)))
		bad++;
	return (f);
}

/* Write all of buf, whatever the kernel takes per call. */
static int
write_all(int fd, const unsigned char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		buf += n, len -= n;
	}
	return (0);
}

/* One message: whole writes on byte streams, one send on the others. */
static int
send_msg(int kind, int fd, const unsigned char *buf, size_t len)
{

	if (kind == DGRAM || kind == SEQPACKET)
		return (send(fd, buf, len, 0) == (ssize_t)len ? 0 : -1);
	return (write_all(fd, buf, len));
}

/* Receive count messages of size bytes (on byte streams: the bytes). */
static int
recv_msgs(int kind, int fd, long count, size_t size)
{
	long long left = (long long)count * (long long)size;
	ssize_t n;

	while (left > 0) {
		if (kind == DGRAM || kind == SEQPACKET) {
			if (recv(fd, rbuf, maxsize, 0) != (ssize_t)size)
				return (-1);
			left -= (long long)size;
		} else {
			n = read(fd, rbuf, left < (long long)size ? left :
			    (long long)size);
			if (n <= 0)
				return (-1);
			left -= n;
		}
	}
	return (0);
}

static void
close2(int a, int b)
{

	close(a);
	if (b != a)
		close(b);
}

/*
 * ## The other process
 *
 * It takes commands on a pipe: receive count messages (and answer "K"
 * when all came, whole) or echo count single bytes.  When the pipe
 * closes, it exits.
 */
static void
child(struct chan *ch, int cmdfd, int ackfd)
{
	struct cmd c;
	char byte, ok;
	long i;

	while (read(cmdfd, &c, sizeof(c)) == sizeof(c)) {
		ok = 'K';
		if (c.op == OP_SINK)
			ok = recv_msgs(ch->kind, ch->crx, c.count, c.size) ?
			    'E' : 'K';
		else
			for (i = 0; i < c.count && ok == 'K'; i++)
				if (read(ch->crx, &byte, 1) != 1 ||
				    send_msg(ch->kind, ch->ctx, sbuf, 1) == -1)
					ok = 'E';
		if (write(ackfd, &ok, 1) != 1)
			break;
	}
	close(cmdfd), close(ackfd);
	close2(ch->crx, ch->ctx);
	_exit(0);
}

/*
 * ## Pinning
 *
 * Linux: `sched_setaffinity` on the calling process; a cpu of -1 puts
 * back the set the program started with.  Elsewhere: nothing.
 */
#ifdef __linux__
static cpu_set_t orig;
#endif
static int cpua = -1, cpub = -1;

static void
pin(int cpu)
{
#ifdef __linux__
	cpu_set_t set;

	if (cpu < 0)
		set = orig;
	else {
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
	}
	if (sched_setaffinity(0, sizeof(set), &set) == -1)
		err(1, "sched_setaffinity");
#else
	(void)cpu;
#endif
}

/* A TCP connection over 127.0.0.1: an ephemeral port, Nagle off. */
static int
tcp_pair(int *p, int *c)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int l, on = 1, ok, e;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((l = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return (-1);
	*p = *c = -1;
	ok = bind(l, (struct sockaddr *)&sin, len) == 0 && listen(l, 1) == 0 &&
	    getsockname(l, (struct sockaddr *)&sin, &len) == 0 &&
	    (*p = socket(AF_INET, SOCK_STREAM, 0)) != -1 &&
	    connect(*p, (struct sockaddr *)&sin, len) == 0 &&
	    (*c = accept(l, NULL, NULL)) != -1;
	e = errno;
	close(l);
	if (!ok) {
		if (*p != -1)
			close(*p);
		errno = e;
		return (-1);
	}
	setsockopt(*p, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	setsockopt(*c, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	return (0);
}

/*
 * Make the transport, fork the child on cpu (-1: anywhere) and keep the
 * parent on pcpu.  Returns -1 with errno if the transport cannot be made.
 */
static int
chan_open(struct chan *ch, int kind, int pcpu, int cpu)
{
	static const int type[] = { SOCK_STREAM, SOCK_SEQPACKET, SOCK_DGRAM };
	int sv[2], a[2], b[2], cmdp[2], ackp[2];

	ch->kind = kind;
	if (kind <= DGRAM) {
		if (socketpair(AF_UNIX, type[kind], 0, sv) == -1)
			return (-1);
		ch->ptx = ch->prx = sv[0], ch->ctx = ch->crx = sv[1];
	} else if (kind == TCP) {
		if (tcp_pair(&ch->ptx, &ch->ctx) == -1)
			return (-1);
		ch->prx = ch->ptx, ch->crx = ch->ctx;
	} else {
		if (pipe(a) == -1 || pipe(b) == -1)
			err(1, "pipe");
		ch->ptx = a[1], ch->crx = a[0], ch->ctx = b[1], ch->prx = b[0];
	}
	if (pipe(cmdp) == -1 || pipe(ackp) == -1)
		err(1, "pipe");
	fflush(stdout);
	if (csv != NULL)
		fflush(csv);
	if ((ch->pid = fork()) == -1)
		err(1, "fork");
	if (ch->pid == 0) {
		close(cmdp[1]), close(ackp[0]);
		close2(ch->ptx, ch->prx);
		if (csv != NULL)
			fclose(csv);
		pin(cpu);
		child(ch, cmdp[0], ackp[1]);
	}
	close(cmdp[0]), close(ackp[1]);
	close2(ch->ctx, ch->crx);
	ch->cmd = cmdp[1], ch->ack = ackp[0];
	pin(pcpu);
	return (0);
}

/* Closing the command pipe ends the child. */
static void
chan_close(struct chan *ch)
{

	close(ch->cmd), close(ch->ack);
	close2(ch->ptx, ch->prx);
	lesson_child_wait(ch->pid);
	pin(-1);
}

static void
order(struct chan *ch, int op, long count, size_t size)
{
	struct cmd c;

	memset(&c, 0, sizeof(c));
	c.op = op, c.count = count, c.size = size;
	if (write(ch->cmd, &c, sizeof(c)) != sizeof(c))
		err(1, "%s: the other process is gone", kname[ch->kind]);
}

/* The child's answer, within a minute: "K", or the run is void. */
static void
await_ack(struct chan *ch)
{
	struct pollfd p = { .fd = ch->ack, .events = POLLIN };
	char ok = 0;

	if (poll(&p, 1, 60000) != 1 || read(ch->ack, &ok, 1) != 1 || ok != 'K')
		errx(1, "%s: the receiver did not get every message whole",
		    kname[ch->kind]);
}

/*
 * ## The timed loops
 *
 * Each returns the seconds that count units of work took: messages
 * sent (until the receiver says it has them all), round trips, copies
 * or system calls.  The sender's voluntary context switches are
 * summed while `counting`.
 */
struct run {
	struct chan	*ch;
	size_t		 size;
};

static int counting;
static long csw, cmsgs;

static long
switches(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) == -1)
		err(1, "getrusage");
	return (ru.ru_nvcsw);
}

static double
run_sink(void *arg, long count)
{
	struct run *r = arg;
	double t;
	long i, sw;

	order(r->ch, OP_SINK, count, r->size);
	sw = switches();
	t = now();
	for (i = 0; i < count; i++)
		if (send_msg(r->ch->kind, r->ch->ptx, sbuf, r->size) == -1)
			err(1, "%s: send", kname[r->ch->kind]);
	await_ack(r->ch);
	t = now() - t;
	if (counting)
		csw += switches() - sw, cmsgs += count;
	return (t);
}

static double
run_echo(void *arg, long count)
{
	struct run *r = arg;
	double t;
	char byte;
	long i;

	order(r->ch, OP_ECHO, count, 1);
	t = now();
	for (i = 0; i < count; i++)
		if (send_msg(r->ch->kind, r->ch->ptx, sbuf, 1) == -1 ||
		    read(r->ch->prx, &byte, 1) != 1)
			err(1, "%s: round trip", kname[r->ch->kind]);
	t = now() - t;
	await_ack(r->ch);
	return (t);
}

static double
run_copy(void *arg, long count)
{
	size_t size = *(size_t *)arg;
	double t = now();
	long i;

	for (i = 0; i < count; i++)
		copy(rbuf, sbuf, size);
	return (now() - t);
}

static double
run_syscall(void *arg, long count)
{
	double t = now();
	long i;

	(void)arg;
	for (i = 0; i < count; i++)
		(void)getppid();
	return (now() - t);
}

/*
 * Calibrate: grow the count until a run takes a tenth of the target,
 * scale it to the target, run once more at that count (warm-up, not
 * counted), then time `reps` runs.  The figures are seconds per unit.
 */
static struct fig
measure(double (*f)(void *, long), void *arg, long count)
{
	double v[MAXREPS], t;
	int i;

	counting = 0;
	while ((t = f(arg, count)) < target / 10 && count < (1L << 40))
		count *= 10;
	if (t <= 0)
		t = 1e-9;
	count = (long)(count * target / t) + 1;
	(void)f(arg, count);
	counting = 1;
	for (i = 0; i < reps; i++)
		v[i] = f(arg, count) / count;
	counting = 0;
	return (summarize(v, reps));
}

/* Does one message of this size fit?  Datagrams: EMSGSIZE if not. */
static int
fits(int kind, size_t size)
{
	static const int type[] = { 0, SOCK_SEQPACKET, SOCK_DGRAM };
	int sv[2], ok;

	if (kind != DGRAM && kind != SEQPACKET)
		return (1);
	if (socketpair(AF_UNIX, type[kind], 0, sv) == -1)
		err(1, "socketpair");
	if (fcntl(sv[0], F_SETFL, O_NONBLOCK) == -1)
		err(1, "fcntl");
	ok = send(sv[0], sbuf, size, 0) == (ssize_t)size;
	if (!ok && errno != EMSGSIZE)
		say("  %s, %zu bytes: send -> %s", kname[kind], size,
		    errname(errno));
	close(sv[0]), close(sv[1]);
	return (ok);
}

static const char *
sizestr(size_t n)
{
	static char buf[4][24];
	static int i;

	i = (i + 1) % 4;
	if (n >= (1 << 20) && n % (1 << 20) == 0)
		snprintf(buf[i], sizeof(buf[i]), "%zu MiB", n >> 20);
	else if (n >= 1024 && n % 1024 == 0)
		snprintf(buf[i], sizeof(buf[i]), "%zu KiB", n >> 10);
	else
		snprintf(buf[i], sizeof(buf[i]), "%zu B", n);
	return (buf[i]);
}

/* One throughput row: MB/s from seconds per message. */
static void
row(const char *size, const char *kind, size_t n, struct fig f, double w)
{
	double med = n / f.med / 1e6, lo = n / f.max / 1e6,
	    hi = n / f.min / 1e6;

	if (w >= 0)
		say("%8s  %-9s %9.1f %9.1f %9.1f %9.2f %6.2f", size, kind, med,
		    lo, hi, f.med * 1e6, w);
	else
		say("%8s  %-9s %9.1f %9.1f %9.1f %9.2f", size, kind, med, lo,
		    hi, f.med * 1e6);
	if (csv != NULL)
		fprintf(csv, "throughput,%s,%zu,,%.6g,%.6g,%.6g,MB/s,%d\n",
		    kind, n, med, lo, hi, reps);
}

/* Parse "64,4k,1m" into sizes[]. */
static void
parse_sizes(char *arg)
{
	char *tok, *end;
	long v;

	nsizes = 0;
	for (tok = strtok(arg, ","); tok != NULL; tok = strtok(NULL, ",")) {
		errno = 0;
		v = strtol(tok, &end, 10);
		if (*end == 'k' || *end == 'K')
			v *= 1024, end++;
		else if (*end == 'm' || *end == 'M')
			v *= 1L << 20, end++;
		if (errno != 0 || end == tok || *end != '\0' || v < 1 ||
		    v > MAXSIZE)
			errx(2, "bad size \"%s\": give 1 B to 16 MiB, like "
			    "64, 4k or 1m", tok);
		if (nsizes == MAXSIZES)
			errx(2, "at most %d sizes", MAXSIZES);
		sizes[nsizes++] = (size_t)v;
	}
	if (nsizes == 0)
		errx(2, "-s: no sizes given");
}

static void
parse_kinds(char *arg)
{
	char *tok;
	int k, n = 0;

	memset(want, 0, sizeof(want));
	for (tok = strtok(arg, ","); tok != NULL; tok = strtok(NULL, ",")) {
		for (k = 0; k < NKINDS && strcmp(tok, kname[k]) != 0; k++)
			;
		if (k == NKINDS)
			errx(2, "unknown kind \"%s\": stream, seqpacket, "
			    "dgram, tcp or pipe", tok);
		want[k] = 1;
		n++;
	}
	if (n == 0)
		errx(2, "-k: no kinds given");
}

static void
usage(const char *why)
{

	errx(2, "%s; usage: 18-speed [-q] [-c] [-r reps] [-s size,...] "
	    "[-k kind,...]", why);
}

int
main(int argc, char *argv[])
{
	static struct fig tp[NKINDS][MAXSIZES], mc[MAXSIZES], lat[NKINDS][2];
	static double waits[NKINDS][MAXSIZES];
	static int have[NKINDS][MAXSIZES], havelat[NKINDS][2];
	const char *place[2] = { "same CPU", "different CPUs" };
	struct chan ch;
	struct run r;
	struct fig sys;
	char *end, cell[2][48];
	int c, k, i, j, quick = 0, docsv = 0, np = 1, small, big, fd;
	long v;

	/*
	 * Called as 18-speed-quick (a link the Makefile makes), it is the
	 * short run: that is how make test and the docs run it, since kyua
	 * runs a plain test program with no arguments.
	 */
	end = strrchr(argv[0], '-');
	if (end != NULL && strcmp(end, "-quick") == 0)
		quick = 1;
	opterr = 0;		/* one message of our own instead */
	while ((c = getopt(argc, argv, "qcr:s:k:")) != -1)
		switch (c) {
		case 'q':
			quick = 1;
			break;
		case 'c':
			docsv = 1;
			break;
		case 'r':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || v < 5 || v > MAXREPS)
				errx(2, "-r %s: give 5 to %d repetitions",
				    optarg, MAXREPS);
			reps = (int)v;
			break;
		case 's':
			parse_sizes(optarg);
			break;
		case 'k':
			parse_kinds(optarg);
			break;
		default:
			snprintf(cell[0], sizeof(cell[0]), "option -%c is "
			    "unknown or lacks its value", optopt);
			usage(cell[0]);
		}
	if (optind < argc)
		usage("no arguments besides the options");
	if (nsizes == 0) {
		static const size_t full[] = { 64, 256, 1024, 4096, 16384,
		    65536, 262144, 1048576 }, sq[] = { 64, 65536 };

		nsizes = quick ? 2 : 8;
		memcpy(sizes, quick ? sq : full, nsizes * sizeof(size_t));
	}
	for (k = 0, j = 0; k < NKINDS; k++)
		j += want[k];
	for (k = 0; k < NKINDS && j == 0; k++)
		want[k] = 1;
	if (quick)
		target = 0.003;
	/* -c: CSV alone on standard output, the narration on stderr. */
	if (docsv) {
		if ((fd = dup(STDOUT_FILENO)) == -1 ||
		    (csv = fdopen(fd, "w")) == NULL ||
		    dup2(STDERR_FILENO, STDOUT_FILENO) == -1)
			err(1, "-c");
		fprintf(csv, "measure,kind,size,placement,median,min,max,"
		    "unit,reps\n");
	}
	for (i = 0, maxsize = 1; i < nsizes; i++)
		if (sizes[i] > maxsize)
			maxsize = sizes[i];
	if ((sbuf = malloc(maxsize)) == NULL || (rbuf = malloc(maxsize)) ==
	    NULL)
		err(1, "malloc");
	memset(sbuf, 'a', maxsize);
	memset(rbuf, 0, maxsize);
	signal(SIGPIPE, SIG_IGN);	/* a dead peer: an error, not death */
#ifdef __linux__
	if (sched_getaffinity(0, sizeof(orig), &orig) == -1)
		err(1, "sched_getaffinity");
	for (i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &orig)) {
			if (cpua < 0)
				cpua = i;
			else if (cpub < 0)
				cpub = i;
		}
	np = cpub >= 0 ? 2 : 1;
	if (np == 2)
		say("%s run; latency pinned to CPU %d, then CPUs %d and %d",
		    quick ? "short" : "full", cpua, cpua, cpub);
	else
		say("%s run; one CPU (%d): latency on it only", quick ?
		    "short" : "full", cpua);
#else
	place[0] = "unpinned";
	say("%s run; no pinning on this system", quick ? "short" : "full");
#endif
	say("each figure: median, min and max of %d repetitions of about "
	    "%.0f ms, after warm-up", reps, target * 1e3);

	/* ## A system call that does nothing */
	sys = measure(run_syscall, NULL, 1000);
	say("getppid(), a system call that does nothing: %.0f ns (min %.0f, "
	    "max %.0f)", sys.med * 1e9, sys.min * 1e9, sys.max * 1e9);
	if (csv != NULL)
		fprintf(csv, "syscall,getppid,0,,%.6g,%.6g,%.6g,ns,%d\n",
		    sys.med * 1e9, sys.min * 1e9, sys.max * 1e9, reps);

	/*
	 * ## Throughput
	 *
	 * One child per kind receives every size in turn; the parent
	 * sends.  Neither is pinned.
	 */
	for (i = 0; i < nsizes; i++)
		mc[i] = measure(run_copy, &sizes[i], (1L << 20) /
		    (long)sizes[i] + 1);
	for (k = 0; k < NKINDS; k++) {
		if (!want[k])
			continue;
		if (chan_open(&ch, k, -1, -1) == -1) {
			say("%s: cannot be made here: %s", kname[k],
			    errname(errno));
			continue;
		}
		r.ch = &ch;
		for (i = 0; i < nsizes; i++) {
			if (!fits(k, sizes[i]))
				continue;
			r.size = sizes[i];
			csw = cmsgs = 0;
			tp[k][i] = measure(run_sink, &r, (256L << 10) /
			    (long)sizes[i] + 1);
			waits[k][i] = (double)csw / cmsgs;
			have[k][i] = 1;
		}
		chan_close(&ch);
	}
	say("\nthroughput, MB/s (10^6 bytes/s); us per message; the sender's "
	    "waits per message");
	say("%8s  %-9s %9s %9s %9s %9s %6s", "size", "kind", "median", "min",
	    "max", "us/msg", "waits");
	for (i = 0; i < nsizes; i++) {
		row(sizestr(sizes[i]), "memcpy", sizes[i], mc[i], -1);
		for (k = 0; k < NKINDS; k++)
			if (have[k][i])
				row("", kname[k], sizes[i], tp[k][i],
				    waits[k][i]);
			else if (want[k])
				say("%8s  %-9s %9s", "", kname[k], "-");
	}

	/*
	 * ## Latency: one byte there and back
	 *
	 * A fresh child for each placement: both on one CPU, then (with
	 * two or more) one CPU each.
	 */
	for (k = 0; k < NKINDS; k++)
		for (j = 0; j < np && want[k]; j++) {
			if (chan_open(&ch, k, cpua, j ? cpub : cpua) == -1)
				continue;
			r.ch = &ch;
			lat[k][j] = measure(run_echo, &r, 100);
			havelat[k][j] = 1;
			chan_close(&ch);
		}
	say("\nround trip of 1 byte, us: median (min..max)");
	say("%-9s  %-22s %-22s", "kind", place[0], np > 1 ? place[1] : "");
	for (k = 0; k < NKINDS; k++) {
		if (!havelat[k][0])
			continue;
		for (j = 0; j < np; j++) {
			snprintf(cell[j], sizeof(cell[j]), "%.1f (%.1f..%.1f)",
			    lat[k][j].med * 1e6, lat[k][j].min * 1e6,
			    lat[k][j].max * 1e6);
			if (csv != NULL)
				fprintf(csv, "latency,%s,1,%s,%.6g,%.6g,%.6g,"
				    "us,%d\n", kname[k], np > 1 ? (j ?
				    "different-cpus" : "same-cpu") : "",
				    lat[k][j].med * 1e6, lat[k][j].min * 1e6,
				    lat[k][j].max * 1e6, reps);
		}
		say("%-9s  %-22s %-22s", kname[k], cell[0], np > 1 ? cell[1] :
		    "");
	}

	/*
	 * ## Where the time goes
	 *
	 * The smallest size against 64 KiB (or the largest), from the
	 * figures of this run.
	 */
	for (i = small = big = 0; i < nsizes; i++) {
		if (sizes[i] < sizes[small])
			small = i;
		if (sizes[i] > sizes[big])
			big = i;
	}
	for (i = 0; i < nsizes; i++)
		if (sizes[i] == 65536)
			big = i;
	say("\nwhere the time goes");
	if (have[STREAM][small] && have[STREAM][big] && small != big) {
		double ts = tp[STREAM][small].med, tb = tp[STREAM][big].med;
		double cs = 2 * mc[small].med, cb = 2 * mc[big].med;

		say("- stream, %s: %.2f us per message; two copies at memcpy "
		    "speed: %.3f us.  The other %.2f us are the calls: %.1f "
		    "times a null system call", sizestr(sizes[small]),
		    ts * 1e6, cs * 1e6, (ts - cs) * 1e6, (ts - cs) / sys.med);
		say("- stream, %s: %.2f us per message, of which two copies "
		    "at memcpy speed make %.2f us (%.0f%%)",
		    sizestr(sizes[big]), tb * 1e6, cb * 1e6, 100 * cb / tb);
		say("  each byte beyond the first %s: %.3f ns; memcpy: %.3f "
		    "ns a byte", sizestr(sizes[small]), (tb - ts) /
		    (sizes[big] - sizes[small]) * 1e9, mc[big].med /
		    sizes[big] * 1e9);
	}
	if (have[STREAM][small] && have[PIPE][small])
		say("- pipe, %s: %.2f us per message, against %.2f for the "
		    "stream socket: %.2f us less work per call (no sk_buff "
		    "to allocate and free per write)", sizestr(sizes[small]),
		    tp[PIPE][small].med * 1e6, tp[STREAM][small].med * 1e6,
		    (tp[STREAM][small].med - tp[PIPE][small].med) * 1e6);
	if (have[STREAM][big]) {
		double s = sizes[big] / tp[STREAM][big].med;
		double half = sizes[big] / mc[big].med / 2;

		say("- at %s the stream socket moves %.0f MB/s:",
		    sizestr(sizes[big]), s / 1e6);
		if (have[TCP][big])
			say("  %.2f times TCP over 127.0.0.1", s /
			    (sizes[big] / tp[TCP][big].med));
		if (have[PIPE][big])
			say("  %.2f times a pipe", s / (sizes[big] /
			    tp[PIPE][big].med));
		for (k = STREAM; k <= DGRAM; k++)
			if (have[k][big])
				say("  %s: %.2f of memcpy/2 (%.0f MB/s)",
				    kname[k], sizes[big] / tp[k][big].med /
				    half, half / 1e6);
	}
	if (havelat[STREAM][0]) {
		double rt = lat[STREAM][0].med;

		say("- a stream round trip on %s: %.1f us; its 4 system calls "
		    "at the null-call price: %.2f us; the rest (2 context "
		    "switches, the socket work): %.1f us", place[0], rt * 1e6,
		    4 * sys.med * 1e6, (rt - 4 * sys.med) * 1e6);
		if (np > 1 && havelat[STREAM][1])
			say("- on two CPUs: %.1f us: %s", lat[STREAM][1].med *
			    1e6, lat[STREAM][1].med > rt ? "waking the other, "
			    "idle CPU costs more than switching on one" :
			    "waking the other CPU costs less than switching");
	}
	check(nfigs > 0 && bad == 0, "%d figures, all positive and finite "
	    "(how big they are is this machine's affair)", nfigs);
	free(sbuf);
	free(rbuf);
	if (csv != NULL)
		fclose(csv);
	lesson_exit();
}
