/*
 * Unit tests of the platform-data parser (expect.c) and of the
 * afunix-expect command that fronts it.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "expect.h"

static void
parse_ok(const char *text, struct afx_platform *p)
{
	char err[AFX_ERR_MAX] = "";

	ATF_REQUIRE_MSG(afx_parse("t", text, strlen(text), p, err,
	    sizeof(err)) == 0, "parse failed: %s", err);
}

/* The text must be rejected with a message that contains want. */
static void
parse_fails(const char *text, const char *want)
{
	struct afx_platform p;
	char err[AFX_ERR_MAX] = "";

	ATF_REQUIRE_MSG(afx_parse("t", text, strlen(text), &p, err,
	    sizeof(err)) == -1, "accepted malformed data: %s", text);
	ATF_REQUIRE_MSG(strstr(err, want) != NULL,
	    "message '%s' does not contain '%s'", err, want);
	ATF_REQUIRE_MSG(strchr(err, '\n') == NULL, "message is not one line");
	ATF_REQUIRE_EQ(p.nfacts, 0);
	ATF_REQUIRE(p.facts == NULL);
}

static struct afx_version
version(const char *s)
{
	struct afx_version v;

	ATF_REQUIRE_MSG(afx_parse_version(s, &v) == 0, "version %s", s);
	return (v);
}

static const char *
outcome_at(const struct afx_platform *p, const char *key, const char *ver)
{
	struct afx_version v;
	const struct afx_fact *f;

	if (ver != NULL)
		v = version(ver);
	f = afx_lookup(p, key, ver != NULL ? &v : NULL);
	return (f != NULL ? f->outcome : "(none)");
}

ATF_TC(parse_fields);
ATF_TC_HEAD(parse_fields, tc)
{
	atf_tc_set_md_var(tc, "descr", "A line yields key, outcome, "
	    "how-known and the rest of the line as source; comments and "
	    "blank lines are skipped");
}
ATF_TC_BODY(parse_fields, tc)
{
	struct afx_platform p;
	const struct afx_fact *f;

	parse_ok("# comment\n\n  \t\nbind.live EADDRINUSE observed:6.18.44 "
	    "unix(7) ERRORS;  af_unix.c unix_bind_bsd  \n"
	    "addr.len\t108\tsource\tsys/un.h\n", &p);
	ATF_REQUIRE_EQ(p.nfacts, 2);
	f = afx_lookup(&p, "bind.live", NULL);
	ATF_REQUIRE(f != NULL);
	ATF_REQUIRE_STREQ(f->outcome, "EADDRINUSE");
	ATF_REQUIRE_STREQ(f->known, "observed:6.18.44");
	ATF_REQUIRE_STREQ(f->source, "unix(7) ERRORS;  af_unix.c unix_bind_bsd");
	ATF_REQUIRE_EQ(f->line, 4);
	ATF_REQUIRE_STREQ(outcome_at(&p, "addr.len", "6.1"), "108");
	ATF_REQUIRE(afx_lookup(&p, "addr.missing", NULL) == NULL);
	ATF_REQUIRE(afx_has_key(&p, "addr.len"));
	ATF_REQUIRE(!afx_has_key(&p, "addr"));
	afx_free(&p);
}

ATF_TC(parse_no_trailing_newline);
ATF_TC_HEAD(parse_no_trailing_newline, tc)
{
	atf_tc_set_md_var(tc, "descr", "The last line counts even without "
	    "a newline");
}
ATF_TC_BODY(parse_no_trailing_newline, tc)
{
	struct afx_platform p;

	parse_ok("a.b ok source x", &p);
	ATF_REQUIRE_EQ(p.nfacts, 1);
	afx_free(&p);
}

