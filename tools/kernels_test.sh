# kernels_test: the kernels booted by make kernels (make test boots the
# oldest and the newest) each did what the Linux data says of its release.
# The kyua variable kernelsdir names the run (run-suite.sh sets it).

atf_test_case agree
agree_head()
{
	atf_set descr "Every Linux kernel booted under qemu agrees with the Linux data for its release"
	atf_set require.config kernelsdir
}
agree_body()
{
	top=$(atf_get_srcdir)/..
	k=$(atf_config_get kernelsdir)
	ls "$k"/run/*/report >/dev/null 2>&1 || atf_fail "no kernel was booted in $k"
	set --
	if dd=$(atf_config_get datadir 2>/dev/null); then set -- -d "$dd"; fi
	# compare.sh writes into the kernels directory: work on a copy of
	# the runs (the images and packages are not needed).
	mkdir -p kernels/img && cp -R "$k/run" kernels/ || atf_fail "cannot copy $k/run"
	for i in "$k"/img/*/info; do
		[ -f "$i" ] || continue
		r=$(basename "$(dirname "$i")")
		mkdir -p "kernels/img/$r" && cp "$i" "kernels/img/$r/"
	done
	atf_check -s exit:0 -o match:" 0 failed" -e ignore \
	    sh "$top/tools/kernels/compare.sh" -k kernels "$@"
}

atf_init_test_cases()
{
	atf_add_test_case agree
}
