package serve

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nonconvex/explainer/generator/internal/sitetest"
)

// articleA is a.md of testSite with its prose replaced.
func articleA(prose string) string {
	return `---
title: Article A
description: The first article.
order: 1
---
` + prose + `

:::figure{#fig-line experiment=line slope=2 alt="a straight line"}
A line.
:::

Its slope is :val[fig-line.slope].
`
}

// Each way an editor saves a file ends in one reload of the page and the
// new content served.
func TestSaves(t *testing.T) {
	tests := []struct {
		name string
		save func(t *testing.T, path, data string)
	}{
		{"in place", func(t *testing.T, path, data string) {
			writeFile(t, path, data)
		}},
		{"in place, pausing", func(t *testing.T, path, data string) {
			// An editor that empties the file, then writes it, on a
			// slow disk: the empty file must not be built.
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			f.Sync()
			time.Sleep(100 * time.Millisecond)
			if _, err := f.WriteString(data); err != nil {
				t.Fatal(err)
			}
		}},
		{"atomic rename", func(t *testing.T, path, data string) {
			tmp := filepath.Join(filepath.Dir(path), ".a.md.tmp1234")
			writeFile(t, tmp, data)
			if err := os.Rename(tmp, path); err != nil {
				t.Fatal(err)
			}
		}},
		{"vim", func(t *testing.T, path, data string) {
			// What vim does with its defaults: probe the folder with
			// 4913, keep the swap file, move the old file to a backup,
			// write a new file, drop the backup.
			dir := filepath.Dir(path)
			writeFile(t, filepath.Join(dir, ".a.md.swp"), "swap")
			writeFile(t, filepath.Join(dir, "4913"), "")
			os.Remove(filepath.Join(dir, "4913"))
			if err := os.Rename(path, path+"~"); err != nil {
				t.Fatal(err)
			}
			writeFile(t, path, data)
			os.Remove(path + "~")
			writeFile(t, filepath.Join(dir, ".a.md.swp"), "swap 2")
		}},
		{"vim, pausing", func(t *testing.T, path, data string) {
			// The same on a slow disk: a pause, longer than a save's
			// events take, between moving the file away and writing the
			// new one. The page must not be published missing meanwhile.
			if err := os.Rename(path, path+"~"); err != nil {
				t.Fatal(err)
			}
			time.Sleep(100 * time.Millisecond)
			writeFile(t, path, data)
			os.Remove(path + "~")
		}},
		{"helix", func(t *testing.T, path, data string) {
			bck := path + "U77clA.bck"
			if err := os.Rename(path, bck); err != nil {
				t.Fatal(err)
			}
			writeFile(t, path, data)
			os.Remove(bck)
		}},
		{"jetbrains", func(t *testing.T, path, data string) {
			tmp := path + "___jb_tmp___"
			writeFile(t, tmp, data)
			if err := os.Rename(path, path+"___jb_old___"); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(tmp, path); err != nil {
				t.Fatal(err)
			}
			os.Remove(path + "___jb_old___")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := startServer(t, nil)
			st := ts.openStream(t, "a/index.html")
			runs := ts.runs.Load()
			tt.save(t, filepath.Join(ts.content, "a.md"), articleA("Prose of A, version 2."))
			st.expect(t, "reload")
			if _, body := ts.get(t, "/a/"); !strings.Contains(body, "version 2") {
				t.Errorf("the page does not show the edit:\n%s", body)
			}
			st.quiet(t, 150*time.Millisecond)
			if got := ts.runs.Load() - runs; got != 0 {
				t.Errorf("a prose edit ran %d experiments, want 0", got)
			}
			// The feed carries the article's text too.
			if got, want := ts.lastChanged, []string{"a/index.html", "feed.xml"}; !slices.Equal(got, want) {
				t.Errorf("changed %q, want %q", got, want)
			}
		})
	}
}

func TestNewFolder(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	home := ts.openStream(t, "index.html")
	// The file is written at once after the folder, before the watcher can
	// have added the folder: it must be found all the same.
	writeFile(t, filepath.Join(ts.content, "guide", "index.md"), "---\ntitle: The guide\ndescription: A guide.\norder: 3\n---\nGuide prose.\n")
	home.expect(t, "reload") // the home page lists the new article
	if code, body := ts.get(t, "/guide/"); code != 200 || !strings.Contains(body, "Guide prose.") {
		t.Fatalf("GET /guide/: %d\n%s", code, body)
	}
	// A folder made later, inside the new one, is watched too.
	writeFile(t, filepath.Join(ts.content, "guide", "deeper", "index.md"), "---\ntitle: Deeper\ndescription: Deeper.\norder: 4\n---\nDeeper prose.\n")
	home.expect(t, "reload")
	if code, body := ts.get(t, "/guide/deeper/"); code != 200 || !strings.Contains(body, "Deeper prose.") {
		t.Fatalf("GET /guide/deeper/: %d\n%s", code, body)
	}
}

