/*
 * afunix-expect: ask the platform data what should happen.
 *
 *	afunix-expect [-d datadir] check [file ...]
 *	afunix-expect [-d datadir] show key
 *	afunix-expect [-d datadir] get platform key [version]
 *	afunix-expect [-d datadir] keys
 *	afunix-expect [-d datadir] dump
 *	afunix-expect [-d datadir] matrix
 *	afunix-expect [-d datadir] diff platform platform
 *	afunix-expect [-d datadir] markdown [key ...]
 *	afunix-expect [-d datadir] markdown-list
 *	afunix-expect record-to-data recordfile sysname release
 *	afunix-expect [-d datadir] compare file platform [version]
 *
 * Every answer comes from the one parser in expect.c, the same code the
 * conformance tests use, so the matrix a reader sees and the expectation a
 * test checks cannot disagree.
 */
#include <ctype.h>
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "expect.h"

#ifndef AFX_DATADIR
#define AFX_DATADIR	"platforms"
#endif

#define NPLAT	(sizeof(plat) / sizeof(plat[0]))

static const char *datadir = AFX_DATADIR;
static struct afx_platform plat[8];
static int nplat;

static int
valid_release(const char *s)
{

	if (*s == '\0')
		return (0);
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("._+-", *s) == NULL)
			return (0);
	return (1);
}

static void
usage(void)
{

	fprintf(stderr,
	    "usage: afunix-expect [-d datadir] check [file ...]\n"
	    "       afunix-expect [-d datadir] show key\n"
	    "       afunix-expect [-d datadir] get platform key [version]\n"
	    "       afunix-expect [-d datadir] keys | dump | matrix\n"
	    "       afunix-expect [-d datadir] diff platform platform\n"
	    "       afunix-expect [-d datadir] markdown [key ...]\n"
	    "       afunix-expect [-d datadir] markdown-list\n"
	    "       afunix-expect record-to-data recordfile sysname release\n"
	    "       afunix-expect [-d datadir] compare file platform [version]\n");
	exit(2);
}

static void
load_one(const char *path, struct afx_platform *p)
{
	char errbuf[AFX_ERR_MAX];

	if (afx_load(path, p, errbuf, sizeof(errbuf)) == -1)
		errx(1, "%s", errbuf);
}

/* Load every known platform's file from datadir. */
static void
load_all(void)
{
	char path[4096];
	int i, n;

	for (i = 0; afx_platforms[i] != NULL && (size_t)i < NPLAT; i++) {
		n = snprintf(path, sizeof(path), "%s/%s", datadir,
		    afx_platforms[i]);
		if (n < 0 || (size_t)n >= sizeof(path))
			errx(1, "%s: data directory name too long", datadir);
		load_one(path, &plat[i]);
		nplat = i + 1;
	}
}

static struct afx_platform *
find_platform(const char *name)
{
	int i;

	for (i = 0; i < nplat; i++)
		if (strcmp(plat[i].name, name) == 0)
			return (&plat[i]);
	errx(2, "unknown platform '%s' (known: linux freebsd netbsd openbsd "
	    "dragonfly macos illumos windows)", name);
}

static int
cmpstr(const void *a, const void *b)
{

	return (strcmp(*(const char *const *)a, *(const char *const *)b));
}

/* Every key of every platform, sorted, once each; NULL-terminated. */
static const char **
all_keys(size_t *np)
{
	const char **keys;
	size_t i, j, n = 0, cap = 0;

	for (i = 0; i < (size_t)nplat; i++)
		cap += plat[i].nfacts;
	if ((keys = calloc(cap + 1, sizeof(*keys))) == NULL)
		err(1, "calloc");
	for (i = 0; i < (size_t)nplat; i++)
		for (j = 0; j < plat[i].nfacts; j++)
			keys[n++] = plat[i].facts[j].key;
	qsort(keys, n, sizeof(*keys), cmpstr);
	for (i = j = 0; i < n; i++)
		if (j == 0 || strcmp(keys[j - 1], keys[i]) != 0)
			keys[j++] = keys[i];
	keys[j] = NULL;
	*np = j;
	return (keys);
}

