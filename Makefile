# afunix, built with bmake (Debian's bmake with /usr/share/mk, or a BSD
# make).  GNU make users: GNUmakefile hands everything to bmake.
#
#	make		check dependencies, build, run the conformance suite
#	make all	build only
#	make test	everything that must pass; ends "N passed, N failed, N skipped"
#	make lessons	build and run every lesson in order, narrated
#	make clean

SUBDIR=		tools conformance lessons
SUBDIR_MUST_EXIST=	yes

BUILDDIR?=	${.CURDIR}/_build
RUN_SUITE=	sh ${.CURDIR}/tools/run-suite.sh -b ${BUILDDIR}

.MAIN: main

main: .PHONY
	@sh ${.CURDIR}/tools/deps.sh
	@cd ${.CURDIR} && ${.MAKE} all
	@${RUN_SUITE} -t "conformance suite on this machine" \
	    ${.CURDIR}/conformance/Kyuafile

test check: .PHONY
	@sh ${.CURDIR}/tools/deps.sh
	@cd ${.CURDIR} && ${.MAKE} all
	@${RUN_SUITE} -t "afunix: everything that must pass" ${.CURDIR}/Kyuafile

# subdir.mk makes "lessons" a double-colon target that builds the
# directory; this one adds running them.
lessons:: .PHONY
	@cd ${.CURDIR}/lessons && ${.MAKE} all
	@sh ${.CURDIR}/tools/run-lessons.sh ${.CURDIR}/lessons

clean: cleanbuild
cleanbuild: .PHONY
	rm -rf ${BUILDDIR}

# With -j, "make clean all" must not build while it cleans.
.ORDER: clean all

.include <bsd.subdir.mk>
