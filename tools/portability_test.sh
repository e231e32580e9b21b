# portability_test: what can be checked of other systems without running
# them.  macos_headers compiles every lesson, conformance test and tool for
# macOS (x86_64 and arm64) against the macOS headers (tools/macos-check.sh).

atf_test_case macos_headers
macos_headers_head()
{
	atf_set descr "Every lesson, conformance test and tool compiles with -Werror against the macOS headers for x86_64 and arm64"
	atf_set require.progs "clang npm bmake"
	# The first run fetches the headers with npm.
	atf_set timeout 600
}
macos_headers_body()
{
	# On a Mac the build itself compiles everything against the real SDK.
	[ "$(uname -s)" = Darwin ] && atf_skip "on macOS the build itself is this check"
	top=$(atf_get_srcdir)/..
	set --
	if sdk=$(atf_config_get macos_sdk 2>/dev/null); then
		set -- -s "$sdk"
	fi
	atf_check -s exit:0 -o match:" 0 failed$" -e empty \
	    sh "$top/tools/macos-check.sh" "$@"
}

atf_init_test_cases()
{
	atf_add_test_case macos_headers
}
