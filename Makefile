# afunix, built with bmake (Debian's bmake with /usr/share/mk, or a BSD
# make).  GNU make users: GNUmakefile hands everything to bmake.
#
#	make		check dependencies, build, run the conformance suite
#	make all	build only
#	make test	everything that must pass; ends "N passed, N failed, N skipped"
#	make lessons	build and run every lesson in order, narrated
#	make docs	the HTML site, man pages and EPUB, into ${BUILDDIR}/docs
#	make pdf	the lessons as a PDF, where weasyprint is installed
#	make kernels	the suite on Debian's Linux kernels 5.10 to 7.x under qemu
#	make install	PREFIX (/usr/local) and DESTDIR honoured; make uninstall
#	make clean

SUBDIR=		tools conformance lessons
SUBDIR_MUST_EXIST=	yes

BUILDDIR?=	${.CURDIR}/_build
NCPU!=		getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2
RUN_SUITE=	sh ${.CURDIR}/tools/run-suite.sh -b ${BUILDDIR}

.MAIN: main

main: .PHONY
	@sh ${.CURDIR}/tools/deps.sh
	@cd ${.CURDIR} && ${.MAKE} all
	@${RUN_SUITE} -t "conformance suite on this machine" \
	    ${.CURDIR}/conformance/Kyuafile

# The oldest and newest kernels run first, then the docs are built and
# the reliability gates run (stress CI_STRESS_RUNS times): test cases of
# the suite judge all three, so the last line counts everything.
CI_STRESS_RUNS?=	3
test check: .PHONY
	@sh ${.CURDIR}/tools/deps.sh docs kernels gates
	@cd ${.CURDIR} && ${.MAKE} kernels-ci
	@cd ${.CURDIR} && ${.MAKE} docs
	@sh ${.CURDIR}/tools/gates.sh -k -b ${BUILDDIR} -n ${CI_STRESS_RUNS} \
	    -t ${FUZZ_SECONDS}
	@${RUN_SUITE} -t "afunix: everything that must pass" ${.CURDIR}/Kyuafile

# subdir.mk makes "lessons" a double-colon target that builds the
# directory; this one adds running them.
lessons:: .PHONY
	@cd ${.CURDIR}/lessons && ${.MAKE} all
	@sh ${.CURDIR}/tools/run-lessons.sh ${.CURDIR}/lessons

# The results page shows the latest run of the suite: make one if there
# is none yet (its failures are the page's business, not the build's).
docs: .PHONY
	@sh ${.CURDIR}/tools/deps.sh docs
	@cd ${.CURDIR} && ${.MAKE} all
	@test -s ${BUILDDIR}/kyua/all.db || test -s ${BUILDDIR}/kyua/conformance.db || \
	    ${RUN_SUITE} ${.CURDIR}/conformance/Kyuafile >/dev/null || true
	@cd ${.CURDIR}/docs && ${.MAKE} -j ${NCPU} BUILDDIR=${BUILDDIR} all

# A PDF of the lessons, only where weasyprint is installed (never LaTeX).
pdf: .PHONY
	@cd ${.CURDIR} && ${.MAKE} docs
	@cd ${.CURDIR}/docs && ${.MAKE} BUILDDIR=${BUILDDIR} pdf

# Boot Debian's kernels (5.10 to the newest) in qemu, run the conformance
# suite on each and hold it against the Linux data for its release.
KERNELS?=	all
kernels: .PHONY
	@sh ${.CURDIR}/tools/deps.sh kernels
	@cd ${.CURDIR} && ${.MAKE} all
	@sh ${.CURDIR}/tools/kernels/run.sh -b ${BUILDDIR} ${KERNELS}

# The oldest and the newest kernel, downloads included (make test).
kernels-ci: .PHONY
	@cd ${.CURDIR} && ${.MAKE} kernels KERNELS="oldest newest"

PREFIX?=	/usr/local
install: .PHONY
	@cd ${.CURDIR} && ${.MAKE} docs
	@PREFIX=${PREFIX} DESTDIR=${DESTDIR} AFUNIX_DOCSDIR=${BUILDDIR}/docs \
	    sh ${.CURDIR}/tools/install.sh install
uninstall: .PHONY
	@PREFIX=${PREFIX} DESTDIR=${DESTDIR} sh ${.CURDIR}/tools/install.sh uninstall

# The reliability gates; each tool says what it checks.  make gates runs
# them all, with STRESS_RUNS runs of the suite under stress, and checks
# that they left nothing behind (tools/gates.sh).
STRESS_RUNS?=	20
FUZZ_SECONDS?=	60

sanitize: .PHONY
	@sh ${.CURDIR}/tools/sanitize.sh -b ${BUILDDIR}

stress: .PHONY
	@cd ${.CURDIR} && ${.MAKE} all
	@sh ${.CURDIR}/tools/stress.sh -b ${BUILDDIR} -n ${STRESS_RUNS} \
	    ${.CURDIR}/Kyuafile

# subdir.mk makes "lint" recurse too: Makefile.inc makes that nothing.
lint: .PHONY
	@sh ${.CURDIR}/tools/lint.sh

fuzz: .PHONY
	@sh ${.CURDIR}/tools/fuzz.sh -b ${BUILDDIR} -t ${FUZZ_SECONDS}

leaks: .PHONY
	@cd ${.CURDIR}/lessons && ${.MAKE} all
	@sh ${.CURDIR}/tools/leaks.sh -b ${BUILDDIR} ${.CURDIR}/lessons

gates: .PHONY
	@sh ${.CURDIR}/tools/deps.sh gates
	@cd ${.CURDIR} && ${.MAKE} all
	@sh ${.CURDIR}/tools/gates.sh -b ${BUILDDIR} -n ${STRESS_RUNS} \
	    -t ${FUZZ_SECONDS}

clean: cleanbuild
cleanbuild: .PHONY
	rm -rf ${BUILDDIR}

# With -j, "make clean all" must not build while it cleans.
.ORDER: clean all

.include <bsd.subdir.mk>
