/*
 * The conformance helper API.  A test case names the behaviour it checks
 * (its key) in its head, does what the behaviour needs, and hands what the
 * kernel did to afx_expect*(): the helper looks the key up in the data of
 * the platform under test and fails with one line that names the key, the
 * observed and the expected outcome, the platform and the source.
 *
 * The platform is uname's, or the kyua configuration variable "platform"
 * (with "platform_version"); the data directory is the built-in one, or
 * "datadir".  With "record" set to yes, every check prints
 * "afunix-record<TAB>key<TAB>observed" and passes instead of comparing
 * (tools/record-platform.sh turns a recorded run into a platform file).
 */
#ifndef AFUNIX_AFX_H
#define AFUNIX_AFX_H

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <atf-c.h>

/* A test case that checks one behaviour, keyed in the platform data. */
#define AFX_TC(name, key, descr)					\
	ATF_TC(name);							\
	ATF_TC_HEAD(name, tc)						\
	{								\
		atf_tc_set_md_var(tc, "descr", descr);			\
		atf_tc_set_md_var(tc, "X-afunix.key", key);		\
	}

/* The same, for a test case that must run as "root" or "unprivileged". */
#define AFX_TC_USER(name, key, user, descr)				\
	ATF_TC(name);							\
	ATF_TC_HEAD(name, tc)						\
	{								\
		atf_tc_set_md_var(tc, "descr", descr);			\
		atf_tc_set_md_var(tc, "X-afunix.key", key);		\
		atf_tc_set_md_var(tc, "require.user", user);		\
	}

/* Compare an observed outcome with the expectation for the test's key. */
void	afx_expect(const atf_tc_t *tc, const char *observed);
void	afx_expectf(const atf_tc_t *tc, const char *fmt, ...)
	    __attribute__((__format__(__printf__, 2, 3)));
/* "ok" when rc is not -1, else the name of errno (read first thing). */
void	afx_expect_rc(const atf_tc_t *tc, int rc);
/* The same with an explicit key, for a test case that checks several. */
void	afx_expect_key(const atf_tc_t *tc, const char *key,
	    const char *observed);
/* The expected outcome for key here, or NULL when there is none. */
const char *afx_expected(const atf_tc_t *tc, const char *key);

/* "EINVAL" for EINVAL; "errno-N" for a number without a name here. */
const char *afx_errname(int err);
/* The outcome of a call: "ok" or the errno name. */
const char *afx_result(int rc, int err);

/*
 * Socket helpers.  Each asserts inside, so a test body reads as the
 * story of the behaviour.  Paths are relative: kyua runs every test case
 * in a fresh work directory, and a relative name keeps clear of the
 * sun_path limit whatever TMPDIR is.
 */
socklen_t afx_sun(struct sockaddr_un *sun, const char *path);
int	afx_socket(int type);
int	afx_bound(int type, const char *path);
int	afx_listener(const char *path);
int	afx_connected(int type, const char *path);
int	afx_accept(int lfd);
/* connect() to path: 0 or -1 with errno, no assertion. */
int	afx_try_connect(int fd, const char *path);
/* Open descriptors of this process, for leak checks. */
int	afx_count_fds(void);
/* The permission bits of path (asserting that it exists). */
mode_t	afx_mode(const char *path);
/* Whether path exists, without following a final symlink. */
int	afx_exists(const char *path);

/* Room for any address the kernel may hand back. */
union afx_bigaddr {
	struct sockaddr_un sun;
	struct sockaddr_storage ss;
	char	 bytes[512];
};
/*
 * Fill sun with the abstract name NUL + "afx.<pid>.<tag>" + extralen
 * bytes of extra (NULs too), padded with 'x' to total bytes of sun_path
 * when total is not 0; return the addrlen that covers exactly that.
 */
socklen_t afx_abs_name(struct sockaddr_un *sun, const char *tag,
	    const char *extra, size_t extralen, size_t total);
/* connect() a fresh socket of the type to path, then close it: rc, errno. */
int	afx_probe_connect(int type, const char *path);
/* sendto() "ping" to path from a fresh unbound datagram socket: 0 or -1. */
int	afx_probe_sendto(const char *path);
/* Create path as a new empty file (mode 0644, O_EXCL) and close it. */
void	afx_touch(const char *path);
/* Set O_NONBLOCK on fd, asserting that it works. */
void	afx_nonblock(int fd);