static void
print_fact(const struct afx_platform *p, const struct afx_fact *f, char sep)
{
	char range[80];

	afx_format_range(f, range, sizeof(range));
	printf("%s%c%s%c%s%c%s%c%s%c%s\n", p->name, sep, f->key, sep,
	    range[0] != '\0' ? range : "*", sep, f->outcome, sep, f->known,
	    sep, f->source);
}

static int
cmd_check(int argc, char **argv)
{
	struct afx_platform p;
	char errbuf[AFX_ERR_MAX];
	int i, bad = 0;

	if (argc == 0) {
		load_all();
		for (i = 0; i < nplat; i++)
			printf("%s: %zu facts\n", plat[i].path,
			    plat[i].nfacts);
		return (0);
	}
	for (i = 0; i < argc; i++) {
		if (afx_load(argv[i], &p, errbuf, sizeof(errbuf)) == -1) {
			fprintf(stderr, "afunix-expect: %s\n", errbuf);
			bad = 1;
			continue;
		}
		printf("%s: %zu facts\n", p.path, p.nfacts);
		afx_free(&p);
	}
	return (bad);
}

static int
cmd_show(const char *key)
{
	size_t i, found = 0;
	int j;

	load_all();
	for (j = 0; j < nplat; j++) {
		for (i = 0; i < plat[j].nfacts; i++)
			if (strcmp(plat[j].facts[i].key, key) == 0) {
				print_fact(&plat[j], &plat[j].facts[i], '\t');
				found++;
			}
		if (!afx_has_key(&plat[j], key))
			printf("%s\t%s\t*\t(no expectation)\t-\t-\n",
			    plat[j].name, key);
	}
	if (found == 0) {
		fprintf(stderr, "afunix-expect: no platform has key '%s'\n",
		    key);
		return (1);
	}
	return (0);
}

static int
cmd_get(int argc, char **argv)
{
	const struct afx_fact *f;
	struct afx_platform *p;
	struct afx_version v;

	if (argc < 2 || argc > 3)
		usage();
	load_all();
	p = find_platform(argv[0]);
	if (argc == 3 && afx_parse_version(argv[2], &v) == -1)
		errx(2, "bad version '%s': want a release such as 6.1 or "
		    "14.1-RELEASE", argv[2]);
	if ((f = afx_lookup(p, argv[1], argc == 3 ? &v : NULL)) == NULL) {
		fprintf(stderr, "afunix-expect: %s: no expectation for %s%s%s\n",
		    argv[1], p->name, argc == 3 ? " " : "",
		    argc == 3 ? argv[2] : "");
		return (1);
	}
	printf("%s\n", f->outcome);
	return (0);
}

static int
cmd_keys(void)
{
	const char **keys;
	size_t i, n;

	load_all();
	keys = all_keys(&n);
	for (i = 0; i < n; i++)
		printf("%s\n", keys[i]);
	free(keys);
	return (0);
}

static int
cmd_dump(void)
{
	size_t i;
	int j;

	load_all();
	printf("platform\tkey\tversions\toutcome\tknown\tsource\n");
	for (j = 0; j < nplat; j++)
		for (i = 0; i < plat[j].nfacts; i++)
			print_fact(&plat[j], &plat[j].facts[i], '\t');
	return (0);
}

/*
 * The cell of one platform for a key: its outcomes, ranges included; with
 * marks, "?" after an unverified one.  Comparisons use it without marks.
 */
static void
cell(const struct afx_platform *p, const char *key, char *buf, size_t len,
    int marks)
{
	char range[80];
	size_t i, n = 0;
	int w;

	buf[0] = '\0';
	for (i = 0; i < p->nfacts; i++) {
		if (strcmp(p->facts[i].key, key) != 0)
			continue;
		afx_format_range(&p->facts[i], range, sizeof(range));
		w = snprintf(buf + n, len - n, "%s%s%s%s", n > 0 ? "," : "",
		    p->facts[i].outcome, range,
		    marks && strcmp(p->facts[i].known, "unverified") == 0 ?
		    "?" : "");
		if (w < 0 || (size_t)w >= len - n)
			break;
		n += (size_t)w;
	}
	if (n == 0)
		snprintf(buf, len, "-");
}