ATF_TC(version_ranges);
ATF_TC_HEAD(version_ranges, tc)
{
	atf_tc_set_md_var(tc, "descr", "Version ranges select the fact "
	    "that holds for a release; an upper bound covers its patch "
	    "releases");
}
ATF_TC_BODY(version_ranges, tc)
{
	struct afx_platform p;
	char buf[64];

	parse_ok("oob.send [-5.14] EOPNOTSUPP source a\n"
	    "oob.send [5.15-] ok source b\n"
	    "x.y [5.10-6.1] EINVAL unverified c\n", &p);
	ATF_REQUIRE_STREQ(outcome_at(&p, "oob.send", "5.10.209"), "EOPNOTSUPP");
	ATF_REQUIRE_STREQ(outcome_at(&p, "oob.send", "5.14.21"), "EOPNOTSUPP");
	ATF_REQUIRE_STREQ(outcome_at(&p, "oob.send", "5.15"), "ok");
	ATF_REQUIRE_STREQ(outcome_at(&p, "oob.send", "6.18.44-fc-v595"), "ok");
	ATF_REQUIRE_STREQ(outcome_at(&p, "x.y", "6.1.150"), "EINVAL");
	ATF_REQUIRE_STREQ(outcome_at(&p, "x.y", "6.2"), "(none)");
	ATF_REQUIRE_STREQ(outcome_at(&p, "x.y", "5.4"), "(none)");
	/* With no version known, the newest release's fact answers. */
	ATF_REQUIRE_STREQ(outcome_at(&p, "oob.send", NULL), "ok");
	ATF_REQUIRE_STREQ(outcome_at(&p, "x.y", NULL), "(none)");
	afx_format_range(&p.facts[0], buf, sizeof(buf));
	ATF_REQUIRE_STREQ(buf, "[-5.14]");
	afx_format_range(&p.facts[2], buf, sizeof(buf));
	ATF_REQUIRE_STREQ(buf, "[5.10-6.1]");
	afx_free(&p);
}

ATF_TC(version_parse);
ATF_TC_HEAD(version_parse, tc)
{
	atf_tc_set_md_var(tc, "descr", "Release strings of the platforms "
	    "parse into numbers; garbage does not");
}
ATF_TC_BODY(version_parse, tc)
{
	struct afx_version v;

	v = version("6.18.44-fc-v595");
	ATF_REQUIRE(v.part[0] == 6 && v.part[1] == 18 && v.part[2] == 44);
	v = version("14.1-RELEASE-p3");
	ATF_REQUIRE(v.part[0] == 14 && v.part[1] == 1 && v.part[2] == 0);
	v = version("7");
	ATF_REQUIRE(v.part[0] == 7 && v.nparts == 1);
	ATF_REQUIRE(afx_parse_version("", &v) == -1);
	ATF_REQUIRE(afx_parse_version("v6.1", &v) == -1);
	ATF_REQUIRE(afx_parse_version("-1", &v) == -1);
	ATF_REQUIRE(afx_parse_version("99999999999999999999999", &v) == -1);
}

ATF_TC(sysnames);
ATF_TC_HEAD(sysnames, tc)
{
	atf_tc_set_md_var(tc, "descr", "uname sysnames map to platform "
	    "file names, and every platform is listed");
}
ATF_TC_BODY(sysnames, tc)
{
	int n;

	ATF_REQUIRE_STREQ(afx_platform_for_sysname("Linux"), "linux");
	ATF_REQUIRE_STREQ(afx_platform_for_sysname("Darwin"), "macos");
	ATF_REQUIRE_STREQ(afx_platform_for_sysname("SunOS"), "illumos");
	ATF_REQUIRE(afx_platform_for_sysname("Plan9") == NULL);
	for (n = 0; afx_platforms[n] != NULL; n++)
		continue;
	ATF_REQUIRE_EQ(n, 8);
}

ATF_TC(malformed_key);
ATF_TC_HEAD(malformed_key, tc)
{
	atf_tc_set_md_var(tc, "descr", "Keys must be area.behaviour in "
	    "lower case");
}
ATF_TC_BODY(malformed_key, tc)
{

	parse_fails("nodot ok source x\n", "t:1: bad key 'nodot'");
	parse_fails("# c\nBind.x ok source x\n", "t:2: bad key");
	parse_fails("a..b ok source x\n", "bad key");
	parse_fails("a.b. ok source x\n", "bad key");
	parse_fails("a.b-c ok source x\n", "bad key");
	parse_fails("1a.b ok source x\n", "bad key");
}

ATF_TC(malformed_range);
ATF_TC_HEAD(malformed_range, tc)
{
	atf_tc_set_md_var(tc, "descr", "Version ranges that are empty, "
	    "reversed or not numeric are rejected");
}
ATF_TC_BODY(malformed_range, tc)
{
	static const char *bad[] = {
		"[-]", "[5.15]", "[6.1-5.10]", "[a-b]", "[5.15-", "[1.2.3.4-]",
		"[5..1-]", "[5.-]", "[-6.]", "[1-2-3]", "[]",
	};
	char line[128];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line), "a.b %s ok source x\n", bad[i]);
		parse_fails(line, "t:1: bad version range");
	}
}