/* A stream pair via a listener at "srv" (client unbound): l, c, accepted. */
void	afx_stream_pair(int *lfd, int *cfd, int *afd);
/* Poll fd for input 2 s at most, failing when nothing arrived. */
void	afx_await_input(int fd);
/* Close both ends of a pair, asserting that it works. */
void	afx_close2(int sv[2]);
/* pipe(), asserting that it works. */
void	afx_pipe(int p[2]);
/* Fail when the count of open descriptors is not base any more. */
void	afx_leak_check(int base);
/* Whether pipe read end rfd sees end-of-file within ms ms (poll bound). */
int	afx_pipe_closed(int rfd, int ms);
/* Whether descriptors a and b are the same file (device and inode). */
int	afx_same_file(int a, int b);
/* Create path (0600) holding text; open read-write at offset 0. */
int	afx_make_file(const char *path, const char *text);
/* socketpair(AF_UNIX, type): 0, or -1 with errno, no assertion. */
int	afx_try_pair(int type, int sv[2]);
/* socketpair(AF_UNIX, type), asserting that it works. */
void	afx_pair(int type, int sv[2]);
/* A socketpair with both ends O_NONBLOCK: 0, or -1 with errno. */
int	afx_try_pair_nb(int type, int sv[2]);
/* The same, asserting that it works. */
void	afx_pair_nb(int type, int sv[2]);
/* Send all of the string s with the flags, asserting that it went. */
void	afx_send_str(int fd, const char *s, int flags);
/* The byte count of a call, or the name of its errno, as the outcome. */
void	afx_expect_len(const atf_tc_t *tc, ssize_t n);
/* "ok" for a send that went through, else the name of its errno. */
void	afx_expect_sent(const atf_tc_t *tc, ssize_t n);
/* recvmsg of at most len bytes, never blocking; *msg_flags as returned. */
ssize_t	afx_recv_flags(int fd, size_t len, int flags, int *msg_flags);

/*
 * Control messages.  A send builds one message with the CMSG macros in
 * an aligned buffer and keeps errno on failure.
 */
#ifdef MSG_NOSIGNAL
#define AFX_NOSIGNAL	MSG_NOSIGNAL
#else
#define AFX_NOSIGNAL	0
#endif
/* Zero msg; point it at iov = {buf, len} and control ctl, ctllen as given. */
void	afx_msg(struct msghdr *msg, struct iovec *iov, void *buf,
	    size_t len, void *ctl, size_t ctllen);
/* Fill an SCM_RIGHTS message at cm with n descriptors; its CMSG_SPACE. */
size_t	afx_put_rights(struct cmsghdr *cm, const int *fds, int n);
/* sendmsg of len bytes and one cmsg of clen bytes (zeroes if cdata NULL). */
ssize_t	afx_send_cmsg(int s, const void *data, size_t len, int level,
	    int type, const void *cdata, size_t clen, int flags);
/* The same with n descriptors (none if n < 0), flags | AFX_NOSIGNAL. */
ssize_t	afx_send_rights(int s, const int *fds, int n, const void *data,
	    size_t len, int flags);

/* Descriptors one received message may carry in these tests. */
#define AFX_RFDS	16
/* What one recvmsg() gave back. */
struct afx_rcvd {
	ssize_t	 n;		/* recvmsg's return */
	int	 err;		/* errno when n == -1 */
	int	 flags;		/* msg_flags */
	size_t	 controllen;	/* msg_controllen on return */
	int	 ncmsg;		/* SCM_RIGHTS messages found */
	int	 nfds;		/* descriptors in them, in order */
	int	 fds[AFX_RFDS];
	int	 has_cred;	/* an SCM_CREDENTIALS message came */
	struct {
		pid_t	 pid;
		uid_t	 uid;
		gid_t	 gid;
	} cred;			/* its struct ucred */
	char	 data[64];
};
/* Take descriptors and credentials out of msg, within msg_controllen. */
void	afx_parse_control(struct msghdr *msg, struct afx_rcvd *r);
/* recvmsg of len bytes, ctllen of control (none if 0); MSG_CTRUNC kept. */
void	afx_recv_rights(int s, struct afx_rcvd *r, size_t len, size_t ctllen,
	    int flags);
/* The same, asserting that it worked and that MSG_CTRUNC is clear. */
void	afx_recv_ok(int s, struct afx_rcvd *r, size_t len, size_t ctllen,
	    int flags);
/* Close every descriptor r holds. */
void	afx_close_rcvd(struct afx_rcvd *r);

/* The first thing that went wrong in a race, or "ok". */
struct afx_verdict {
	char	 what[128];
};
/* Start a verdict at "ok". */
void	afx_verdict_init(struct afx_verdict *v);
/* Note "call:why" unless something went wrong before. */
void	afx_verdict_bad(struct afx_verdict *v, const char *call,
	    const char *why);
/* Whether nothing went wrong yet. */
int	afx_verdict_ok(const struct afx_verdict *v);
/* Reap pid; note a child that failed, hung (SIGALRM) or was killed. */
void	afx_reap(struct afx_verdict *v, pid_t pid);

/* One line of Linux's /proc/net/unix. */
struct afx_procline {
	unsigned flags;
	unsigned type;
	unsigned state;
	char	 path[256];
};
/* fd's line, found by inode: 0 found, 1 not there, -1 unreadable. */
int	afx_proc_unix(int fd, struct afx_procline *pl);

#endif
