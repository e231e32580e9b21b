# docs_test: check the built docs (make docs) as a reader would get them:
# every page and output is there, every key and test case is shown, every
# internal link and asset resolves, nothing is fetched from the network,
# the man pages render without warnings, the EPUB is an EPUB, and headless
# Chromium shows the index and a lesson page that are not blank.
#
# The kyua variable docsdir names the docs build (run-suite.sh sets it).

docsdir()
{
	atf_config_get docsdir
}

top()
{
	echo "$(atf_get_srcdir)/.."
}

lessons()
{
	for src in "$(top)"/lessons/[0-9][0-9]-*.c; do
		[ -f "$src" ] && basename "$src" .c
	done
}

common_head()
{
	atf_set require.config docsdir
	atf_set descr "$1"
}

atf_test_case outputs
outputs_head() { common_head "Every page, man page and the EPUB were built"; }
outputs_body()
{
	d=$(docsdir)
	for f in html/index.html html/matrix.html html/catalogue.html \
	    html/results.html html/style.css man/afunix.7 \
	    man/afunix-platforms.7 afunix.epub; do
		[ -s "$d/$f" ] || atf_fail "$d/$f is missing or empty"
	done
	n=0
	for l in $(lessons); do
		[ -s "$d/html/$l.html" ] || atf_fail "no page for lesson $l"
		[ -s "$d/man/afunix-$l.7" ] || atf_fail "no man page for lesson $l"
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] || atf_fail "no lessons found"
}

atf_test_case lesson_pages
lesson_pages_head() { common_head "Each lesson page has prose, a numbered listing, the transcript and the other-systems box"; }
lesson_pages_body()
{
	d=$(docsdir)
	for l in $(lessons); do
		p=$d/html/$l.html
		grep -q '<p>' "$p" || atf_fail "$l: no prose"
		grep -q 'class="sourceCode numberSource c numberLines"' "$p" || atf_fail "$l: no listing"
		grep -q 'id="what-it-printed-on-this-machine"' "$p" || atf_fail "$l: no transcript section"
		grep -q '<pre class="text">' "$p" || atf_fail "$l: no transcript"
		grep -q 'id="on-other-systems"' "$p" && grep -q '<table' "$p" ||
		    atf_fail "$l: no other-systems box"
	done
}

atf_test_case matrix_keys
matrix_keys_head() { common_head "The matrix page and afunix-platforms(7) show every key in platforms/"; }
matrix_keys_body()
{
	d=$(docsdir)
	set --
	if dd=$(atf_config_get datadir 2>/dev/null); then set -- -d "$dd"; fi
	"$(top)/tools/afunix-expect" "$@" keys >keys.txt || atf_fail "afunix-expect keys failed"
	[ -s keys.txt ] || atf_fail "no keys"
	while read -r k; do
		grep -q "<code>$k</code>" "$d/html/matrix.html" || atf_fail "matrix.html lacks $k"
		grep -q "$k" "$d/man/afunix-platforms.7" || atf_fail "afunix-platforms.7 lacks $k"
	done <keys.txt
}

atf_test_case catalogue
catalogue_head() { common_head "The catalogue lists every conformance test case with its key"; }
catalogue_body()
{
	d=$(docsdir)
	for t in "$(top)"/conformance/*_test; do
		[ -x "$t" ] || continue
		"$t" -l | sed -n 's/^ident: //p' >cases
		[ -s cases ] || atf_fail "$t lists no test cases"
		while read -r c; do
			grep -q "<code>$c</code>" "$d/html/catalogue.html" ||
			    atf_fail "catalogue lacks $(basename "$t"):$c"
		done <cases
	done
}

atf_test_case links
links_head() { common_head "Every internal link and asset of the site resolves, and nothing is loaded from the network"; }
links_body()
{
	d=$(docsdir)/html
	for p in "$d"/*.html; do
		# Resources must be local: no remote script, stylesheet or image.
		if grep -Eq '<(script|img|link)[^>]*(src|href)="(https?:)?//' "$p"; then
			atf_fail "$(basename "$p") loads a remote resource"
		fi
		grep -o '\(href\|src\)="[^"]*"' "$p" | sed 's/^[a-z]*="//; s/"$//' |
		    grep -v '^#' | grep -Ev '^(https?|mailto):' | sed 's/#.*//' |
		    sort -u >targets
		while read -r t; do
			[ -e "$d/$t" ] || atf_fail "$(basename "$p") links to missing $t"
		done <targets
		grep -o 'href="#[^"]*"' "$p" | sed 's/^href="#//; s/"$//' |
		    sort -u >anchors
		while read -r a; do
			grep -q "id=\"$a\"" "$p" || atf_fail "$(basename "$p") has a broken anchor #$a"
		done <anchors
	done
}