ATF_TC(malformed_fields);
ATF_TC_HEAD(malformed_fields, tc)
{
	atf_tc_set_md_var(tc, "descr", "Missing or malformed outcome, "
	    "how-known and source are each named in the message");
}
ATF_TC_BODY(malformed_fields, tc)
{

	parse_fails("a.b\n", "t:1: a.b: missing outcome");
	parse_fails("a.b [5.1-]\n", "a.b: missing outcome");
	parse_fails("a.b E(X) source x\n", "a.b: bad outcome 'E(X)'");
	parse_fails("a.b ok\n", "a.b: missing how-known");
	parse_fails("a.b ok seen x\n", "a.b: bad how-known 'seen'");
	parse_fails("a.b ok observed x\n", "bad how-known 'observed'");
	parse_fails("a.b ok observed: x\n", "bad how-known");
	parse_fails("a.b ok observed:6.1,,6.2 x\n", "bad how-known");
	parse_fails("a.b ok observed:6.1, x\n", "bad how-known");
	parse_fails("a.b ok source\n", "a.b: missing source");
	parse_fails("a.b ok source  \t \n", "a.b: missing source");
}

ATF_TC(malformed_duplicate);
ATF_TC_HEAD(malformed_duplicate, tc)
{
	atf_tc_set_md_var(tc, "descr", "A key given twice for overlapping "
	    "versions is rejected, naming the first line");
}
ATF_TC_BODY(malformed_duplicate, tc)
{
	struct afx_platform p;

	parse_fails("a.b ok source x\n\na.b EINVAL source y\n",
	    "t:3: a.b: already given at line 1");
	parse_fails("a.b [5.10-] ok source x\na.b [-5.10] EINVAL source y\n",
	    "already given at line 1");
	parse_fails("a.b [-5.14] ok source x\na.b [5.14.3-] EINVAL source y\n",
	    "already given");
	parse_fails("a.b [6.1-] ok source x\na.b ENOENT source y\n",
	    "already given");
	parse_ok("a.b [-5.14] ok source x\na.b [5.15-] EINVAL source y\n", &p);
	afx_free(&p);
}

ATF_TC(malformed_bytes);
ATF_TC_HEAD(malformed_bytes, tc)
{
	atf_tc_set_md_var(tc, "descr", "Overlong lines, NUL bytes and "
	    "control characters are rejected");
}
ATF_TC_BODY(malformed_bytes, tc)
{
	struct afx_platform p;
	char err[AFX_ERR_MAX], *big;

	big = malloc(AFX_LINE_MAX + 64);
	ATF_REQUIRE(big != NULL);
	memset(big, 'x', AFX_LINE_MAX + 63);
	memcpy(big, "a.b ok source ", 14);
	big[AFX_LINE_MAX + 63] = '\0';
	parse_fails(big, "t:1: line longer than");
	free(big);
	ATF_REQUIRE(afx_parse("t", "a.b ok source x\0y\n", 18, &p, err,
	    sizeof(err)) == -1);
	ATF_REQUIRE_MATCH("t: NUL byte", err);
	parse_fails("a.b ok source x\r\n", "t:1: control character 0x0d");
	parse_fails("a.b ok source \033[1m\n", "control character 0x1b");
}

ATF_TC(load_errors);
ATF_TC_HEAD(load_errors, tc)
{
	atf_tc_set_md_var(tc, "descr", "A missing or unreadable file gives "
	    "one line naming the file");
}
ATF_TC_BODY(load_errors, tc)
{
	struct afx_platform p;
	char err[AFX_ERR_MAX];

	ATF_REQUIRE(afx_load("no-such-file", &p, err, sizeof(err)) == -1);
	ATF_REQUIRE_MATCH("^no-such-file: cannot open: ", err);
	ATF_REQUIRE(afx_load(".", &p, err, sizeof(err)) == -1);
	ATF_REQUIRE_MATCH("^\\.: cannot read: ", err);
}

