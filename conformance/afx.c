/*
 * The conformance helper API: see afx.h.
 */
#ifdef __linux__
/* struct ucred and SCM_CREDENTIALS, for afx_parse_control. */
#define _GNU_SOURCE
#endif
#if defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__) || \
    defined(__DragonFly__) || defined(__APPLE__)
/* The BSD and macOS headers hide CMSG_SPACE and CMSG_LEN from strict POSIX. */
#undef _POSIX_C_SOURCE
#endif
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "afx.h"
#include "errname.h"
#include "expect.h"

#ifndef AFX_DATADIR
#define AFX_DATADIR	"platforms"
#endif

#define KEY_VAR	"X-afunix.key"

/* The platform under test, loaded once: each test case is a process. */
static struct {
	int	 loaded;
	char	 name[64];
	char	 release[128];	/* as given, for messages */
	int	 has_version;
	struct afx_version version;
	struct afx_platform data;
} plat;

const char *
afx_errname(int err)
{

	return (errname(err));
}

const char *
afx_result(int rc, int err)
{

	return (rc == -1 ? afx_errname(err) : "ok");
}

static const char *
tc_key(const atf_tc_t *tc)
{

	ATF_REQUIRE_MSG(atf_tc_has_md_var(tc, KEY_VAR),
	    "test case has no %s in its head", KEY_VAR);
	return (atf_tc_get_md_var(tc, KEY_VAR));
}

/*
 * Where the platform data is: the kyua variable datadir, else next to the
 * test program as in the source tree (../platforms) or as installed
 * (PREFIX/tests/afunix/conformance -> PREFIX/share/afunix/platforms),
 * else where the build said.
 */
static const char *
data_dir(const atf_tc_t *tc)
{
	static char dir[PATH_MAX];
	static const char *const rel[] = {
		"../platforms", "../../../share/afunix/platforms",
	};
	const char *srcdir;
	char probe[PATH_MAX + 16];
	size_t i;
	int n;

	if (atf_tc_has_config_var(tc, "datadir")) {
		/* Empty, it would make the data path absolute: "/linux". */
		if (*atf_tc_get_config_var(tc, "datadir") == '\0')
			atf_tc_fail("afunix: the kyua variable datadir is "
			    "empty");
		return (atf_tc_get_config_var(tc, "datadir"));
	}
	srcdir = atf_tc_get_config_var_wd(tc, "srcdir", ".");
	for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		n = snprintf(dir, sizeof(dir), "%s/%s", srcdir, rel[i]);
		if (n < 0 || (size_t)n >= sizeof(dir))
			continue;
		(void)snprintf(probe, sizeof(probe), "%s/linux", dir);
		if (access(probe, R_OK) == 0)
			return (dir);
	}
	return (AFX_DATADIR);
}

static void
load_platform(const atf_tc_t *tc)
{
	struct utsname u;
	const char *name, *release, *dir;
	char path[PATH_MAX], err[AFX_ERR_MAX];
	int n;

	if (plat.loaded)
		return;
	ATF_REQUIRE(uname(&u) == 0);
	name = atf_tc_get_config_var_wd(tc, "platform", "");
	if (*name != '\0') {
		/* A chosen baseline: its release only if one is named. */
		release = atf_tc_get_config_var_wd(tc, "platform_version", "");
	} else {
		name = afx_platform_for_sysname(u.sysname);
		if (name == NULL)
			atf_tc_fail("afunix: no platform data for system '%s'; "
			    "set the kyua variable platform to compare with "
			    "one, or record=yes to record this one",
			    u.sysname);
		release = atf_tc_get_config_var_wd(tc, "platform_version",
		    u.release);
	}
	if (strlen(name) >= sizeof(plat.name))
		atf_tc_fail("afunix: platform name of %zu bytes: no platform "
		    "has one that long", strlen(name));
	snprintf(plat.name, sizeof(plat.name), "%s", name);
	snprintf(plat.release, sizeof(plat.release), "%s", release);
	plat.has_version = afx_parse_version(release, &plat.version) == 0;
	dir = data_dir(tc);
	n = snprintf(path, sizeof(path), "%s/%s", dir, plat.name);
	ATF_REQUIRE_MSG(n > 0 && (size_t)n < sizeof(path),
	    "afunix: data path too long");
	if (afx_load(path, &plat.data, err, sizeof(err)) == -1)
		atf_tc_fail("afunix: %s", err);
	plat.loaded = 1;
}

