# gates_test: the verdicts of the reliability gates (tools/gates.sh; make
# test runs them before the suite), one test case a gate, so that a gate
# that failed is a failure of the suite with its reason.  The kyua
# variable gatesdir names the gates' results (run-suite.sh sets it when
# the build has them); without it there is nothing to judge.

# check_gate name 'pattern': the gate ran, exited 0 and its log ends with
# the line that says what it checked.
check_gate()
{
	d=$(atf_config_get gatesdir)
	[ -f "$d/$1.status" ] || atf_fail "gate $1 did not run (no $d/$1.status)"
	st=$(cat "$d/$1.status")
	last=$(tail -n 1 "$d/$1.log" 2>/dev/null)
	[ "$st" = 0 ] || atf_fail "gate $1 failed (exit $st): $last (log: $d/$1.log)"
	echo "$last" | grep -Eq "$2" ||
	    atf_fail "gate $1 exited 0 but its log does not end as it should: $last"
	echo "$last"
}

atf_test_case lint
lint_head()
{
	atf_set descr "make lint: cppcheck, clang-tidy and shellcheck find nothing in any C file or script"
	atf_set require.config gatesdir
}
lint_body()
{
	check_gate lint '^lint: cppcheck on [1-9][0-9]* C files, clang-tidy on [1-9][0-9]* C files, shellcheck on [1-9][0-9]* scripts: 0 findings$'
}

atf_test_case sanitize
sanitize_head()
{
	atf_set descr "make sanitize: the whole suite and every lesson pass built with ASan and UBSan by gcc and clang, with no report"
	atf_set require.config gatesdir
}
sanitize_body()
{
	check_gate sanitize '^sanitize: .* passed with gcc clang, 0 sanitizer reports$'
}

atf_test_case leaks
leaks_head()
{
	atf_set descr "make leaks: every lesson under valgrind leaks no descriptor and no memory"
	atf_set require.config gatesdir
}
leaks_body()
{
	check_gate leaks '^leaks: [1-9][0-9]* lesson runs under valgrind, no leaked descriptor, no leak, no error$'
}

atf_test_case fuzz
fuzz_head()
{
	atf_set descr "make fuzz: libFuzzer finds no crash in the platform-data parser"
	atf_set require.config gatesdir
}
fuzz_body()
{
	check_gate fuzz '^fuzz: [1-9][0-9]* executions in [0-9]+ s .*, 0 crashes$'
}

atf_test_case stress
stress_head()
{
	atf_set descr "make stress: the whole suite run again and again in parallel, as root and as an ordinary user, never fails"
	atf_set require.config gatesdir
}
stress_body()
{
	check_gate stress '^stress: [1-9][0-9]* runs, 0 failures$'
}

atf_test_case leftovers
leftovers_head()
{
	atf_set descr "The suites and lessons run by the gates leave no socket, temporary directory or core dump behind"
	atf_set require.config gatesdir
}
leftovers_body()
{
	check_gate leftovers '^leftovers.sh: nothing left behind'
}

atf_init_test_cases()
{
	atf_add_test_case lint
	atf_add_test_case sanitize
	atf_add_test_case leaks
	atf_add_test_case fuzz
	atf_add_test_case stress
	atf_add_test_case leftovers
}
