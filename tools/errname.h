/*
 * errname.h: errno values by name, shared by the conformance helpers and
 * the lessons.  Header-only so that a lesson still builds with one cc
 * command.
 */
#ifndef AFUNIX_ERRNAME_H
#define AFUNIX_ERRNAME_H

#include <errno.h>
#include <stddef.h>
#include <stdio.h>

static const struct {
	int	 err;
	const char *name;
} afx_errnames_[] = {
#define E(x)	{ x, #x }
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG),
	E(ENOEXEC), E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES),
	E(EFAULT), E(EBUSY), E(EEXIST), E(EXDEV), E(ENODEV), E(ENOTDIR),
	E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOTTY), E(ETXTBSY),
	E(EFBIG), E(ENOSPC), E(ESPIPE), E(EROFS), E(EMLINK), E(EPIPE),
	E(EDOM), E(ERANGE), E(EDEADLK), E(ENAMETOOLONG), E(ENOLCK),
	E(ENOSYS), E(ENOTEMPTY), E(ELOOP), E(ENOMSG), E(EIDRM), E(ENOSTR),
	E(ENODATA), E(ETIME), E(ENOSR), E(ENOLINK), E(EPROTO), E(EMULTIHOP),
	E(EBADMSG), E(EOVERFLOW), E(EILSEQ), E(ENOTSOCK), E(EDESTADDRREQ),
	E(EMSGSIZE), E(EPROTOTYPE), E(ENOPROTOOPT), E(EPROTONOSUPPORT),
	E(EOPNOTSUPP), E(EAFNOSUPPORT), E(EADDRINUSE), E(EADDRNOTAVAIL),
	E(ENETDOWN), E(ENETUNREACH), E(ENETRESET), E(ECONNABORTED),
	E(ECONNRESET), E(ENOBUFS), E(EISCONN), E(ENOTCONN), E(ETIMEDOUT),
	E(ECONNREFUSED), E(EHOSTUNREACH), E(EALREADY), E(EINPROGRESS),
	E(ESTALE), E(EDQUOT), E(ECANCELED), E(EOWNERDEAD),
	E(ENOTRECOVERABLE),
#ifdef ESOCKTNOSUPPORT
	E(ESOCKTNOSUPPORT),
#endif
#ifdef EPFNOSUPPORT
	E(EPFNOSUPPORT),
#endif
#ifdef ESHUTDOWN
	E(ESHUTDOWN),
#endif
#ifdef ETOOMANYREFS
	E(ETOOMANYREFS),
#endif
#ifdef EHOSTDOWN
	E(EHOSTDOWN),
#endif
#ifdef ENOTSUP
	E(ENOTSUP),
#endif
#undef E
};

/*
 * The symbolic name of an errno value: "EADDRINUSE", not the text
 * strerror() gives, because the names are what the lessons teach and what
 * the platform data records.  Where two names share a number (EAGAIN and
 * EWOULDBLOCK) the first in the table wins, so a number has one name.
 */
static inline const char *
errname(int err)
{
	static char buf[32];
	size_t i;

	for (i = 0; i < sizeof(afx_errnames_) / sizeof(afx_errnames_[0]); i++)
		if (afx_errnames_[i].err == err)
			return (afx_errnames_[i].name);
	snprintf(buf, sizeof(buf), "errno-%d", err);
	return (buf);
}

#endif