const char *
afx_expected(const atf_tc_t *tc, const char *key)
{
	const struct afx_fact *f;

	load_platform(tc);
	f = afx_lookup(&plat.data, key, plat.has_version ? &plat.version :
	    NULL);
	return (f != NULL ? f->outcome : NULL);
}

/*
 * Record mode: the line goes to stdout, which kyua keeps with the test
 * case's result; tools/record-platform.sh reads it back from there.  No
 * shared file, so test cases that run as another user record too.
 */
static void
record(const char *key, const char *observed)
{

	printf("afunix-record\t%s\t%s\n", key, observed);
}

void
afx_expect_key(const atf_tc_t *tc, const char *key, const char *observed)
{
	const struct afx_fact *f;
	const char *rec;

	rec = atf_tc_get_config_var_wd(tc, "record", "no");
	if (strcmp(rec, "yes") == 0) {
		record(key, observed);
		return;
	}
	load_platform(tc);
	f = afx_lookup(&plat.data, key, plat.has_version ? &plat.version :
	    NULL);
	if (f == NULL)
		atf_tc_fail("%s: observed %s, no expectation for %s%s%s",
		    key, observed, plat.name, *plat.release != '\0' ? " " : "",
		    plat.release);
	if (strcmp(f->outcome, observed) != 0)
		atf_tc_fail("%s: observed %s, expected %s on %s%s%s (%s; %s)",
		    key, observed, f->outcome, plat.name,
		    *plat.release != '\0' ? " " : "", plat.release, f->known,
		    f->source);
	printf("%s: %s as expected on %s %s (%s)\n", key, observed,
	    plat.name, plat.release, f->known);
}

void
afx_expect(const atf_tc_t *tc, const char *observed)
{

	afx_expect_key(tc, tc_key(tc), observed);
}

void
afx_expectf(const atf_tc_t *tc, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	afx_expect(tc, buf);
}

void
afx_expect_rc(const atf_tc_t *tc, int rc)
{
	int err = errno;

	afx_expect(tc, afx_result(rc, err));
}

socklen_t
afx_sun(struct sockaddr_un *sun, const char *path)
{
	size_t len = strlen(path);

	/* Refuse what does not fit rather than let it be cut short. */
	ATF_REQUIRE_MSG(len < sizeof(sun->sun_path),
	    "path of %zu bytes does not fit sun_path[%zu]", len,
	    sizeof(sun->sun_path));
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, path, len + 1);
	return ((socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1));
}

socklen_t
afx_abs_name(struct sockaddr_un *sun, const char *tag, const char *extra,
    size_t extralen, size_t total)
{
	char name[64];
	size_t used;
	int n;

	n = snprintf(name, sizeof(name), "afx.%ld.%s", (long)getpid(), tag);
	ATF_REQUIRE(n > 0 && (size_t)n < sizeof(name));
	used = 1 + (size_t)n + extralen;
	ATF_REQUIRE(used <= sizeof(sun->sun_path) &&
	    total <= sizeof(sun->sun_path));
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path + 1, name, (size_t)n);
	if (extralen > 0)
		memcpy(sun->sun_path + 1 + n, extra, extralen);
	if (total > used) {
		memset(sun->sun_path + used, 'x', total - used);
		used = total;
	}
	return ((socklen_t)(offsetof(struct sockaddr_un, sun_path) + used));
}

