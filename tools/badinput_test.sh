# badinput_test: bad input to every lesson that takes arguments, to the
# lessons that take none, to afunix-expect and to the scripts of tools/,
# and malformed platform data of every kind the parser knows, to
# afunix-expect, check-baseline.sh and every conformance test program.
# Each must refuse: a non-zero exit that is not a crash (no signal, not
# 126 or 127), and one line on standard error saying what is wrong.
#
# Socket paths are tried at the lengths around sun_path (107, 108, 109
# bytes and 4 KiB, and one byte short of sun_path's size where that is
# 104): a path that fits with its NUL must get past the length check, one
# that does not must be refused for its length.  Then the empty path, a
# missing directory, and a regular file where a socket is expected.

top()
{
	(cd "$(atf_get_srcdir)/.." && pwd)
}

# sun_path's size here: 108 on Linux and illumos, 104 on the BSDs and macOS.
sun_path_size()
{
	case $(uname -s) in
	Linux|SunOS) echo 108 ;;
	*) echo 104 ;;
	esac
}

# A string of n x's.
xs()
{
	printf "%${1}s" "" | tr ' ' x
}

# The lengths to try, each once: the issue's list and sizeof(sun_path) - 1.
lengths()
{
	echo "$(($(sun_path_size) - 1)) 107 108 109 4096" | tr ' ' '\n' |
	    sort -n -u
}

nbad=0
bad()
{
	nbad=$((nbad + 1))
	echo "BAD: $*" >&2
}

done_checking()
{
	[ "$nbad" -eq 0 ] || atf_fail "$nbad bad answers (listed on stderr)"
}