static int
cmd_matrix(void)
{
	const char **keys;
	char buf[256];
	size_t i, n;
	int j;

	load_all();
	keys = all_keys(&n);
	printf("key");
	for (j = 0; j < nplat; j++)
		printf("\t%s", plat[j].name);
	printf("\n");
	for (i = 0; i < n; i++) {
		printf("%s", keys[i]);
		for (j = 0; j < nplat; j++) {
			cell(&plat[j], keys[i], buf, sizeof(buf), 1);
			printf("\t%s", buf);
		}
		printf("\n");
	}
	free(keys);
	return (0);
}

/*
 * Where two platforms differ: the outcome each gives for its newest
 * release (a key one of them does not know counts as a difference).
 */
static int
cmd_diff(const char *a, const char *b)
{
	const struct afx_fact *fa, *fb;
	struct afx_platform *pa, *pb;
	const char **keys;
	size_t i, n, ndiff = 0;

	load_all();
	pa = find_platform(a);
	pb = find_platform(b);
	keys = all_keys(&n);
	for (i = 0; i < n; i++) {
		if (!afx_has_key(pa, keys[i]) && !afx_has_key(pb, keys[i]))
			continue;
		fa = afx_lookup(pa, keys[i], NULL);
		fb = afx_lookup(pb, keys[i], NULL);
		if (fa != NULL && fb != NULL &&
		    strcmp(fa->outcome, fb->outcome) == 0)
			continue;
		printf("%s\t%s=%s\t%s=%s\n", keys[i], a,
		    fa != NULL ? fa->outcome : "-", b,
		    fb != NULL ? fb->outcome : "-");
		ndiff++;
	}
	free(keys);
	return (ndiff > 0);
}

/* Print s with Markdown's special characters escaped. */
static void
md_put(const char *s)
{

	for (; *s != '\0'; s++) {
		if (strchr("\\`*_{}[]<>()#+!|~^$@\"'", *s) != NULL)
			putchar('\\');
		putchar(*s);
	}
}

static const char *const areas[][2] = {
	{ "addr", "Addressing" }, { "bind", "The filesystem namespace" },
	{ "cre", "Socket creation and types" }, { "conn", "connect()" },
	{ "lis", "listen() and accept()" }, { "perm", "Permissions" },
	{ "str", "Stream sockets" }, { "dgr", "Datagram sockets" },
	{ "seq", "Seqpacket sockets" }, { "sp", "socketpair()" },
	{ "shut", "shutdown, EOF, EPIPE and SIGPIPE" },
	{ "buf", "Buffers and options" }, { "peek", "MSG_PEEK" },
	{ "oob", "MSG_OOB" }, { "fd", "SCM_RIGHTS and the CMSG macros" },
	{ "gc", "In-flight descriptors and garbage collection" },
	{ "cred", "Credentials" }, { "abs", "Abstract namespace and autobind" },
	{ "lnx", "Linux-specific options" }, { "race", "Races" },
};

static const char *
area_title(const char *key, char *buf, size_t len)
{
	size_t i, n = strcspn(key, ".");

	for (i = 0; i < sizeof(areas) / sizeof(areas[0]); i++)
		if (strlen(areas[i][0]) == n && strncmp(key, areas[i][0], n) == 0)
			return (areas[i][1]);
	snprintf(buf, len, "%.*s", (int)n, key);
	return (buf);
}

/*
 * The footnote number of a source text: one note for each distinct
 * how-known and source, so a source cited by many cells is listed once.
 */
static const char **notes;
static size_t nnotes, capnotes;

