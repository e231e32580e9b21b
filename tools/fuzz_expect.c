/*
 * fuzz_expect: a libFuzzer target for the platform-data parser (expect.c).
 * Each input is the text of a data file.  Whatever the bytes, afx_parse
 * must either accept them, giving facts that the lookups find again, or
 * refuse them with a one-line message and nothing kept; the sanitizers
 * built in with it catch any read or write out of bounds, any leak and any
 * undefined behaviour.  tools/fuzz.sh builds and runs it:
 *
 *	clang -fsanitize=fuzzer,address,undefined -I tools \
 *	    tools/fuzz_expect.c tools/expect.c
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Stop the run: libFuzzer reports the input that got here. */
#define MUST(cond)	do { if (!(cond)) abort(); } while (0)

/*
 * What a parsed platform must satisfy: every fact is found again by its
 * key, at the lower end of its range and, when it has no upper end, for
 * the newest release; ranges print as [lo-hi].
 */
static void
check_facts(const struct afx_platform *p)
{
	const struct afx_fact *f;
	char range[80];
	size_t i;

	for (i = 0; i < p->nfacts; i++) {
		f = &p->facts[i];
		MUST(f->key != NULL && f->outcome != NULL &&
		    f->known != NULL && f->source != NULL);
		MUST(*f->key != '\0' && *f->outcome != '\0' &&
		    *f->source != '\0');
		MUST(afx_has_key(p, f->key));
		if (!f->has_hi)
			MUST(afx_lookup(p, f->key, NULL) != NULL);
		if (f->has_lo)
			MUST(afx_lookup(p, f->key, &f->lo) != NULL);
		if (f->has_lo && f->has_hi)
			MUST(afx_version_cmp(&f->lo, &f->hi) <= 0 ||
			    f->hi.nparts < f->lo.nparts);
		afx_format_range(f, range, sizeof(range));
		MUST((range[0] == '\0') == (!f->has_lo && !f->has_hi));
		MUST(range[0] == '\0' || (range[0] == '[' &&
		    range[strlen(range) - 1] == ']'));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct afx_platform p;
	struct afx_version v;
	char err[AFX_ERR_MAX], s[64];
	size_t n;

	err[0] = '\0';
	if (afx_parse("fuzz", (const char *)data, size, &p, err,
	    sizeof(err)) == 0) {
		check_facts(&p);
		afx_free(&p);
	} else {
		/* Refused: one line that names the input, nothing kept. */
		MUST(strncmp(err, "fuzz", 4) == 0);
		MUST(strchr(err, '\n') == NULL);
		MUST(p.facts == NULL && p.nfacts == 0 && p.name == NULL);
	}

	/* The release parser, on the first bytes as a C string. */
	n = size < sizeof(s) - 1 ? size : sizeof(s) - 1;
	memcpy(s, data, n);
	s[n] = '\0';
	if (afx_parse_version(s, &v) == 0) {
		MUST(v.nparts >= 1 && v.nparts <= 3);
		MUST(v.part[0] >= 0 && v.part[1] >= 0 && v.part[2] >= 0);
		MUST(afx_version_cmp(&v, &v) == 0);
	}
	return (0);
}