# Show an argument short: long ones by their length.
show()
{
	for a in "$@"; do
		if [ ${#a} -gt 40 ]; then
			printf '<%d bytes> ' ${#a}
		elif [ -z "$a" ]; then
			printf '"" '
		else
			printf '%s ' "$a"
		fi
	done
}

# run_cmd cmd...: run with no input; status in $st, output in out and err.
run_cmd()
{
	"$@" </dev/null >out 2>err
	st=$?
}

# refused [-m regex] cmd...: the command must refuse: exit 1 to 125, and
# exactly one non-empty line on standard error (matching regex if given).
refused()
{
	re=
	if [ "$1" = -m ]; then
		re=$2
		shift 2
	fi
	run_cmd "$@"
	if [ "$st" -eq 0 ]; then
		bad "$(show "$@"): accepted (exit 0)"
		return
	fi
	if [ "$st" -gt 125 ]; then
		bad "$(show "$@"): exit $st (crash or signal): $(head -c 300 err)"
		return
	fi
	if [ "$(wc -l <err | tr -d ' ')" -ne 1 ] || ! grep -q '[^[:space:]]' err; then
		bad "$(show "$@"): exit $st, but not one line on stderr:" \
		    "$(head -c 300 err | tr '\n' '|')"
		return
	fi
	if [ -n "$re" ] && ! grep -Eq "$re" err; then
		bad "$(show "$@"): message does not match /$re/: $(head -c 300 err)"
	fi
}

# accepted cmd...: the command must succeed.
accepted()
{
	run_cmd "$@"
	[ "$st" -eq 0 ] || bad "$(show "$@"): exit $st: $(head -c 300 err | tr '\n' '|')"
}

# The lessons' argument modes, as their headers give them ("Run:"):
#	lesson mode kind what
# mode "-" for a bare PATH; kind PATH (a file) or NAME (abstract).  What
# the lesson does with a name that fits:
#	explain	only prints the address (01: touches no file)
#	bind	binds, shows, removes (02)
#	stdin	serves until standard input ends (04)
#	forever	serves until killed (03, 11): tried with a name that fails
#	connect	connects (clients)
#	listen	waits for a client (07 server: 60 s): not tried with a name
#		that fits
modes()
{
	cat <<'EOF'
01-sockaddr - PATH explain
02-bind - PATH bind
03-stale server PATH forever
03-stale client PATH connect
04-unlink server PATH stdin
05-permissions client PATH connect
07-abstract server NAME listen
07-abstract client NAME connect
11-stream server PATH forever
11-stream client PATH connect
EOF
}

lesson_names()
{
	for src in "$(top)"/lessons/[0-9][0-9]-*.c; do
		[ -f "$src" ] && basename "$src" .c
	done
}

# Run a lesson's mode: lesson mode arg.
lesson_run()
{
	_l=$1 _m=$2
	shift 2
	if [ "$_m" = - ]; then
		"$(top)/lessons/$_l" "$@"
	else
		"$(top)/lessons/$_l" "$_m" "$@"
	fi
}

# Abstract names are Linux's: elsewhere the lesson only says so.
mode_runs_here()
{
	[ "$1" = PATH ] || [ "$(uname -s)" = Linux ]
}

atf_test_case lesson_modes
lesson_modes_head()
{
	atf_set descr "Every argument mode a lesson's header documents is in this program's table, so that it is tried with bad input"
}
lesson_modes_body()
{
	for l in $(lesson_names); do
		[ -x "$(top)/lessons/$l" ] || atf_fail "lesson $l is not built"
		# "./NN-name PATH" or "./NN-name word PATH" (or NAME) in the
		# header comment.
		awk -v l="./$l" '
		/\*\// { exit }
		{
			s = $0
			while ((i = index(s, l " ")) > 0) {
				s = substr(s, i + length(l) + 1)
				n = split(s, w, /[ `]+/)
				if (w[1] == "PATH" || w[1] == "NAME")
					print "-", w[1]
				else if (n > 1 && (w[2] == "PATH" || w[2] == "NAME"))
					print w[1], w[2]
			}
		}' "$(top)/lessons/$l.c" | sort -u | while read -r m k; do
			modes | grep -q "^$l $m $k " ||
			    echo "$l $m $k"
		done
	done >missing
	[ ! -s missing ] || atf_fail "modes not tried: $(tr '\n' ';' <missing)"
}

atf_test_case lesson_unknown_mode
lesson_unknown_mode_head()
{
	atf_set descr "Every lesson refuses arguments it does not take: usage on one line, non-zero exit"
}
lesson_unknown_mode_body()
{
	long=$(xs 4096)
	for l in $(lesson_names); do
		refused "$(top)/lessons/$l" bogus x y
		refused "$(top)/lessons/$l" -- "$long" "$long"
		# A lesson that takes no bare PATH refuses a lone word too.
		modes | grep -q "^$l - " || refused "$(top)/lessons/$l" "$long"
	done
	done_checking
}

atf_test_case lesson_path_lengths
lesson_path_lengths_head()
{
	atf_set descr "Socket paths and abstract names of 107, 108, 109 bytes and 4 KiB: refused for their length when they do not fit in sun_path, let through when they do"
}
lesson_path_lengths_body()
{
	max=$(sun_path_size)
	modes >table
	while read -r l m k what; do
		mode_runs_here "$k" || continue
		for n in $(lengths); do
			name=$(xs "$n")
			if [ "$n" -ge "$max" ]; then
				refused -m "$n bytes" lesson_run "$l" "$m" "$name"
				continue
			fi
			# It fits: what follows is the lesson's business, but
			# not a complaint about the length.
			case $what in
			explain|bind|stdin)
				accepted lesson_run "$l" "$m" "$name" ;;
			forever)
				: >"$name"
				refused lesson_run "$l" "$m" "$name"
				[ -f "$name" ] || bad "$l $m: removed a regular file"
				rm -f "$name" ;;
			connect)
				refused lesson_run "$l" "$m" "$name" ;;
			listen)
				continue ;;
			esac
			if grep -Eiq 'does not fit|too long|[0-9]+ bytes' err; then
				bad "$l $m <$n bytes>: fits, but refused for its length: $(cat err)"
			fi
			[ ! -S "$name" ] || bad "$l $m <$n bytes>: left its socket behind"
		done
	done <table
	done_checking
}

atf_test_case lesson_empty_path
lesson_empty_path_head()
{
	atf_set descr "An empty socket path or abstract name is refused on one line"
}
lesson_empty_path_body()
{
	modes >table
	while read -r l m k what; do
		mode_runs_here "$k" || continue
		refused -m "empty|0 bytes" lesson_run "$l" "$m" ""
	done <table
	done_checking
}

atf_test_case lesson_missing_dir
lesson_missing_dir_head()
{
	atf_set descr "A socket path in a directory that does not exist is refused on one line (01 only prints the address: it must accept it)"
}
lesson_missing_dir_body()
{
	modes >table
	while read -r l m k what; do
		[ "$k" = PATH ] || continue
		case $what in
		explain) accepted lesson_run "$l" "$m" nodir/s.sock ;;
		*) refused lesson_run "$l" "$m" nodir/s.sock ;;
		esac
	done <table
	[ ! -e nodir ] || bad "a lesson made the missing directory"
	done_checking
}

atf_test_case lesson_regular_file
lesson_regular_file_head()
{
	atf_set descr "A regular file where a socket is expected is refused on one line, and left alone"
}
lesson_regular_file_body()
{
	modes >table
	while read -r l m k what; do
		[ "$k" = PATH ] && [ "$what" != explain ] || continue
		echo "not a socket" >plain
		refused lesson_run "$l" "$m" plain
		[ -f plain ] && grep -q "not a socket" plain ||
		    bad "$l $m: the regular file was changed or removed"
	done <table
	done_checking
}

atf_test_case lesson_speed_options
lesson_speed_options_head()
{
	atf_set descr "18-speed refuses bad repetitions, sizes, kinds and options on one line"
}
lesson_speed_options_body()
{
	s=$(top)/lessons/18-speed
	[ -x "$s" ] || atf_skip "no 18-speed lesson"
	for a in "-r 0" "-r 4" "-r 1001" "-r x" "-r 5x" "-s 0" "-s 32m" \
	    "-s x" "-s 1k,x" "-k bogus" "-k stream,bogus" "-z" "-q extra"; do
		# shellcheck disable=SC2086  # an option and its value
		refused "$s" $a
	done
	refused "$s" -r ""
	refused "$s" -s ""
	refused "$s" -k ""
	refused "$s" -s "$(xs 4096)"
	refused "$s" -r "$(printf '%4096s' "" | tr ' ' 9)"
	done_checking
}

expect()
{
	"$(top)/tools/afunix-expect" "$@"
}

atf_test_case expect_paths
expect_paths_head()
{
	atf_set descr "afunix-expect refuses missing, overlong and empty paths, a directory where a file is expected and a file where a directory is, on one line"
}
expect_paths_body()
{
	for n in $(lengths); do
		refused expect check "$(xs "$n")"
		refused expect -d "$(xs "$n")" keys
	done
	refused -m "empty" expect check ""
	refused expect check nodir/linux
	mkdir adir
	refused -m "cannot read" expect check adir
	echo "a.b ok source x" >afile
	refused -m "Not a directory|cannot open" expect -d afile keys
	refused -m "cannot open" expect -d nodir keys
	refused -m "empty" expect -d "" keys
	refused -m "too long|cannot open" expect -d "$(xs 4096)" matrix
	refused -m "unknown platform" expect get plan9 addr.sun_path_size
	refused -m "unknown platform" expect get "" addr.sun_path_size
	refused -m "unknown platform" expect get "$(xs 4096)" addr.sun_path_size
	refused -m "bad version" expect get linux addr.sun_path_size x1
	refused -m "bad version" expect get linux addr.sun_path_size ""
	refused -m "no expectation" expect get linux "$(xs 4096)"
	refused -m "no platform has" expect show "$(xs 4096)"
	refused -m "no platform has" expect markdown no.such_key
	refused -m "unknown platform" expect diff linux plan9
	refused -m "cannot open|empty" expect compare nodir/x linux
	refused -m "unknown platform" expect compare afile plan9
	refused -m "bad version" expect compare afile linux x1
	refused expect record-to-data nodir/x Linux 6.1
	refused -m "bad release" expect record-to-data afile Linux "6 1"
	printf 'no tab here\n' >rec
	refused -m "key<TAB>observed" expect record-to-data rec Linux 6.1
	printf 'a.b\tok\na.b\tEINVAL\n' >rec
	refused -m "recorded as" expect record-to-data rec Linux 6.1
	# Usage errors: a non-zero exit and the synopsis, no crash.
	for a in "" frobnicate "show" "get linux" "diff linux"; do
		# shellcheck disable=SC2086  # a command and its words
		run_cmd expect $a
		if [ "$st" -eq 0 ] || [ "$st" -gt 125 ] || ! grep -q '^usage:' err; then
			bad "afunix-expect $a: exit $st, no usage"
		fi
	done
	done_checking
}

atf_test_case expect_unreadable
expect_unreadable_head()
{
	atf_set descr "afunix-expect and check-baseline.sh refuse a data file they may not read, on one line"
	atf_set require.user unprivileged
}
expect_unreadable_body()
{
	mkdir d
	for p in linux freebsd netbsd openbsd dragonfly macos illumos windows; do
		cp "$(top)/platforms/$p" d/$p
	done
	chmod 000 d/linux
	refused -m "Permission denied" expect check d/linux
	refused -m "Permission denied" expect -d d keys
	refused -m "Permission denied" sh "$(top)/tools/check-baseline.sh" \
	    -d d freebsd
	chmod 644 d/linux
	done_checking
}

# One malformed data file per kind of error the parser knows:
#	name|text (printf format)|what the message says
malformed()
{
	cat <<'EOF'
bad_key|nodot ok source x\n|bad key 'nodot'
bad_key_case|Bind.x ok source x\n|bad key
bad_range|a.b [6.1-5.10] ok source x\n|bad version range
bad_range_text|a.b [a-b] ok source x\n|bad version range
missing_outcome|a.b\n|a.b: missing outcome
missing_outcome_range|a.b [5.1-]\n|a.b: missing outcome
bad_outcome|a.b E(X) source x\n|a.b: bad outcome
missing_known|a.b ok\n|a.b: missing how-known
bad_known|a.b ok seen x\n|a.b: bad how-known
bad_known_list|a.b ok observed:6.1,,6.2 x\n|bad how-known
missing_source|a.b ok source  \t \n|a.b: missing source
duplicate|a.b ok source x\n\na.b EINVAL source y\n|already given at line 1
overlap|a.b [5.10-] ok source x\na.b [-5.10] EINVAL source y\n|already given at line 1
control|a.b ok source \033[1m\n|control character 0x1b
carriage_return|a.b ok source x\r\n|control character 0x0d
nul_byte|a.b ok source x\000y\n|NUL byte
EOF
}

# Write the malformed file of one kind to $1.
write_malformed()
{
	# shellcheck disable=SC2059  # the text is a printf format on purpose
	printf "$2" >"$1"
}

atf_test_case expect_malformed
expect_malformed_head()
{
	atf_set descr "Malformed platform data of every kind the parser knows is refused by afunix-expect on one line that names the file and line"
}
expect_malformed_body()
{
	malformed >kinds
	while IFS='|' read -r name text want; do
		write_malformed "$name" "$text"
		refused -m "^afunix-expect: $name(:[0-9]+)?: .*$want" \
		    expect check "$name"
	done <kinds
	# A line longer than the parser takes (1024 bytes).
	{ printf 'a.b ok source '; xs 1100; echo; } >long_line
	refused -m "long_line:1: line longer than" expect check long_line
	# A file larger than the parser takes (4 MiB).
	awk 'BEGIN { for (i = 0; i < 70000; i++) printf "# %060d\n", i }' >big
	refused -m "big: larger than" expect check big
	# Through a data directory, as every command but check reads it.
	mkdir d
	for p in linux freebsd netbsd openbsd dragonfly macos illumos windows; do
		cp "$(top)/platforms/$p" d/$p
	done
	write_malformed d/macos 'a.b ok\n'
	for c in keys dump matrix "diff linux freebsd" "show a.b" \
	    "get linux a.b" markdown; do
		# shellcheck disable=SC2086  # a command and its words
		refused -m "d/macos:1: a.b: missing how-known" expect -d d $c
	done
	done_checking
}

atf_test_case expect_out_of_memory
expect_out_of_memory_head()
{
	atf_set descr "afunix-expect says 'out of memory' on one line when it cannot have the memory to read a data file"
}
expect_out_of_memory_body()
{
	e=$(top)/tools/afunix-expect
	echo "a.b ok source x" >one
	if grep -q __asan_init "$e" 2>/dev/null; then
		# Built with AddressSanitizer, which reserves terabytes of
		# address space: no ulimit -v.  Its allocator refuses big
		# allocations instead; its warning about that, expected here,
		# goes to a log of this test (UBSAN_OPTIONS' log_path wins
		# when clang links both).
		o="${ASAN_OPTIONS:+$ASAN_OPTIONS:}allocator_may_return_null=1"
		o="$o:max_allocation_size_mb=1:log_path=$(pwd)/asan"
		u="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$(pwd)/asan"
		refused -m "one: out of memory" env ASAN_OPTIONS="$o" \
		    UBSAN_OPTIONS="$u" "$e" check one
	else
		# ulimit -v is not POSIX (dash and the BSDs' sh have it):
		# shellcheck disable=SC3045
		(ulimit -v 3000) 2>/dev/null || atf_skip "ulimit -v is not supported here"
		# The parser reads a file into one 4 MiB buffer: with 3 MB of
		# address space it cannot have it.
		# shellcheck disable=SC3045
		(ulimit -v 3000 && exec "$e" check one) </dev/null >out 2>err
		st=$?
		if [ "$st" -ne 1 ] || [ "$(wc -l <err | tr -d ' ')" -ne 1 ] ||
		    ! grep -q "one: out of memory" err; then
			bad "afunix-expect check with ulimit -v 3000: exit $st: $(head -c 300 err)"
		fi
	fi
	done_checking
}

baseline()
{
	sh "$(top)/tools/check-baseline.sh" "$@"
}

atf_test_case baseline_bad_input
baseline_bad_input_head()
{
	atf_set descr "check-baseline.sh refuses bad platforms, releases, data directories and Kyuafiles on one line, before running the suite"
}
baseline_bad_input_body()
{
	refused -m usage baseline
	refused -m usage baseline freebsd a b
	refused -m "unknown platform" baseline plan9
	refused -m "unknown platform" baseline ""
	refused -m "unknown platform" baseline "$(xs 4096)"
	refused -m "bad version" baseline -r x1 freebsd
	refused -m "empty" baseline -r "" freebsd
	refused -m "empty" baseline -d "" freebsd
	refused -m "cannot open" baseline -d nodir freebsd
	echo "a.b ok source x" >afile
	refused -m "Not a directory|cannot open" baseline -d afile freebsd
	refused -m "too long|cannot open" baseline -d "$(xs 4096)" freebsd
	mkdir d
	for p in linux freebsd netbsd openbsd dragonfly macos illumos windows; do
		cp "$(top)/platforms/$p" d/$p
	done
	write_malformed d/freebsd 'a.b [6.1-5.10] ok source x\n'
	refused -m "d/freebsd:1: bad version range" baseline -d d freebsd
	for n in $(lengths); do
		refused -m "no such Kyuafile" baseline freebsd "$(xs "$n")"
	done
	refused -m "empty" baseline freebsd ""
	refused -m "no such Kyuafile" baseline freebsd nodir/Kyuafile
	echo "not lua" >Kyuafile.bad
	refused -m "kyua wrote no results" baseline freebsd Kyuafile.bad
	done_checking
}

atf_test_case conformance_bad_data
conformance_bad_data_head()
{
	atf_set descr "Every conformance test program, given missing, malformed or unreadable data, an unknown platform or overlong names, fails its test case with one 'afunix:' reason and does not crash"
}
conformance_bad_data_body()
{
	mkdir d
	for p in linux freebsd netbsd openbsd dragonfly macos illumos windows; do
		cp "$(top)/platforms/$p" d/$p
		write_malformed d/$p 'a.b ok source x\na.b EINVAL source y\n'
	done
	echo "a.b ok source x" >afile
	long=$(xs 4096)
	n=0
	for prog in "$(top)"/conformance/*_test; do
		[ -x "$prog" ] || continue
		n=$((n + 1))
		# A test case that names a key and needs no particular user.
		tc=$("$prog" -l | awk '
		    /^ident: / { if (id != "" && key && !user) exit; id = $2; key = user = 0 }
		    /^X-afunix.key: / { key = 1 }
		    /^require.user: / { user = 1 }
		    END { if (key && !user) print id }')
		[ -n "$tc" ] || { bad "$prog: no keyed test case"; continue; }
		for v in "datadir=nodir" "datadir=afile" "datadir=$(pwd)/d" \
		    "datadir=" "datadir=$long" "platform=plan9" \
		    "platform=$long"; do
			rm -rf w && mkdir w
			(cd w && "$prog" -r ../res -v "$v" "$tc") >out 2>err
			st=$?
			what="$(basename "$prog"):$tc -v $(show "$v")"
			if [ "$st" -ne 1 ]; then
				bad "$what: exit $st (expected 1, a failed test case)"
			elif [ "$(wc -l <res | tr -d ' ')" -ne 1 ] ||
			    ! grep -q '^failed: .*afunix: ' res; then
				bad "$what: result $(head -c 300 res)"
			fi
		done
	done
	[ "$n" -gt 0 ] || atf_fail "no conformance test programs are built"
	done_checking
}

atf_test_case scripts_bad_input
scripts_bad_input_head()
{
	atf_set descr "The scripts of tools/ refuse missing, empty and overlong paths and bad arguments on one line, before doing any work"
}
scripts_bad_input_body()
{
	t=$(top)/tools
	long=$(xs 4096)
	echo "a.b ok source x" >afile
	refused -m usage sh "$t/run-suite.sh"
	for k in nodir/Kyuafile "" "$long" "$(xs 108)" .; do
		refused -m "no such Kyuafile" sh "$t/run-suite.sh" "$k"
	done
	refused -m "can't cd|can.t cd|No such|usage" sh "$t/run-lessons.sh" nodir
	refused -m usage sh "$t/run-lessons.sh" ""
	refused -m "can't cd|can.t cd|Not a directory|usage" sh "$t/run-lessons.sh" afile
	refused -m usage sh "$t/deps.sh" bogus
	refused -m usage sh "$t/install.sh" bogus
	refused -m usage sh "$t/record-platform.sh"
	refused -m usage sh "$t/record-platform.sh" ""
	refused -m "cannot write" sh "$t/record-platform.sh" nodir/out
	refused -m usage sh "$t/docs-gen.sh"
	refused -m "unknown page" sh "$t/docs-gen.sh" bogus out
	refused -m "missing" sh "$t/docs-gen.sh" lesson 99-none out
	refused -m usage sh "$t/leftovers.sh"
	refused -m usage sh "$t/leftovers.sh" bogus x
	refused -m "no snapshot" sh "$t/leftovers.sh" check nodir/snap
	refused -m "empty|blanks" sh "$t/leftovers.sh" -d "" check x
	refused -m "absolute" sh "$t/leftovers.sh" -d relative check x
	refused -m "cannot write" sh "$t/leftovers.sh" snapshot nodir/snap
	refused -m "number of runs" sh "$t/stress.sh" -n 0
	refused -m "number of runs" sh "$t/stress.sh" -n x
	refused -m "wants a number" sh "$t/stress.sh" -j ""
	refused -m "no such Kyuafile" sh "$t/stress.sh" nodir/Kyuafile
	refused -m "empty" sh "$t/stress.sh" -b "" nodir/Kyuafile
	refused -m "seconds" sh "$t/fuzz.sh" -t 0
	refused -m "seconds" sh "$t/fuzz.sh" -t x
	refused -m "empty" sh "$t/fuzz.sh" -b ""
	refused -m "no such directory|usage" sh "$t/leaks.sh" nodir
	refused -m "empty" sh "$t/leaks.sh" -b "" nodir
	refused -m usage sh "$t/lint.sh" bogus
	refused -m "empty" sh "$t/sanitize.sh" -b ""
	refused -m "usage" sh "$t/sanitize.sh" -x
	done_checking
}

atf_init_test_cases()
{
	atf_add_test_case lesson_modes
	atf_add_test_case lesson_unknown_mode
	atf_add_test_case lesson_path_lengths
	atf_add_test_case lesson_empty_path
	atf_add_test_case lesson_missing_dir
	atf_add_test_case lesson_regular_file
	atf_add_test_case lesson_speed_options
	atf_add_test_case expect_paths
	atf_add_test_case expect_unreadable
	atf_add_test_case expect_malformed
	atf_add_test_case expect_out_of_memory
	atf_add_test_case baseline_bad_input
	atf_add_test_case conformance_bad_data
	atf_add_test_case scripts_bad_input
}