static size_t
note_for(const struct afx_fact *f)
{
	char buf[AFX_LINE_MAX * 4], known[AFX_LINE_MAX * 2];
	const char *k;
	size_t i, n = 0;

	/* "observed on 5.10, 6.1": a list a reader (and troff) can break. */
	if (strncmp(f->known, "observed:", 9) == 0) {
		n = (size_t)snprintf(known, sizeof(known), "observed on ");
		for (k = f->known + 9; *k != '\0' && n + 3 < sizeof(known);
		    k++) {
			known[n++] = *k;
			if (*k == ',')
				known[n++] = ' ';
		}
		known[n] = '\0';
	} else
		snprintf(known, sizeof(known), "%s", f->known);
	snprintf(buf, sizeof(buf), "%s: %s", known, f->source);
	for (i = 0; i < nnotes; i++)
		if (strcmp(notes[i], buf) == 0)
			return (i + 1);
	if (nnotes == capnotes) {
		const char **nn;

		capnotes = capnotes != 0 ? capnotes * 2 : 256;
		if ((nn = realloc(notes, capnotes * sizeof(*notes))) == NULL)
			err(1, "realloc");
		notes = nn;
	}
	if ((notes[nnotes++] = strdup(buf)) == NULL)
		err(1, "strdup");
	return (nnotes);
}

/* A table cell: every fact of the key, a footnote for each source. */
static void
md_cell(const struct afx_platform *p, const char *key, const char *base)
{
	const struct afx_fact *f;
	char range[80], mine[256];
	size_t i, n = 0;
	int differs;

	cell(p, key, mine, sizeof(mine), 0);
	differs = base != NULL && strcmp(mine, "-") != 0 &&
	    strcmp(mine, base) != 0;
	if (differs)
		printf("[");
	for (i = 0; i < p->nfacts; i++) {
		f = &p->facts[i];
		if (strcmp(f->key, key) != 0)
			continue;
		afx_format_range(f, range, sizeof(range));
		printf("%s", n++ > 0 ? "<br>" : "");
		md_put(f->outcome);
		if (range[0] != '\0') {
			printf(" ");
			md_put(range);
		}
		if (strcmp(f->known, "unverified") == 0)
			printf("?");
		else if (strncmp(f->known, "observed:", 9) == 0)
			printf("✓");
		printf("[^s%zu]", note_for(f));
	}
	if (n == 0)
		printf("—");
	if (differs)
		printf("]{.differs}");
}

static void
md_notes(void)
{
	size_t i;

	printf("\n");
	for (i = 0; i < nnotes; i++) {
		printf("[^s%zu]: ", i + 1);
		md_put(notes[i]);
		printf("\n");
		free((void *)notes[i]);
	}
	free(notes);
	notes = NULL;
	nnotes = capnotes = 0;
}

/*
 * Markdown for the docs: a table per area, key by platform, with the
 * cells that differ from Linux marked and every source a footnote.  With
 * keys, one table of just those keys (a lesson's "on other systems" box).
 */
static int
cmd_markdown(int argc, char **argv)
{
	const char **keys, *area = NULL, *title;
	char base[256], buf[64];
	size_t i, n;
	int j;

	load_all();
	if (argc > 0) {
		if ((keys = calloc((size_t)argc + 1, sizeof(*keys))) == NULL)
			err(1, "calloc");
		for (j = 0; j < argc; j++) {
			for (i = 0; i < (size_t)nplat; i++)
				if (afx_has_key(&plat[i], argv[j]))
					break;
			if (i == (size_t)nplat)
				errx(1, "no platform has key '%s'", argv[j]);
			keys[j] = argv[j];
		}
		n = (size_t)argc;
	} else
		keys = all_keys(&n);
	for (i = 0; i < n; i++) {
		title = area_title(keys[i], buf, sizeof(buf));
		if (argc == 0 && (area == NULL || strcmp(area, title) != 0)) {
			printf("\n## %s\n\n", title);
			area = title;
		}
		if (area == NULL || i == 0 || (argc == 0 &&
		    strcmp(area_title(keys[i - 1], buf, sizeof(buf)), title)
		    != 0)) {
			printf("| key |");
			for (j = 0; j < nplat; j++)
				printf(" %s |", plat[j].name);
			printf("\n|---|");
			for (j = 0; j < nplat; j++)
				printf("---|");
			printf("\n");
			if (argc > 0)
				area = title;
		}
		printf("| `%s` |", keys[i]);
		cell(&plat[0], keys[i], base, sizeof(base), 0);
		for (j = 0; j < nplat; j++) {
			printf(" ");
			md_cell(&plat[j], keys[i], j == 0 ? NULL : base);
			printf(" |");
		}
		printf("\n");
	}
	md_notes();
	free(keys);
	return (0);
}