/* Run the afunix-expect built next to this test; return its exit code. */
static int
run_cli(const atf_tc_t *tc, const char *const *args, const char *errfile)
{
	char prog[PATH_MAX];
	const char *argv[16];
	pid_t pid;
	int fd, i, status;

	snprintf(prog, sizeof(prog), "%s/afunix-expect",
	    atf_tc_get_config_var(tc, "srcdir"));
	argv[0] = prog;
	for (i = 0; i < 14 && args[i] != NULL; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	ATF_REQUIRE((pid = fork()) != -1);
	if (pid == 0) {
		fd = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd == -1 || dup2(fd, 2) == -1 || dup2(fd, 1) == -1)
			_exit(127);
		execv(prog, (char *const *)argv);
		_exit(127);
	}
	ATF_REQUIRE(waitpid(pid, &status, 0) == pid);
	ATF_REQUIRE(WIFEXITED(status));
	return (WEXITSTATUS(status));
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp;

	ATF_REQUIRE((fp = fopen(path, "w")) != NULL);
	ATF_REQUIRE(fputs(text, fp) != EOF);
	ATF_REQUIRE(fclose(fp) == 0);
}

ATF_TC(cli_bad_input);
ATF_TC_HEAD(cli_bad_input, tc)
{
	atf_tc_set_md_var(tc, "descr", "afunix-expect answers bad data, "
	    "unknown platforms and bad usage with a message and non-zero "
	    "exit");
}
ATF_TC_BODY(cli_bad_input, tc)
{
	static const char *check[] = { "check", "bad", NULL };
	static const char *nodir[] = { "-d", "nodir", "keys", NULL };
	static const char *noplat[] = { "diff", "linux", "plan9", NULL };
	static const char *nocmd[] = { "frobnicate", NULL };
	static const char *badver[] = { "get", "linux", "a.b", "x1", NULL };
	static const char *rec[] = { "record-to-data", "rec", "Linux", "6.1",
	    NULL };
	static const char *recrel[] = { "record-to-data", "rec", "Linux",
	    "6 1", NULL };

	write_file("bad", "a.b ok source x\nbroken line\n");
	ATF_REQUIRE_EQ(run_cli(tc, check, "out"), 1);
	ATF_REQUIRE(atf_utils_grep_file("^afunix-expect: bad:2: bad key",
	    "out"));
	ATF_REQUIRE_EQ(run_cli(tc, nodir, "out"), 1);
	ATF_REQUIRE(atf_utils_grep_file("nodir/linux: cannot open", "out"));
	ATF_REQUIRE_EQ(run_cli(tc, noplat, "out"), 2);
	ATF_REQUIRE(atf_utils_grep_file("unknown platform 'plan9'", "out"));
	ATF_REQUIRE_EQ(run_cli(tc, nocmd, "out"), 2);
	ATF_REQUIRE(atf_utils_grep_file("^usage:", "out"));
	ATF_REQUIRE_EQ(run_cli(tc, badver, "out"), 2);
	ATF_REQUIRE(atf_utils_grep_file("bad version 'x1'", "out"));
	write_file("rec", "a.b\tok\nno tab here\n");
	ATF_REQUIRE_EQ(run_cli(tc, rec, "out"), 1);
	ATF_REQUIRE(atf_utils_grep_file("rec:2: want key<TAB>observed", "out"));
	write_file("rec", "a.b\tok\na.b\tEINVAL\n");
	ATF_REQUIRE_EQ(run_cli(tc, rec, "out"), 1);
	ATF_REQUIRE(atf_utils_grep_file("rec:2: a.b recorded as ok and as "
	    "EINVAL", "out"));
	ATF_REQUIRE_EQ(run_cli(tc, recrel, "out"), 2);
	ATF_REQUIRE(atf_utils_grep_file("bad release", "out"));
}

ATF_TC(cli_answers);
ATF_TC_HEAD(cli_answers, tc)
{
	atf_tc_set_md_var(tc, "descr", "afunix-expect get, show and diff "
	    "answer from a data directory");
}
ATF_TC_BODY(cli_answers, tc)
{
	static const char *get_old[] = { "-d", "d", "get", "linux", "o.s",
	    "5.10", NULL };
	static const char *get_new[] = { "-d", "d", "get", "linux", "o.s",
	    "6.1", NULL };
	static const char *diff[] = { "-d", "d", "diff", "linux", "freebsd",
	    NULL };
	static const char *same[] = { "-d", "d", "diff", "netbsd", "openbsd",
	    NULL };
	const char *const *p;
	char path[64];

	ATF_REQUIRE(mkdir("d", 0700) == 0);
	for (p = afx_platforms; *p != NULL; p++) {
		snprintf(path, sizeof(path), "d/%s", *p);
		write_file(path, "a.b ok source x\n");
	}
	write_file("d/linux", "a.b ok source x\no.s [-5.14] EINVAL source y\n"
	    "o.s [5.15-] ok source z\n");
	write_file("d/freebsd", "a.b EINVAL source x\n");
	ATF_REQUIRE_EQ(run_cli(tc, get_old, "out"), 0);
	ATF_REQUIRE(atf_utils_grep_file("^EINVAL$", "out"));
	ATF_REQUIRE_EQ(run_cli(tc, get_new, "out"), 0);
	ATF_REQUIRE(atf_utils_grep_file("^ok$", "out"));
	ATF_REQUIRE_EQ(run_cli(tc, diff, "out"), 1);
	ATF_REQUIRE(atf_utils_grep_file("^a.b\tlinux=ok\tfreebsd=EINVAL$",
	    "out"));
	ATF_REQUIRE(atf_utils_grep_file("^o.s\tlinux=ok\tfreebsd=-$", "out"));
	ATF_REQUIRE_EQ(run_cli(tc, same, "out"), 0);
}

