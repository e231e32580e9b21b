# baseline_test: hold this machine to each other platform's data and check
# that exactly the test cases whose data differ fail (tools/check-baseline.sh).

check_baseline()
{
	top=$(atf_get_srcdir)/..
	set -- "$@"
	if datadir=$(atf_config_get datadir 2>/dev/null); then
		set -- -d "$datadir" "$@"
	fi
	atf_check -s exit:0 -o match:" 0 mismatches" -e ignore \
	    sh "$top/tools/check-baseline.sh" "$@"
}

for p in freebsd netbsd openbsd dragonfly macos illumos windows; do
	eval "atf_test_case $p
	${p}_head() {
		atf_set descr 'With platform=$p, exactly the test cases whose $p data differ from this system fail'
		atf_set timeout 120
	}
	${p}_body() { check_baseline $p; }"
done

atf_test_case linux_5_10
linux_5_10_head()
{
	atf_set descr "With platform=linux and platform_version=5.10, exactly the test cases whose 5.10 data differ fail"
	atf_set timeout 120
}
linux_5_10_body()
{
	check_baseline -r 5.10 linux
}

atf_test_case record_roundtrip
record_roundtrip_head()
{
	atf_set descr "Recording this system in record mode and comparing with its own platform data shows no difference"
	atf_set timeout 300
}
record_roundtrip_body()
{
	top=$(atf_get_srcdir)/..
	set --
	if datadir=$(atf_config_get datadir 2>/dev/null); then
		set -- -d "$datadir"
	fi
	case $(uname -s) in Linux) here=linux ;; *) atf_skip "record round trip is checked on Linux" ;; esac
	atf_check -s exit:0 -o match:"facts recorded" -e ignore \
	    sh "$top/tools/record-platform.sh" -b "$PWD/build" recorded
	atf_check -s exit:0 -o empty -e match:" 0 differ, 0 unknown" \
	    "$top/tools/afunix-expect" "$@" compare recorded "$here" "$(uname -r)"
}

atf_init_test_cases()
{
	atf_add_test_case record_roundtrip
	for p in freebsd netbsd openbsd dragonfly macos illumos windows; do
		atf_add_test_case $p
	done
	atf_add_test_case linux_5_10
}