atf_test_case man_pages
man_pages_head() { common_head "The man pages render with man -l and without groff warnings"; atf_set require.progs "groff man"; }
man_pages_body()
{
	for m in "$(docsdir)"/man/*.7; do
		groff -man -ww -z "$m" 2>warnings
		[ -s warnings ] && atf_fail "$(basename "$m"): $(head -1 warnings)"
		MANWIDTH=80 man -l "$m" >out 2>err || atf_fail "man -l $(basename "$m") failed"
		[ -s out ] || atf_fail "man -l $(basename "$m") printed nothing"
	done
}

atf_test_case epub
epub_head() { common_head "The EPUB starts with its uncompressed mimetype entry and holds every lesson"; }
epub_body()
{
	e=$(docsdir)/afunix.epub
	head -c 80 "$e" | grep -aq 'mimetypeapplication/epub+zip' ||
	    atf_fail "$e does not start with the EPUB mimetype"
	n=$(lessons | wc -l)
	[ "$(wc -c <"$e")" -gt $((n * 2000)) ] || atf_fail "$e is too small for $n lessons"
}

chromium_cmd()
{
	for c in chromium chromium-browser google-chrome; do
		command -v "$c" >/dev/null 2>&1 && { echo "$c"; return; }
	done
	atf_skip "no chromium installed (tools/deps.sh docs installs it)"
}

# Run headless Chromium with no network and a fresh profile.
chromium_run()
{
	"$(chromium_cmd)" --headless --no-sandbox --disable-gpu --disable-quic \
	    --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync --user-data-dir="$PWD/profile" \
	    --window-size=1200,900 "$@" 2>>chromium.log
}

atf_test_case browser
browser_head()
{
	common_head "Headless Chromium loads the index and every lesson page; their screenshots are not blank"
	atf_set timeout 300
}
browser_body()
{
	d=$(docsdir)/html
	chromium_run --screenshot="$PWD/blank.png" "about:blank" ||
	    atf_fail "chromium could not start: $(tail -3 chromium.log)"
	blank=$(wc -c <blank.png)
	for p in index $(lessons); do
		chromium_run --dump-dom "file://$d/$p.html" >dom.html ||
		    atf_fail "chromium failed on $p.html"
		grep -q 'nav class="site"' dom.html || atf_fail "$p.html: no navigation in the DOM"
		grep -q '<h1' dom.html || atf_fail "$p.html: no heading in the DOM"
	done
	first=$(lessons | head -1)
	for p in index "$first"; do
		chromium_run --screenshot="$PWD/$p.png" "file://$d/$p.html" ||
		    atf_fail "no screenshot of $p.html"
		size=$(wc -c <"$p.png")
		# A page with text compresses far worse than an empty one.
		[ "$size" -gt $((blank * 3)) ] ||
		    atf_fail "$p.html looks blank ($size bytes against $blank)"
		echo "$p.png: $size bytes (blank: $blank)"
	done
}

atf_init_test_cases()
{
	atf_add_test_case outputs
	atf_add_test_case lesson_pages
	atf_add_test_case matrix_keys
	atf_add_test_case catalogue
	atf_add_test_case links
	atf_add_test_case man_pages
	atf_add_test_case epub
	atf_add_test_case browser
}