/*
 * The same facts as a definition list, one key after another: what a
 * manual page can show, where a table nine columns wide cannot fit.
 */
static int
cmd_markdown_list(void)
{
	const char **keys, *area = NULL, *title;
	char buf[64];
	size_t i, n;
	int j;

	load_all();
	keys = all_keys(&n);
	for (i = 0; i < n; i++) {
		title = area_title(keys[i], buf, sizeof(buf));
		if (area == NULL || strcmp(area, title) != 0) {
			printf("\n# %s\n", title);
			area = title;
		}
		printf("\n**%s**\n:   ", keys[i]);
		for (j = 0; j < nplat; j++) {
			printf("%s%s ", j > 0 ? "; " : "", plat[j].name);
			md_cell(&plat[j], keys[i], NULL);
		}
		printf("\n");
	}
	md_notes();
	free(keys);
	return (0);
}

/*
 * Turn what record mode wrote (lines "key<TAB>observed", in the order the
 * test cases finished) into a platform file: one line per key, sorted,
 * every one observed on this release.  A key recorded twice must agree.
 */
static int
cmd_record_to_data(const char *path, const char *sysname, const char *release)
{
	FILE *fp;
	char line[AFX_LINE_MAX], **keys = NULL, **outs = NULL, *tab, *nl;
	size_t i, j, n = 0, cap = 0;
	int lineno = 0, r = 0;
	char known[256];

	if (!valid_release(release))
		errx(2, "bad release '%s': letters, digits and ._+- only",
		    release);
	if ((fp = fopen(path, "r")) == NULL)
		err(1, "%s", path);
	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		if ((nl = strchr(line, '\n')) == NULL && !feof(fp))
			errx(1, "%s:%d: line too long", path, lineno);
		if (nl != NULL)
			*nl = '\0';
		if ((tab = strchr(line, '\t')) == NULL || tab == line ||
		    tab[1] == '\0' || strchr(tab + 1, '\t') != NULL)
			errx(1, "%s:%d: want key<TAB>observed", path, lineno);
		*tab++ = '\0';
		for (i = 0; i < n; i++)
			if (strcmp(keys[i], line) == 0)
				break;
		if (i < n) {
			if (strcmp(outs[i], tab) != 0)
				errx(1, "%s:%d: %s recorded as %s and as %s", path,
				    lineno, line, outs[i], tab);
			continue;
		}
		if (n == cap) {
			char **nk, **no;

			cap = cap != 0 ? cap * 2 : 256;
			if ((nk = realloc(keys, cap * sizeof(*keys))) == NULL)
				err(1, "realloc");
			keys = nk;
			if ((no = realloc(outs, cap * sizeof(*outs))) == NULL)
				err(1, "realloc");
			outs = no;
		}
		if ((keys[n] = strdup(line)) == NULL ||
		    (outs[n] = strdup(tab)) == NULL)
			err(1, "strdup");
		n++;
	}
	if (ferror(fp))
		err(1, "%s", path);
	fclose(fp);
	/* Sort by key, carrying the outcomes along. */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(keys[j - 1], keys[j]) > 0; j--) {
			char *t = keys[j];

			keys[j] = keys[j - 1];
			keys[j - 1] = t;
			t = outs[j];
			outs[j] = outs[j - 1];
			outs[j - 1] = t;
		}
	snprintf(known, sizeof(known), "observed:%s", release);
	printf("# afunix platform data recorded on %s %s\n#\n"
	    "# key [versions] outcome how-known source\n"
	    "# Written by afunix-expect record-to-data from a run of the\n"
	    "# conformance suite in record mode: review every line and give it\n"
	    "# a source before it joins platforms/.\n\n", sysname, release);
	for (i = 0; i < n; i++) {
		printf("%s\t%s\t%s\tafunix conformance suite, record mode, "
		    "on %s %s\n", keys[i], outs[i], known, sysname, release);
		free(keys[i]);
		free(outs[i]);
	}
	free(keys);
	free(outs);
	return (r);
}

