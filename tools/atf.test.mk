# atf.test.mk: build ATF C test programs with sjg's progs.mk.
#
# Debian's mk-files have no bsd.test.mk, so this fragment does the part of
# it afunix needs: every name in ATF_TESTS_C becomes a program built from
# NAME.c plus SRCS.NAME, linked with atf-c, with no manual page; every name
# in ATF_TESTS_SH becomes a script NAME made from NAME.sh with atf-sh as
# its interpreter.  Plain programs may be listed in PROGS next to them.
# Include it last, in place of <progs.mk>.

.if !defined(ATF_C_LIBS)
ATF_C_LIBS!=	pkg-config --libs atf-c 2>/dev/null || echo -latf-c
.export ATF_C_LIBS
.endif

PROGS+=		${ATF_TESTS_C}
.for t in ${ATF_TESTS_C}
SRCS.$t?=	$t.c
LDADD.$t+=	${ATF_C_LIBS}
.endfor
.for p in ${PROGS}
SRCS.$p?=	$p.c
MAN.$p=
.endfor

.if !empty(ATF_TESTS_SH) && !defined(PROG)
ATF_SH!=	pkg-config --variable=interpreter atf-sh 2>/dev/null || echo /usr/bin/atf-sh
all: ${ATF_TESTS_SH}
.for t in ${ATF_TESTS_SH}
$t: $t.sh
	(echo '#! ${ATF_SH}'; cat ${.ALLSRC}) >${.TARGET}.tmp
	chmod 755 ${.TARGET}.tmp
	mv ${.TARGET}.tmp ${.TARGET}
.endfor
CLEANFILES+=	${ATF_TESTS_SH}
clean: clean-atf-sh
clean-atf-sh: .PHONY
	rm -f ${ATF_TESTS_SH} ${ATF_TESTS_SH:=.tmp}
.endif

# progs.mk leaves objects behind on "clean" unless it is told to pass it on.
PROGS_TARGETS+=	clean
CLEANFILES+=	*.o *.d .depend*

.include <progs.mk>
