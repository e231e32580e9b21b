/*
 * The one parser of the afunix platform data.  See expect.h and
 * platforms/README.md for the format.  It is strict on purpose: a line
 * it does not understand is an error with the file and line named, never
 * something silently skipped, because a skipped line would turn a known
 * fact into "not known yet".
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"

#define AFX_FILE_MAX	((size_t)4 * 1024 * 1024)

const char *const afx_platforms[] = {
	"linux", "freebsd", "netbsd", "openbsd", "dragonfly", "macos",
	"illumos", "windows", NULL
};

static const struct {
	const char *sysname, *platform;
} sysnames[] = {
	{ "Linux", "linux" }, { "FreeBSD", "freebsd" },
	{ "NetBSD", "netbsd" }, { "OpenBSD", "openbsd" },
	{ "DragonFly", "dragonfly" }, { "Darwin", "macos" },
	{ "SunOS", "illumos" }, { "Windows_NT", "windows" },
};

const char *
afx_platform_for_sysname(const char *sysname)
{
	size_t i;

	for (i = 0; i < sizeof(sysnames) / sizeof(sysnames[0]); i++)
		if (strcmp(sysname, sysnames[i].sysname) == 0)
			return (sysnames[i].platform);
	return (NULL);
}

static void
seterr(char *err, size_t errlen, const char *name, int line,
    const char *fmt, ...)
{
	va_list ap;
	int n;

	if (err == NULL || errlen == 0)
		return;
	if (line > 0)
		n = snprintf(err, errlen, "%s:%d: ", name, line);
	else
		n = snprintf(err, errlen, "%s: ", name);
	if (n < 0 || (size_t)n >= errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

int
afx_parse_version(const char *s, struct afx_version *v)
{
	int i;
	char *end;

	memset(v, 0, sizeof(*v));
	if (!isdigit((unsigned char)*s))
		return (-1);
	for (i = 0; i < 3; i++) {
		errno = 0;
		v->part[i] = strtol(s, &end, 10);
		if (errno != 0 || v->part[i] < 0)
			return (-1);
		s = end;
		v->nparts = i + 1;
		if (*s != '.' || !isdigit((unsigned char)s[1]))
			break;
		s++;
	}
	return (0);
}

int
afx_version_cmp(const struct afx_version *a, const struct afx_version *b)
{
	int i;

	for (i = 0; i < 3; i++) {
		if (a->part[i] < b->part[i])
			return (-1);
		if (a->part[i] > b->part[i])
			return (1);
	}
	return (0);
}

/*
 * Compare v with an upper bound written with fewer parts: [-5.14] takes
 * in every 5.14.x, so only as many parts as the bound has are compared.
 */
static int
version_cmp_prefix(const struct afx_version *v, const struct afx_version *hi)
{
	int i;

	for (i = 0; i < hi->nparts && i < 3; i++) {
		if (v->part[i] < hi->part[i])
			return (-1);
		if (v->part[i] > hi->part[i])
			return (1);
	}
	return (0);
}

static void
format_version(const struct afx_version *v, char *buf, size_t len)
{

	if (v->nparts >= 3)
		snprintf(buf, len, "%ld.%ld.%ld", v->part[0], v->part[1],
		    v->part[2]);
	else if (v->nparts == 2)
		snprintf(buf, len, "%ld.%ld", v->part[0], v->part[1]);
	else
		snprintf(buf, len, "%ld", v->part[0]);
}

void
afx_format_range(const struct afx_fact *f, char *buf, size_t len)
{
	char lo[32] = "", hi[32] = "";

	if (!f->has_lo && !f->has_hi) {
		if (len > 0)
			buf[0] = '\0';
		return;
	}
	if (f->has_lo)
		format_version(&f->lo, lo, sizeof(lo));
	if (f->has_hi)
		format_version(&f->hi, hi, sizeof(hi));
	snprintf(buf, len, "[%s-%s]", lo, hi);
}