int
afx_socket(int type)
{
	int fd;

	fd = socket(AF_UNIX, type, 0);
	ATF_REQUIRE_MSG(fd != -1, "socket(AF_UNIX, %d): %s", type,
	    strerror(errno));
	return (fd);
}

int
afx_bound(int type, const char *path)
{
	struct sockaddr_un sun;
	socklen_t len;
	int fd;

	fd = afx_socket(type);
	len = afx_sun(&sun, path);
	ATF_REQUIRE_MSG(bind(fd, (struct sockaddr *)&sun, len) == 0,
	    "bind(%s): %s", path, strerror(errno));
	return (fd);
}

int
afx_listener(const char *path)
{
	int fd;

	fd = afx_bound(SOCK_STREAM, path);
	ATF_REQUIRE_MSG(listen(fd, 8) == 0, "listen(%s): %s", path,
	    strerror(errno));
	return (fd);
}

int
afx_try_connect(int fd, const char *path)
{
	struct sockaddr_un sun;
	socklen_t len;

	len = afx_sun(&sun, path);
	return (connect(fd, (struct sockaddr *)&sun, len));
}

int
afx_connected(int type, const char *path)
{
	int fd;

	fd = afx_socket(type);
	ATF_REQUIRE_MSG(afx_try_connect(fd, path) == 0, "connect(%s): %s",
	    path, strerror(errno));
	return (fd);
}

int
afx_accept(int lfd)
{
	int fd;

	fd = accept(lfd, NULL, NULL);
	ATF_REQUIRE_MSG(fd != -1, "accept: %s", strerror(errno));
	return (fd);
}

int
afx_count_fds(void)
{
	long max;
	int fd, n = 0;

	max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = 0; fd < max; fd++)
		if (fcntl(fd, F_GETFD) != -1)
			n++;
	return (n);
}

mode_t
afx_mode(const char *path)
{
	struct stat st;

	ATF_REQUIRE_MSG(lstat(path, &st) == 0, "lstat(%s): %s", path,
	    strerror(errno));
	return (st.st_mode & 07777);
}

int
afx_exists(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0)
		return (1);
	ATF_REQUIRE_MSG(errno == ENOENT, "lstat(%s): %s", path,
	    strerror(errno));
	return (0);
}

int
afx_probe_connect(int type, const char *path)
{
	int fd, rc, err;

	fd = afx_socket(type);
	rc = afx_try_connect(fd, path);
	err = errno;
	ATF_REQUIRE(close(fd) == 0);
	errno = err;
	return (rc);
}

int
afx_probe_sendto(const char *path)
{
	struct sockaddr_un sun;
	socklen_t len;
	ssize_t n;
	int fd, err;

	fd = afx_socket(SOCK_DGRAM);
	len = afx_sun(&sun, path);
	n = sendto(fd, "ping", 4, 0, (struct sockaddr *)&sun, len);
	err = errno;
	ATF_REQUIRE(close(fd) == 0);
	if (n == -1) {
		errno = err;
		return (-1);
	}
	ATF_REQUIRE_EQ(n, 4);
	return (0);
}

void
afx_touch(const char *path)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	ATF_REQUIRE_MSG(fd != -1, "create %s: %s", path, strerror(errno));
	ATF_REQUIRE(close(fd) == 0);
}

void
afx_nonblock(int fd)
{
	int fl;

	ATF_REQUIRE((fl = fcntl(fd, F_GETFL)) != -1);
	ATF_REQUIRE(fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0);
}

void
afx_stream_pair(int *lfd, int *cfd, int *afd)
{

	*lfd = afx_listener("srv");
	*cfd = afx_connected(SOCK_STREAM, "srv");
	*afd = afx_accept(*lfd);
}

void
afx_await_input(int fd)
{
	struct pollfd p;

	p.fd = fd;
	p.events = POLLIN;
	p.revents = 0;
	ATF_REQUIRE_MSG(poll(&p, 1, 2000) == 1, "nothing arrived in 2 s");
}