/*
 * Compare a data file (a recorded one, say) with a platform's data at a
 * release: every key of the file whose outcome differs there, or which
 * the platform does not know.  Exit 1 when anything differs.
 */
static int
cmd_compare(int argc, char **argv)
{
	struct afx_platform f, *p;
	const struct afx_fact *e;
	struct afx_version v;
	size_t i, ndiff = 0, nunknown = 0;

	if (argc < 2 || argc > 3)
		usage();
	load_one(argv[0], &f);
	load_all();
	p = find_platform(argv[1]);
	if (argc == 3 && afx_parse_version(argv[2], &v) == -1)
		errx(2, "bad version '%s'", argv[2]);
	for (i = 0; i < f.nfacts; i++) {
		e = afx_lookup(p, f.facts[i].key, argc == 3 ? &v : NULL);
		if (e == NULL) {
			printf("%s\t%s=%s\t%s=(no expectation)\n",
			    f.facts[i].key, f.name, f.facts[i].outcome, p->name);
			nunknown++;
		} else if (strcmp(e->outcome, f.facts[i].outcome) != 0) {
			printf("%s\t%s=%s\t%s=%s\n", f.facts[i].key, f.name,
			    f.facts[i].outcome, p->name, e->outcome);
			ndiff++;
		}
	}
	fprintf(stderr, "%zu keys compared: %zu differ, %zu unknown to %s\n",
	    f.nfacts, ndiff, nunknown, p->name);
	afx_free(&f);
	return (ndiff + nunknown > 0);
}

int
main(int argc, char *argv[])
{
	int ch, r;

	while ((ch = getopt(argc, argv, "d:")) != -1)
		switch (ch) {
		case 'd':
			/* Empty, "-d ''" would read /linux and the rest. */
			if (*optarg == '\0')
				errx(2, "-d: empty data directory name");
			datadir = optarg;
			break;
		default:
			usage();
		}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	if (strcmp(argv[0], "check") == 0)
		r = cmd_check(argc - 1, argv + 1);
	else if (strcmp(argv[0], "show") == 0 && argc == 2)
		r = cmd_show(argv[1]);
	else if (strcmp(argv[0], "get") == 0)
		r = cmd_get(argc - 1, argv + 1);
	else if (strcmp(argv[0], "keys") == 0 && argc == 1)
		r = cmd_keys();
	else if (strcmp(argv[0], "dump") == 0 && argc == 1)
		r = cmd_dump();
	else if (strcmp(argv[0], "matrix") == 0 && argc == 1)
		r = cmd_matrix();
	else if (strcmp(argv[0], "diff") == 0 && argc == 3)
		r = cmd_diff(argv[1], argv[2]);
	else if (strcmp(argv[0], "markdown") == 0)
		r = cmd_markdown(argc - 1, argv + 1);
	else if (strcmp(argv[0], "markdown-list") == 0 && argc == 1)
		r = cmd_markdown_list();
	else if (strcmp(argv[0], "record-to-data") == 0 && argc == 4)
		r = cmd_record_to_data(argv[1], argv[2], argv[3]);
	else if (strcmp(argv[0], "compare") == 0)
		r = cmd_compare(argc - 1, argv + 1);
	else
		usage();
	for (ch = 0; ch < nplat; ch++)
		afx_free(&plat[ch]);
	return (r);
}