/* A version written in a range must be digits and dots only. */
static int
parse_range_version(const char *s, size_t n, struct afx_version *v)
{
	char buf[32];
	size_t i;

	int dots = 0;

	if (n == 0 || n >= sizeof(buf))
		return (-1);
	for (i = 0; i < n; i++) {
		if (s[i] == '.')
			dots++;
		else if (!isdigit((unsigned char)s[i]))
			return (-1);
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (dots > 2 || buf[n - 1] == '.' || strstr(buf, "..") != NULL)
		return (-1);
	return (afx_parse_version(buf, v));
}

static int
parse_range(const char *tok, struct afx_fact *f)
{
	size_t n = strlen(tok);
	const char *dash;

	if (n < 3 || tok[0] != '[' || tok[n - 1] != ']')
		return (-1);
	if ((dash = memchr(tok, '-', n)) == NULL)
		return (-1);
	if (memchr(dash + 1, '-', (size_t)(tok + n - 1 - (dash + 1))) != NULL)
		return (-1);
	f->has_lo = dash > tok + 1;
	f->has_hi = dash < tok + n - 2;
	if (!f->has_lo && !f->has_hi)
		return (-1);
	if (f->has_lo && parse_range_version(tok + 1,
	    (size_t)(dash - tok - 1), &f->lo) == -1)
		return (-1);
	if (f->has_hi && parse_range_version(dash + 1,
	    (size_t)(tok + n - 1 - dash - 1), &f->hi) == -1)
		return (-1);
	if (f->has_lo && f->has_hi && version_cmp_prefix(&f->lo, &f->hi) > 0)
		return (-1);
	return (0);
}

static int
valid_key(const char *s)
{
	int dots = 0;

	if (!islower((unsigned char)*s))
		return (0);
	for (; *s != '\0'; s++) {
		if (*s == '.') {
			if (s[1] == '\0' || s[1] == '.')
				return (0);
			dots++;
		} else if (!islower((unsigned char)*s) &&
		    !isdigit((unsigned char)*s) && *s != '_')
			return (0);
	}
	return (dots > 0);
}

static int
valid_word(const char *s, const char *extra)
{

	if (*s == '\0')
		return (0);
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr(extra, *s) == NULL)
			return (0);
	return (1);
}

static int
valid_known(const char *s)
{
	const char *v;

	if (strcmp(s, "source") == 0 || strcmp(s, "unverified") == 0)
		return (1);
	if (strncmp(s, "observed:", 9) != 0)
		return (0);
	v = s + 9;
	/* A comma-separated list of releases, none of them empty. */
	if (*v == '\0' || *v == ',' || v[strlen(v) - 1] == ',' ||
	    strstr(v, ",,") != NULL)
		return (0);
	return (valid_word(v, "._+-,"));
}

/* Whether the version ranges of two facts share a version. */
static int
ranges_overlap(const struct afx_fact *a, const struct afx_fact *b)
{

	if (a->has_lo && b->has_hi && version_cmp_prefix(&a->lo, &b->hi) > 0)
		return (0);
	if (b->has_lo && a->has_hi && version_cmp_prefix(&b->lo, &a->hi) > 0)
		return (0);
	return (1);
}

static char *
next_token(char **sp)
{
	char *s = *sp, *tok;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0') {
		*sp = s;
		return (NULL);
	}
	tok = s;
	while (*s != '\0' && *s != ' ' && *s != '\t')
		s++;
	if (*s != '\0')
		*s++ = '\0';
	*sp = s;
	return (tok);
}

static void
free_fact(struct afx_fact *f)
{

	free(f->key);
	free(f->outcome);
	free(f->known);
	free(f->source);
}

/*
 * Parse one line (already NUL-terminated, without its newline) into f.
 * Returns 1 for a fact, 0 for a blank or comment line, -1 on error.
 */
static int
parse_line(char *s, struct afx_fact *f, const char *name, int lineno,
    char *err, size_t errlen)
{
	char *tok, *key, *outcome, *known, *end;

	memset(f, 0, sizeof(*f));
	f->line = lineno;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0' || *s == '#')
		return (0);
	for (end = s; *end != '\0'; end++)
		if (*end == '\r' || (iscntrl((unsigned char)*end) &&
		    *end != '\t')) {
			seterr(err, errlen, name, lineno,
			    "control character 0x%02x in line",
			    (unsigned char)*end);
			return (-1);
		}
	key = next_token(&s);
	if (!valid_key(key)) {
		seterr(err, errlen, name, lineno, "bad key '%s': want "
		    "area.behaviour in lower case, digits and _", key);
		return (-1);
	}
	tok = next_token(&s);
	if (tok != NULL && tok[0] == '[') {
		if (parse_range(tok, f) == -1) {
			seterr(err, errlen, name, lineno, "bad version range "
			    "'%s': want [A-B], [A-] or [-B] with A <= B", tok);
			return (-1);
		}
		tok = next_token(&s);
	}
	outcome = tok;
	if (outcome == NULL) {
		seterr(err, errlen, name, lineno, "%s: missing outcome", key);
		return (-1);
	}
	if (!valid_word(outcome, "_+-")) {
		seterr(err, errlen, name, lineno, "%s: bad outcome '%s'", key,
		    outcome);
		return (-1);
	}
	known = next_token(&s);
	if (known == NULL) {
		seterr(err, errlen, name, lineno, "%s: missing how-known "
		    "(observed:VERSION, source or unverified)", key);
		return (-1);
	}
	if (!valid_known(known)) {
		seterr(err, errlen, name, lineno, "%s: bad how-known '%s': "
		    "want observed:VERSION[,VERSION...], source or unverified",
		    key, known);
		return (-1);
	}
	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	if (*s == '\0') {
		seterr(err, errlen, name, lineno, "%s: missing source", key);
		return (-1);
	}
	if ((f->key = strdup(key)) == NULL ||
	    (f->outcome = strdup(outcome)) == NULL ||
	    (f->known = strdup(known)) == NULL ||
	    (f->source = strdup(s)) == NULL) {
		free_fact(f);
		seterr(err, errlen, name, lineno, "out of memory");
		return (-1);
	}
	return (1);
}