func TestDeleteAndRename(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	b := ts.openStream(t, "b/index.html")
	if err := os.Rename(filepath.Join(ts.content, "b.md"), filepath.Join(ts.content, "c.md")); err != nil {
		t.Fatal(err)
	}
	b.expect(t, "reload")
	if code, body := ts.get(t, "/b/"); code != 404 || !strings.Contains(body, "Page not found") {
		t.Errorf("GET /b/ after the move: %d\n%s", code, body)
	}
	if code, _ := ts.get(t, "/c/"); code != 200 {
		t.Errorf("GET /c/ after the move: %d", code)
	}
	c := ts.openStream(t, "c/index.html")
	if err := os.Remove(filepath.Join(ts.content, "c.md")); err != nil {
		t.Fatal(err)
	}
	c.expect(t, "reload")
	if code, _ := ts.get(t, "/c/"); code != 404 {
		t.Errorf("GET /c/ after the delete: %d", code)
	}
	// A page that was missing reloads when it appears.
	missing := ts.openStream(t, "404.html")
	writeFile(t, filepath.Join(ts.content, "c.md"), "---\ntitle: C again\ndescription: C.\n---\nC is back.\n")
	missing.expect(t, "reload")
}

// A burst of writes within a second, as a script or a checkout makes,
// costs at most two builds, and the last write wins.
func TestBurst(t *testing.T) {
	// Not parallel: the burst must fit in a second, with the machine to
	// itself.
	log := &logLines{}
	ts := startServer(t, func(c *Config) { c.Log = log })
	st := ts.openStream(t, "a/index.html")
	before := ts.builds.Load()
	path := filepath.Join(ts.content, "a.md")
	start := time.Now()
	const writes = 1000
	for i := range writes {
		// Spread over half a second, the worst case for batching.
		if d := time.Until(start.Add(time.Duration(i) * 500 * time.Microsecond)); d > 0 {
			time.Sleep(d)
		}
		if err := os.WriteFile(path, []byte(articleA(fmt.Sprintf("Prose of A, write %d.", i))), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	took := time.Since(start)
	t.Logf("%d writes in %v", writes, took)
	// The page is told to reload to the last write. A build during the
	// burst may find a file half written and fail; only the end state
	// matters.
	version := ts.waitPublished(t, "a/index.html", fmt.Sprintf("write %d.", writes-1))
	for {
		if ev := st.next(t, time.Minute); ev.name == "reload" && ev.id == version {
			break
		}
	}
	time.Sleep(2 * busyQuiet) // any further build would have started
	n := ts.builds.Load() - before
	// The burst as the server saw it: on a busy machine its events reach
	// the watcher a little after the writes, and the server batches them
	// by the time they arrive.
	seen := max(took, ts.watch.lastEvent().Sub(start))
	t.Logf("%d builds; the server saw the burst for %v", n, seen.Round(time.Millisecond))
	// Within a second, at most two builds: one if the burst begins with a
	// pause that looks like a save, and one at its end. A busy machine
	// can stretch the burst (the disk slows every write); changes that
	// never pause are built at least every maxWait, so each further second
	// may add one. A build can read writes whose events arrive after it
	// started: the build those events then call for finds nothing changed.
	allowed := 2 + int64(seen/maxWait)
	if same := log.count(": 0 files changed,"); same > 0 {
		t.Logf("%d of them found nothing changed", same)
		allowed++
	}
	if n > allowed {
		t.Errorf("%d builds for a burst of %d writes over %v, want at most %d", n, writes, seen.Round(time.Millisecond), allowed)
	}
}

// Editor and hidden files cause no build.
func TestIgnoredFiles(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	before := ts.builds.Load()
	for _, name := range []string{".a.md.swp", "a.md~", "4913", ".#a.md", "#a.md#", "a.md___jb_tmp___", "a.mdX1.bck", ".hidden/x.md"} {
		writeFile(t, filepath.Join(ts.content, name), "junk")
	}
	time.Sleep(10 * quietTime)
	if n := ts.builds.Load() - before; n != 0 {
		t.Errorf("%d builds for editor files, want 0", n)
	}
}

func TestRebuildsOnlyWhatChanged(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	st := ts.openStream(t, "b/index.html")

	// A new title shows on the home page, the neighbour's pager and the
	// lists, but the figure is not run again.
	runs := ts.runs.Load()
	writeFile(t, filepath.Join(ts.content, "a.md"), strings.Replace(articleA("Prose."), "title: Article A", "title: Article Alpha", 1))
	st.expect(t, "reload") // b's pager names a
	for _, want := range []string{"index.html", "a/index.html", "b/index.html"} {
		if !slices.Contains(ts.lastChanged, want) {
			t.Errorf("a new title did not change %s (changed: %q)", want, ts.lastChanged)
		}
	}
	for _, p := range ts.lastChanged {
		if strings.HasSuffix(p, ".svg") {
			t.Errorf("a new title changed %s", p)
		}
	}
	if n := ts.runs.Load() - runs; n != 0 {
		t.Errorf("a new title ran %d experiments, want 0", n)
	}

	// A new parameter runs that figure once more, and only it.
	a := ts.openStream(t, "a/index.html")
	writeFile(t, filepath.Join(ts.content, "b.md"), "---\ntitle: Article B\ndescription: The second article.\norder: 2\n---\n:::figure{#fig-b experiment=line slope=5 alt=\"b\"}\nB.\n:::\n")
	st.expect(t, "reload")
	a.expect(t, "version") // nothing on a's page changed
	runs = ts.runs.Load()
	writeFile(t, filepath.Join(ts.content, "b.md"), "---\ntitle: Article B\ndescription: The second article.\norder: 2\n---\n:::figure{#fig-b experiment=line slope=6 alt=\"b\"}\nB.\n:::\n")
	st.expect(t, "reload")
	if n := ts.runs.Load() - runs; n != 1 {
		t.Errorf("a parameter edit ran %d experiments, want 1", n)
	}
	if slices.Contains(ts.lastChanged, "a/fig-line.svg") {
		t.Errorf("a parameter edit of b changed a's figure")
	}
}

// When only a figure changes, as after an edit to its experiment's code,
// the page is told to swap it in place rather than reload.
func TestFigureSwap(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	st := ts.openStream(t, "a/index.html")
	before := readFile(t, filepath.Join(ts.dir, "public", "a", "fig-line.svg"))
	ts.style.Add(1)
	// Any change starts a build; this one leaves the content as it was.
	writeFile(t, filepath.Join(ts.content, "a.md"), readFile(t, filepath.Join(ts.content, "a.md")))
	ev := st.expect(t, "figures")
	d := decode[struct {
		Version string
		Paths   []string
	}](t, ev.data)
	if !slices.Equal(d.Paths, []string{"/a/fig-line.svg"}) || d.Version != ev.id || d.Version == "" {
		t.Errorf("figures event %+v (id %s)", d, ev.id)
	}
	_, after := ts.get(t, "/a/fig-line.svg")
	if after == before || !strings.Contains(after, "style 1") {
		t.Errorf("the figure was not redrawn")
	}
	// Nothing is sent when a build changes nothing.
	writeFile(t, filepath.Join(ts.content, "a.md"), readFile(t, filepath.Join(ts.content, "a.md")))
	st.quiet(t, 200*time.Millisecond)
}

// An image copied from the content folder may have a name an address
// must escape; the page compares the escaped address.
func TestFigureSwapEscapesAddresses(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	st := ts.openStream(t, "a/index.html")
	writeFile(t, filepath.Join(ts.content, "a", "My plot #1.svg"), "<svg/>")
	ev := st.expect(t, "figures")
	d := decode[struct{ Paths []string }](t, ev.data)
	if !slices.Equal(d.Paths, []string{"/a/My%20plot%20%231.svg"}) {
		t.Errorf("figures event %+v", d)
	}
}

func TestBuildErrors(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	st := ts.openStream(t, "a/index.html")
	writeFile(t, filepath.Join(ts.content, "a.md"), articleA("Broken: :val[fig-nope.slope]."))
	ev := st.expect(t, "problems")
	ps := decode[[]problem](t, ev.data)
	want := filepath.Join(ts.content, "a.md") + ":6:9"
	if len(ps) != 1 || ps[0].Pos != want || ps[0].Source != "build" || !strings.Contains(ps[0].Msg, "fig-nope") {
		t.Fatalf("problems %+v, want one at %s", ps, want)
	}
	// The last good page is still served, and a page opened now learns
	// of the errors at once.
	if code, body := ts.get(t, "/a/"); code != 200 || !strings.Contains(body, "version 1") {
		t.Errorf("GET /a/ during the error: %d", code)
	}
	late := ts.openStream(t, "a/index.html")
	if late := late.expect(t, "problems"); late.data != ev.data {
		t.Errorf("a page opened late got %s", late.data)
	}
	// Fixed: the errors clear, then the page reloads.
	writeFile(t, filepath.Join(ts.content, "a.md"), articleA("Fixed."))
	var names []string
	for ev := range st.events {
		names = append(names, ev.name+" "+ev.data)
		if ev.name == "reload" {
			break
		}
	}
	if len(names) != 2 || names[0] != "problems []" {
		t.Errorf("after the fix: %q, want the problems cleared, then a reload", names)
	}
}

// The content folder may go and come back, as rm -rf and a checkout, or a
// move away and back, do: watching resumes with it.
func TestContentComesBack(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	tests := []struct {
		name  string
		leave func(t *testing.T)
	}{
		{"removed and checked out", func(t *testing.T) {
			if err := os.RemoveAll(ts.content); err != nil {
				t.Fatal(err)
			}
			sitetest.Write(t, ts.content, testSite)
		}},
		{"moved away and back", func(t *testing.T) {
			away := ts.content + ".away"
			if err := os.Rename(ts.content, away); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(away, ts.content); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for i, tt := range tests {
		tt.leave(t)
		// An edit after the folder came back shows.
		prose := fmt.Sprintf("Prose of A, after the folder was %s.", tt.name)
		writeFile(t, filepath.Join(ts.content, "a.md"), articleA(prose))
		ts.waitFor(t, "/a/", prose)
		// And so does the next, proof that the folders are watched.
		prose = fmt.Sprintf("Prose of A, edit %d.", i)
		writeFile(t, filepath.Join(ts.content, "a.md"), articleA(prose))
		ts.waitFor(t, "/a/", prose)
	}
}

// A new save cancels the build under way, experiments included: the fix
// saved after a save that asked for a very slow figure shows at once. The
// cancelled build publishes nothing, shows no error, and starts no further
// experiment.
func TestSaveCancelsBuild(t *testing.T) {
	t.Parallel()
	ts := startServer(t, func(c *Config) {
		c.Site.Budget = time.Hour // only a cancellation stops "slow"
		c.Site.Jobs = 1
	})
	st := ts.openStream(t, "a/index.html")
	a := filepath.Join(ts.content, "a.md")
	writeFile(t, a, articleA("Slow.\n\n::run{#run-one experiment=slow n=1}\n\n::run{#run-two experiment=slow n=2}"))
	eventually(t, "the slow experiment to start", func() bool { return ts.slowStarted.Load() == 1 })
	builds := ts.builds.Load()
	writeFile(t, a, articleA("Fixed."))
	// The next event is the fixed page's reload: no errors shown first.
	if ev := st.next(t, time.Minute); ev.name != "reload" {
		t.Fatalf("after the fix: %s %s, want a reload", ev.name, ev.data)
	}
	if _, body := ts.get(t, "/a/"); !strings.Contains(body, "Fixed.") {
		t.Errorf("the page does not show the fix")
	}
	// The next build started once the cancelled one had ended.
	if n := ts.slowStarted.Load(); n != 1 {
		t.Errorf("%d slow experiments started, want 1: a cancelled build starts no more", n)
	}
	eventually(t, "the slow experiment to be cancelled", func() bool { return ts.slowCancelled.Load() == 1 })
	if n := ts.builds.Load() - builds; n != 1 {
		t.Errorf("%d builds finished, want 1: the cancelled build is no build", n)
	}
}

// waitFor waits until the page at path contains text.
func (ts *testServer) waitFor(t *testing.T, path, text string) {
	t.Helper()
	eventually(t, path+" to show "+strconv.Quote(text), func() bool {
		_, body := ts.get(t, path)
		return strings.Contains(body, text)
	})
}

// eventually waits until cond holds, failing the test after a generous
// time.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited a minute for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
