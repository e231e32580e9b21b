/*
 * The afunix expectation model: one parser for the platform data in
 * platforms/.  The conformance tests, the afunix-expect command and the
 * docs all read the data through this interface, so there is exactly one
 * idea of what a line means.  The format is described in
 * platforms/README.md.
 */
#ifndef AFUNIX_EXPECT_H
#define AFUNIX_EXPECT_H

#include <stddef.h>

#define AFX_LINE_MAX	1024	/* longest line accepted in a data file */
#define AFX_ERR_MAX	512	/* size of an error message buffer */

/* A release number such as 6.18.44 or 14.1; missing parts are 0. */
struct afx_version {
	long	part[3];
	int	nparts;		/* how many parts were written */
};

/* One behaviour of one platform: one line of a data file. */
struct afx_fact {
	char	*key;		/* area.behaviour, e.g. bind.existing_live */
	int	 has_lo, has_hi;	/* version range [lo, hi], both inclusive */
	struct afx_version lo, hi;
	char	*outcome;	/* ok, an errno name, a number, a word */
	char	*known;		/* observed:VERSIONS, source or unverified */
	char	*source;	/* where the fact comes from */
	int	 line;		/* line number in the file */
};

struct afx_platform {
	char	*name;		/* file name without directory: linux */
	char	*path;
	struct afx_fact *facts;
	size_t	 nfacts;
};

/*
 * Parse the data file at path into *p.  On error return -1 and leave one
 * line "path:line: what is wrong" (or "path: what is wrong") in err.
 */
int	afx_load(const char *path, struct afx_platform *p, char *err,
	    size_t errlen);
/* Parse a whole buffer; name is used in messages. */
int	afx_parse(const char *name, const char *buf, size_t len,
	    struct afx_platform *p, char *err, size_t errlen);
void	afx_free(struct afx_platform *p);

/* The fact for key that holds at version v, or NULL; with v NULL, the
 * fact that holds for the newest release (no upper bound). */
const struct afx_fact *afx_lookup(const struct afx_platform *p,
	    const char *key, const struct afx_version *v);
/* Whether p has any line for key, whatever its version range. */
int	afx_has_key(const struct afx_platform *p, const char *key);

/* Parse "6.18.44-foo" or "14.1-RELEASE"; -1 if it starts with no digit. */
int	afx_parse_version(const char *s, struct afx_version *v);
int	afx_version_cmp(const struct afx_version *a,
	    const struct afx_version *b);
/* "[5.15-]" style text of the fact's range into buf ("" if none). */
void	afx_format_range(const struct afx_fact *f, char *buf, size_t len);

/* The platform name for a uname sysname (Linux -> linux), or NULL. */
const char *afx_platform_for_sysname(const char *sysname);

/* The platforms afunix knows, in the order the matrix shows them. */
extern const char *const afx_platforms[];

#endif