void
afx_close2(int sv[2])
{

	ATF_REQUIRE(close(sv[0]) == 0);
	ATF_REQUIRE(close(sv[1]) == 0);
}

void
afx_pipe(int p[2])
{

	ATF_REQUIRE_MSG(pipe(p) == 0, "pipe: %s", strerror(errno));
}

void
afx_leak_check(int base)
{
	int now = afx_count_fds();

	ATF_REQUIRE_MSG(now == base, "descriptor leak: %d open, %d before",
	    now, base);
}

/*
 * Whether the pipe whose read end is rfd has lost its last writer within
 * ms milliseconds: poll is the bound, never a sleep.
 */
int
afx_pipe_closed(int rfd, int ms)
{
	struct pollfd pfd;
	char c;
	int rc;

	pfd.fd = rfd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	rc = poll(&pfd, 1, ms);
	ATF_REQUIRE_MSG(rc != -1, "poll: %s", strerror(errno));
	if (rc == 0)
		return (0);
	return (read(rfd, &c, 1) == 0);
}

int
afx_same_file(int a, int b)
{
	struct stat sa, sb;

	ATF_REQUIRE(fstat(a, &sa) == 0);
	ATF_REQUIRE(fstat(b, &sb) == 0);
	return (sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino);
}

int
afx_make_file(const char *path, const char *text)
{
	size_t len = strlen(text);
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ATF_REQUIRE_MSG(fd != -1, "open %s: %s", path, strerror(errno));
	ATF_REQUIRE(write(fd, text, len) == (ssize_t)len);
	ATF_REQUIRE(lseek(fd, 0, SEEK_SET) == 0);
	return (fd);
}

int
afx_try_pair(int type, int sv[2])
{

	return (socketpair(AF_UNIX, type, 0, sv));
}

void
afx_pair(int type, int sv[2])
{

	ATF_REQUIRE_MSG(afx_try_pair(type, sv) == 0, "socketpair(%d): %s",
	    type, strerror(errno));
}

int
afx_try_pair_nb(int type, int sv[2])
{
	int i;

	if (socketpair(AF_UNIX, type, 0, sv) == -1)
		return (-1);
	for (i = 0; i < 2; i++)
		afx_nonblock(sv[i]);
	return (0);
}

void
afx_pair_nb(int type, int sv[2])
{

	ATF_REQUIRE_MSG(afx_try_pair_nb(type, sv) == 0, "socketpair(%d): %s",
	    type, strerror(errno));
}

void
afx_send_str(int fd, const char *s, int flags)
{
	size_t len = strlen(s);

	ATF_REQUIRE_MSG(send(fd, s, len, flags) == (ssize_t)len,
	    "send(%s): %s", s, strerror(errno));
}

void
afx_expect_len(const atf_tc_t *tc, ssize_t n)
{

	if (n == -1)
		afx_expect(tc, afx_errname(errno));
	else
		afx_expectf(tc, "%zd", n);
}

void
afx_expect_sent(const atf_tc_t *tc, ssize_t n)
{

	afx_expect(tc, n == -1 ? afx_errname(errno) : "ok");
}

ssize_t
afx_recv_flags(int fd, size_t len, int flags, int *msg_flags)
{
	struct msghdr msg;
	struct iovec iov;
	char buf[64];
	ssize_t n;

	ATF_REQUIRE(len <= sizeof(buf));
	afx_msg(&msg, &iov, buf, len, NULL, 0);
	n = recvmsg(fd, &msg, flags | MSG_DONTWAIT);
	ATF_REQUIRE_MSG(n != -1, "recvmsg: %s", strerror(errno));
	*msg_flags = msg.msg_flags;
	return (n);
}

/* A control buffer aligned for struct cmsghdr. */
#define AFX_CTL_BYTES	4096
union afx_ctl {
	struct cmsghdr hdr;
	unsigned char buf[AFX_CTL_BYTES];
};

