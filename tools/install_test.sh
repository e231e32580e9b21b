# install_test: install into a DESTDIR as the system test suites are
# installed, run kyua on the installed tree from another directory, and
# uninstall again leaving nothing behind.

install_and_run()
{
	top=$(atf_get_srcdir)/..
	export AFUNIX_DOCSDIR DESTDIR PREFIX
	AFUNIX_DOCSDIR=$(atf_config_get docsdir)
	DESTDIR=$PWD/dest
	PREFIX=/opt/afunix
	atf_check -s exit:0 -o match:"installed [0-9]+ files" \
	    sh "$top/tools/install.sh" install
	tree=$DESTDIR$PREFIX
	for f in tests/afunix/Kyuafile tests/afunix/conformance/address_test \
	    share/afunix/platforms/linux libexec/afunix/01-sockaddr \
	    share/afunix/lessons/01-sockaddr.c share/man/man7/afunix.7 \
	    bin/afunix-expect; do
		[ -f "$tree/$f" ] || atf_fail "$f was not installed"
	done
	# From another directory, with no configuration: the installed tests
	# must find the installed data by themselves.
	set --
	[ "$(id -u)" -eq 0 ] && set -- -v unprivileged_user=nobody
	(cd / && kyua --logfile="$OLDPWD/kyua.log" -v parallelism=2 "$@" \
	    test -k "$tree/tests/afunix/Kyuafile" -r "$OLDPWD/r.db") >run.out 2>&1 ||
	    atf_fail "kyua on the installed tree failed: $(grep -E 'failed|broken' run.out | head -3)"
	kyua db-exec --no-headers -r r.db \
	    "SELECT COUNT(*) FROM test_results WHERE result_type = 'passed'" >n
	[ "$(cat n)" -gt 100 ] || atf_fail "only $(cat n) test cases passed on the installed tree"
	atf_check -s exit:0 -o match:"removed [0-9]+ files" \
	    sh "$top/tools/install.sh" uninstall
	# The prefix itself may stay, empty; nothing in it may.
	left=$(find "$tree" -mindepth 1 | head -3)
	[ -z "$left" ] || atf_fail "uninstall left: $left"
}

atf_test_case destdir
destdir_head()
{
	atf_set descr "make install into a DESTDIR, kyua on the installed tree from / passes, make uninstall removes exactly what was installed"
	atf_set require.config docsdir
	atf_set timeout 300
}
destdir_body()
{
	install_and_run
}

atf_test_case destdir_unprivileged
destdir_unprivileged_head()
{
	atf_set descr "An ordinary user can install into a DESTDIR and run the installed suite"
	atf_set require.config docsdir
	atf_set require.user unprivileged
	atf_set timeout 300
}
destdir_unprivileged_body()
{
	install_and_run
}

atf_test_case refuses
refuses_head()
{
	atf_set descr "install.sh refuses a relative PREFIX, a second install over the first and an uninstall of nothing"
}
refuses_body()
{
	top=$(atf_get_srcdir)/..
	atf_check -s exit:1 -e match:"PREFIX must be an absolute path" \
	    env PREFIX=rel DESTDIR="$PWD/d" sh "$top/tools/install.sh" install
	atf_check -s exit:1 -e match:"nothing of afunix is installed" \
	    env PREFIX=/x DESTDIR="$PWD/d" sh "$top/tools/install.sh" uninstall
	mkdir -p d/x/share/afunix && touch d/x/share/afunix/MANIFEST
	atf_check -s exit:1 -e match:"uninstall the earlier install first" \
	    env PREFIX=/x DESTDIR="$PWD/d" sh "$top/tools/install.sh" install
	atf_check -s exit:2 -e match:"usage" sh "$top/tools/install.sh"
}

atf_init_test_cases()
{
	atf_add_test_case destdir
	atf_add_test_case destdir_unprivileged
	atf_add_test_case refuses
}