int
afx_parse(const char *name, const char *buf, size_t len,
    struct afx_platform *p, char *err, size_t errlen)
{
	char line[AFX_LINE_MAX + 2];
	const char *s = buf, *nl, *base;
	struct afx_fact f, *nf;
	size_t i, n, cap = 0;
	int lineno = 0, r;

	memset(p, 0, sizeof(*p));
	base = strrchr(name, '/');
	if ((p->name = strdup(base != NULL ? base + 1 : name)) == NULL ||
	    (p->path = strdup(name)) == NULL) {
		seterr(err, errlen, name, 0, "out of memory");
		goto fail;
	}
	if (memchr(buf, '\0', len) != NULL) {
		seterr(err, errlen, name, 0, "NUL byte in file: not a text "
		    "file");
		goto fail;
	}
	while (s < buf + len) {
		lineno++;
		nl = memchr(s, '\n', (size_t)(buf + len - s));
		n = (size_t)((nl != NULL ? nl : buf + len) - s);
		if (n > AFX_LINE_MAX) {
			seterr(err, errlen, name, lineno, "line longer than "
			    "%d bytes", AFX_LINE_MAX);
			goto fail;
		}
		memcpy(line, s, n);
		line[n] = '\0';
		s += n + (nl != NULL);
		if ((r = parse_line(line, &f, name, lineno, err, errlen)) == -1)
			goto fail;
		if (r == 0)
			continue;
		for (i = 0; i < p->nfacts; i++) {
			if (strcmp(p->facts[i].key, f.key) != 0 ||
			    !ranges_overlap(&p->facts[i], &f))
				continue;
			seterr(err, errlen, name, lineno, "%s: already given "
			    "at line %d for an overlapping version range",
			    f.key, p->facts[i].line);
			free_fact(&f);
			goto fail;
		}
		if (p->nfacts == cap) {
			cap = cap != 0 ? cap * 2 : 64;
			if ((nf = realloc(p->facts, cap * sizeof(*nf))) ==
			    NULL) {
				free_fact(&f);
				seterr(err, errlen, name, lineno,
				    "out of memory");
				goto fail;
			}
			p->facts = nf;
		}
		p->facts[p->nfacts++] = f;
	}
	return (0);
fail:
	afx_free(p);
	return (-1);
}

int
afx_load(const char *path, struct afx_platform *p, char *err, size_t errlen)
{
	FILE *fp;
	char *buf;
	size_t len;
	int r;

	memset(p, 0, sizeof(*p));
	if (*path == '\0') {
		seterr(err, errlen, "\"\"", 0, "empty file name");
		return (-1);
	}
	if ((fp = fopen(path, "r")) == NULL) {
		seterr(err, errlen, path, 0, "cannot open: %s",
		    strerror(errno));
		return (-1);
	}
	if ((buf = malloc(AFX_FILE_MAX + 1)) == NULL) {
		fclose(fp);
		seterr(err, errlen, path, 0, "out of memory");
		return (-1);
	}
	len = fread(buf, 1, AFX_FILE_MAX + 1, fp);
	if (ferror(fp)) {
		seterr(err, errlen, path, 0, "cannot read: %s",
		    strerror(errno));
		r = -1;
	} else if (len > AFX_FILE_MAX) {
		seterr(err, errlen, path, 0, "larger than %zu bytes",
		    AFX_FILE_MAX);
		r = -1;
	} else
		r = afx_parse(path, buf, len, p, err, errlen);
	free(buf);
	fclose(fp);
	return (r);
}

void
afx_free(struct afx_platform *p)
{
	size_t i;

	for (i = 0; i < p->nfacts; i++)
		free_fact(&p->facts[i]);
	free(p->facts);
	free(p->name);
	free(p->path);
	memset(p, 0, sizeof(*p));
}

const struct afx_fact *
afx_lookup(const struct afx_platform *p, const char *key,
    const struct afx_version *v)
{
	const struct afx_fact *f;
	size_t i;

	for (i = 0; i < p->nfacts; i++) {
		f = &p->facts[i];
		if (strcmp(f->key, key) != 0)
			continue;
		/* No release known: the newest release's fact answers. */
		if (v == NULL && !f->has_hi)
			return (f);
		if (v == NULL)
			continue;
		if (f->has_lo && afx_version_cmp(v, &f->lo) < 0)
			continue;
		if (f->has_hi && version_cmp_prefix(v, &f->hi) > 0)
			continue;
		return (f);
	}
	return (NULL);
}

int
afx_has_key(const struct afx_platform *p, const char *key)
{
	size_t i;

	for (i = 0; i < p->nfacts; i++)
		if (strcmp(p->facts[i].key, key) == 0)
			return (1);
	return (0);
}