void
afx_msg(struct msghdr *msg, struct iovec *iov, void *buf, size_t len,
    void *ctl, size_t ctllen)
{

	memset(msg, 0, sizeof(*msg));
	iov->iov_base = buf;
	iov->iov_len = len;
	msg->msg_iov = iov;
	msg->msg_iovlen = 1;
	msg->msg_control = ctl;
	msg->msg_controllen = ctllen;
}

size_t
afx_put_rights(struct cmsghdr *cm, const int *fds, int n)
{

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN((size_t)n * sizeof(int));
	if (n > 0)
		memcpy(CMSG_DATA(cm), fds, (size_t)n * sizeof(int));
	return (CMSG_SPACE((size_t)n * sizeof(int)));
}

ssize_t
afx_send_cmsg(int s, const void *data, size_t len, int level, int type,
    const void *cdata, size_t clen, int flags)
{
	union afx_ctl ctl;
	struct msghdr msg;
	struct iovec iov;
	struct cmsghdr *cm;

	ATF_REQUIRE(CMSG_SPACE(clen) <= sizeof(ctl.buf));
	memset(&ctl, 0, sizeof(ctl));
	afx_msg(&msg, &iov, (void *)(uintptr_t)data, len, ctl.buf,
	    CMSG_SPACE(clen));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = level;
	cm->cmsg_type = type;
	cm->cmsg_len = CMSG_LEN(clen);
	if (cdata != NULL && clen > 0)
		memcpy(CMSG_DATA(cm), cdata, clen);
	return (sendmsg(s, &msg, flags));
}

ssize_t
afx_send_rights(int s, const int *fds, int n, const void *data, size_t len,
    int flags)
{
	struct msghdr msg;
	struct iovec iov;

	if (n >= 0)
		return (afx_send_cmsg(s, data, len, SOL_SOCKET, SCM_RIGHTS,
		    fds, (size_t)n * sizeof(int), flags | AFX_NOSIGNAL));
	afx_msg(&msg, &iov, (void *)(uintptr_t)data, len, NULL, 0);
	return (sendmsg(s, &msg, flags | AFX_NOSIGNAL));
}

/*
 * A truncated message may claim more than was copied out: read no
 * further than the msg_controllen the kernel handed back.  The data are
 * copied out with memcpy; MSG_CTRUNC is left for the caller to judge.
 */
void
afx_parse_control(struct msghdr *msg, struct afx_rcvd *r)
{
	struct cmsghdr *cm;
	unsigned char *end;
	size_t n, len;
#ifdef SCM_CREDENTIALS
	struct ucred uc;
#endif

	end = (unsigned char *)msg->msg_control + msg->msg_controllen;
	for (cm = CMSG_FIRSTHDR(msg); cm != NULL; cm = CMSG_NXTHDR(msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET)
			continue;
		if (cm->cmsg_type == SCM_RIGHTS) {
			r->ncmsg++;
			ATF_REQUIRE(cm->cmsg_len >= CMSG_LEN(0));
		}
		if (cm->cmsg_len < CMSG_LEN(0) || CMSG_DATA(cm) > end)
			continue;
		len = cm->cmsg_len - CMSG_LEN(0);
		if (len > (size_t)(end - CMSG_DATA(cm)))
			len = (size_t)(end - CMSG_DATA(cm));
		if (cm->cmsg_type == SCM_RIGHTS) {
			n = len / sizeof(int);
			ATF_REQUIRE_MSG((size_t)r->nfds + n <= AFX_RFDS,
			    "%zu descriptors received, room for %d", n,
			    AFX_RFDS);
			memcpy(&r->fds[r->nfds], CMSG_DATA(cm),
			    n * sizeof(int));
			r->nfds += (int)n;
		}
#ifdef SCM_CREDENTIALS
		if (cm->cmsg_type == SCM_CREDENTIALS && len >= sizeof(uc)) {
			memcpy(&uc, CMSG_DATA(cm), sizeof(uc));
			r->cred.pid = uc.pid;
			r->cred.uid = uc.uid;
			r->cred.gid = uc.gid;
			r->has_cred = 1;
		}
#endif
	}
}