ATF_TC(cli_record);
ATF_TC_HEAD(cli_record, tc)
{
	atf_tc_set_md_var(tc, "descr", "record-to-data turns recorded "
	    "outcomes into a platform file that parses, and compare finds "
	    "where it differs");
}
ATF_TC_BODY(cli_record, tc)
{
	static const char *rec[] = { "record-to-data", "rec", "Plan9", "4.0",
	    NULL };
	static const char *cmp[] = { "-d", "d", "compare", "data", "linux",
	    NULL };
	struct afx_platform p;
	char path[64], err[AFX_ERR_MAX];
	const char *const *pl;

	write_file("rec", "b.two\tEINVAL\na.one\tok\nb.two\tEINVAL\n");
	ATF_REQUIRE_EQ(run_cli(tc, rec, "data"), 0);
	ATF_REQUIRE_MSG(afx_load("data", &p, err, sizeof(err)) == 0, "%s", err);
	ATF_REQUIRE_EQ(p.nfacts, 2);
	ATF_REQUIRE_STREQ(p.facts[0].key, "a.one");
	ATF_REQUIRE_STREQ(p.facts[1].known, "observed:4.0");
	afx_free(&p);
	ATF_REQUIRE(mkdir("d", 0700) == 0);
	for (pl = afx_platforms; *pl != NULL; pl++) {
		snprintf(path, sizeof(path), "d/%s", *pl);
		write_file(path, "a.one ok source x\nb.two ENOENT source y\n");
	}
	ATF_REQUIRE_EQ(run_cli(tc, cmp, "out"), 1);
	ATF_REQUIRE(atf_utils_grep_file("^b.two\tdata=EINVAL\tlinux=ENOENT$",
	    "out"));
	ATF_REQUIRE(!atf_utils_grep_file("^a.one", "out"));
}

ATF_TC(project_data_parses);
ATF_TC_HEAD(project_data_parses, tc)
{
	atf_tc_set_md_var(tc, "descr", "Every platform file shipped in "
	    "platforms/ parses and is not empty");
}
ATF_TC_BODY(project_data_parses, tc)
{
	struct afx_platform p;
	char path[PATH_MAX], err[AFX_ERR_MAX];
	const char *dir;
	int i;

	dir = atf_tc_get_config_var_wd(tc, "datadir", AFX_DATADIR);
	for (i = 0; afx_platforms[i] != NULL; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, afx_platforms[i]);
		ATF_REQUIRE_MSG(afx_load(path, &p, err, sizeof(err)) == 0,
		    "%s", err);
		ATF_CHECK_MSG(p.nfacts > 0, "%s has no facts", path);
		afx_free(&p);
	}
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, parse_fields);
	ATF_TP_ADD_TC(tp, parse_no_trailing_newline);
	ATF_TP_ADD_TC(tp, version_ranges);
	ATF_TP_ADD_TC(tp, version_parse);
	ATF_TP_ADD_TC(tp, sysnames);
	ATF_TP_ADD_TC(tp, malformed_key);
	ATF_TP_ADD_TC(tp, malformed_range);
	ATF_TP_ADD_TC(tp, malformed_fields);
	ATF_TP_ADD_TC(tp, malformed_duplicate);
	ATF_TP_ADD_TC(tp, malformed_bytes);
	ATF_TP_ADD_TC(tp, load_errors);
	ATF_TP_ADD_TC(tp, cli_bad_input);
	ATF_TP_ADD_TC(tp, cli_answers);
	ATF_TP_ADD_TC(tp, cli_record);
	ATF_TP_ADD_TC(tp, project_data_parses);
	return (atf_no_error());
}