void
afx_recv_rights(int s, struct afx_rcvd *r, size_t len, size_t ctllen,
    int flags)
{
	union afx_ctl ctl;
	struct msghdr msg;
	struct iovec iov;

	ATF_REQUIRE(len <= sizeof(r->data) && ctllen <= sizeof(ctl.buf));
	memset(r, 0, sizeof(*r));
	memset(&ctl, 0, sizeof(ctl));
	afx_msg(&msg, &iov, r->data, len, NULL, 0);
	if (ctllen > 0) {
		msg.msg_control = ctl.buf;
		msg.msg_controllen = (socklen_t)ctllen;
	}
	r->n = recvmsg(s, &msg, flags);
	r->err = errno;
	if (r->n == -1)
		return;
	r->flags = msg.msg_flags;
	r->controllen = ctllen > 0 ? (size_t)msg.msg_controllen : 0;
	if (ctllen > 0)
		afx_parse_control(&msg, r);
}

void
afx_recv_ok(int s, struct afx_rcvd *r, size_t len, size_t ctllen, int flags)
{

	afx_recv_rights(s, r, len, ctllen, flags);
	ATF_REQUIRE_MSG(r->n != -1, "recvmsg: %s", strerror(r->err));
	ATF_REQUIRE_MSG((r->flags & MSG_CTRUNC) == 0,
	    "MSG_CTRUNC on a receive with room for every descriptor");
}

void
afx_close_rcvd(struct afx_rcvd *r)
{
	int i;

	for (i = 0; i < r->nfds; i++)
		ATF_REQUIRE(close(r->fds[i]) == 0);
	r->nfds = 0;
}

void
afx_verdict_init(struct afx_verdict *v)
{

	memset(v, 0, sizeof(*v));
	snprintf(v->what, sizeof(v->what), "ok");
}

void
afx_verdict_bad(struct afx_verdict *v, const char *call, const char *why)
{

	if (strcmp(v->what, "ok") == 0)
		snprintf(v->what, sizeof(v->what), "%s:%s", call, why);
}

int
afx_verdict_ok(const struct afx_verdict *v)
{

	return (strcmp(v->what, "ok") == 0);
}

void
afx_reap(struct afx_verdict *v, pid_t pid)
{
	int status;

	ATF_REQUIRE(waitpid(pid, &status, 0) == pid);
	if (WIFSIGNALED(status))
		afx_verdict_bad(v, "child", WTERMSIG(status) == SIGALRM ?
		    "hang" : "signal");
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		afx_verdict_bad(v, "child", "failed");
}

/*
 * Find the line of /proc/net/unix for fd by its inode: 0 when found, 1
 * when not there, -1 with errno when the file cannot be read.
 */
int
afx_proc_unix(int fd, struct afx_procline *pl)
{
	struct stat st;
	char line[512];
	unsigned long ino;
	FILE *f;
	int off, found = 1;

	ATF_REQUIRE(fstat(fd, &st) == 0);
	if ((f = fopen("/proc/net/unix", "r")) == NULL)
		return (-1);
	while (fgets(line, sizeof(line), f) != NULL) {
		off = 0;
		/* The kernel writes these numbers: no overflow to catch. */
		/* NOLINTNEXTLINE(cert-err34-c) */
		if (sscanf(line, "%*s %*x %*x %x %x %x %lu%n", &pl->flags,
		    &pl->type, &pl->state, &ino, &off) != 4 ||
		    ino != (unsigned long)st.st_ino)
			continue;
		/* The path, if any, follows one space; drop the newline. */
		pl->path[0] = '\0';
		if (line[off] == ' ')
			snprintf(pl->path, sizeof(pl->path), "%s",
			    line + off + 1);
		pl->path[strcspn(pl->path, "\n")] = '\0';
		found = 0;
		break;
	}
	ATF_REQUIRE(fclose(f) == 0);
	return (found);
}
