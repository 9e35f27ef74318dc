package site

import (
	"bytes"
	"context"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nonconvex/explainer/generator/internal/sitetest"
	"golang.org/x/sys/unix"
)

// constants returns the files given, to be made.
func constants(files map[string][]byte) []file {
	var fs []file
	for _, name := range slices.Sorted(maps.Keys(files)) {
		fs = append(fs, file{name: name, make: constant(files[name])})
	}
	return fs
}

// made returns what a maker makes.
func made(t *testing.T, m maker) string {
	t.Helper()
	var b bytes.Buffer
	if err := m(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestOutputPublishesExactlyTheFiles writes a sequence of sites through
// one output, with files added, changed, moved and removed, and someone
// editing both folders by hand in between: after each write the published
// folder holds exactly the site, and nothing else.
func TestOutputPublishesExactlyTheFiles(t *testing.T) {
	dir := t.TempDir()
	o, err := newOutput(filepath.Join(dir, "public"))
	if err != nil {
		t.Fatal(err)
	}
	sites := []map[string][]byte{
		{"index.html": []byte("home"), "a/index.html": []byte("a"), "a/fig.svg": []byte("svg"), "assets/font.otf": []byte("font")},
		{"index.html": []byte("home"), "a/index.html": []byte("a2"), "a/fig.svg": []byte("svg"), "assets/font.otf": []byte("font")},
		{"index.html": []byte("home"), "b/index.html": []byte("a2"), "b/fig.svg": []byte("svg"), "assets/font.otf": []byte("font")},
		{"index.html": []byte("home!"), "b/index.html": []byte("a2"), "b/deep/x.csv": []byte("1,2"), "assets/font.otf": []byte("font")},
		{"index.html": []byte("home!"), "b/index.html": []byte("a2"), "b/deep/x.csv": []byte("1,2"), "assets/font.otf": []byte("font")},
	}
	for i, files := range sites {
		if _, err := o.write(context.Background(), constants(files), 2); err != nil {
			t.Fatal(err)
		}
		got := sitetest.Tree(t, o.dir)
		want := make(map[string]string)
		for k, v := range files {
			want[k] = string(v)
		}
		if !maps.Equal(got, want) {
			t.Fatalf("after write %d the folder holds %v, want %v", i, got, want)
		}
		assertNoEmptyDirs(t, o.dir)
		// Meddle between writes: change a published file and a scratch
		// file to the same size, and drop a stray file into scratch.
		os.WriteFile(filepath.Join(o.dir, "index.html"), []byte("HOME!"[:len(files["index.html"])]), 0o644)
		os.WriteFile(filepath.Join(o.scratch, "index.html"), []byte("xxxxx"[:min(5, len(files["index.html"]))]), 0o644)
		os.WriteFile(filepath.Join(o.scratch, "stray.txt"), []byte("stray"), 0o644)
	}
}

func assertNoEmptyDirs(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if d.IsDir() {
			if entries, _ := os.ReadDir(p); len(entries) == 0 {
				t.Errorf("empty folder %s published", p)
			}
		}
		return nil
	})
}

// TestOutputRewritesOnlyWhatChanged checks that a file whose content stays
// the same is not written again: its file keeps its modification time.
func TestOutputRewritesOnlyWhatChanged(t *testing.T) {
	dir := t.TempDir()
	o, _ := newOutput(filepath.Join(dir, "public"))
	files := map[string][]byte{"index.html": []byte("v1"), "assets/font.otf": []byte("font")}
	var mtimes []int64
	for i := range 4 {
		files["index.html"] = []byte{'v', byte('1' + i)}
		if _, err := o.write(context.Background(), constants(files), 2); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(filepath.Join(o.dir, "assets", "font.otf"))
		if err != nil {
			t.Fatal(err)
		}
		mtimes = append(mtimes, fi.ModTime().UnixNano())
	}
	// The first two writes create the two folders' copies; from then on
	// the unchanged font is the very file written before.
	if mtimes[2] != mtimes[0] || mtimes[3] != mtimes[1] {
		t.Errorf("the unchanged font was rewritten: modification times %v", mtimes)
	}
}

// TestOutputSkipsWhatIsTheSame checks that a file whose content is known
// to be the same as before (file.same) is neither made nor hashed again
// while its copy is intact, and is made again when its content is
// another, or when someone changed the copy.
func TestOutputSkipsWhatIsTheSame(t *testing.T) {
	dir := t.TempDir()
	o, _ := newOutput(filepath.Join(dir, "public"))
	v1, v2 := []byte("plot 1"), []byte("plot 2")
	made := 0
	write := func(data []byte) {
		t.Helper()
		count := func(w io.Writer) error {
			made++
			_, err := w.Write(data)
			return err
		}
		if _, err := o.write(context.Background(), []file{{name: "fig.svg", make: count, same: idOfBytes(data)}}, 1); err != nil {
			t.Fatal(err)
		}
		if got, err := os.ReadFile(filepath.Join(o.dir, "fig.svg")); err != nil || !bytes.Equal(got, data) {
			t.Fatalf("fig.svg holds %q (%v), want %q", got, err, data)
		}
	}
	// Two writes fill the published folder and the scratch folder; each
	// later write finds its folder's copy intact.
	steps := []struct {
		data  []byte
		edit  bool // change the scratch folder's copy by hand first
		makes int
	}{
		{v1, false, 1}, {v1, false, 1}, {v1, false, 0}, {v1, false, 0},
		{v2, false, 1}, {v2, false, 1}, {v2, false, 0},
		{v2, true, 1},
	}
	for i, s := range steps {
		if s.edit {
			if err := os.WriteFile(filepath.Join(o.scratch, "fig.svg"), []byte("by hand, longer"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		made = 0
		write(s.data)
		if made != s.makes {
			t.Errorf("write %d made fig.svg %d times, want %d", i+1, made, s.makes)
		}
	}
}

// TestOutputSpreadsPageFolders checks that a new output folder carries
// the hint that spreads its page folders over the disk, where the file
// system takes it (ext4 does; tmpfs has no such flags).
func TestOutputSpreadsPageFolders(t *testing.T) {
	dir := t.TempDir()
	probe, err := os.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = unix.IoctlGetUint32(int(probe.Fd()), unix.FS_IOC_GETFLAGS)
	probe.Close()
	if err != nil {
		t.Skipf("%s has no inode flags: %v", dir, err)
	}
	o, err := newOutput(filepath.Join(dir, "public"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.write(context.Background(), constants(map[string][]byte{"a/index.html": []byte("a")}), 1); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, "public"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	flags, err := unix.IoctlGetUint32(int(f.Fd()), unix.FS_IOC_GETFLAGS)
	if err != nil {
		t.Fatal(err)
	}
	if flags&topDir == 0 {
		t.Errorf("public/ has inode flags %#x, without the top-of-hierarchy flag %#x", flags, topDir)
	}
}

// A folder given as the output that no build published, such as an
// author's docs/, is left as it is when it holds a file the site does not
// have; a copy of the site's own files is built over.
func TestOutputLeavesAFolderItDidNotBuild(t *testing.T) {
	dir := t.TempDir()
	docs := filepath.Join(dir, "docs")
	sitetest.Write(t, docs, `
-- guide.md --
How to use the thing.
-- index.html --
an old page
`)
	site := constants(map[string][]byte{"index.html": []byte("new"), "a/index.html": []byte("a")})
	o, err := newOutput(docs)
	if err != nil {
		t.Fatal(err)
	}
	_, err = o.write(context.Background(), site, 1)
	if err == nil || !strings.Contains(err.Error(), "guide.md") {
		t.Fatalf("building into docs/: error %v, want one naming guide.md", err)
	}
	want := map[string]string{"guide.md": "How to use the thing.\n", "index.html": "an old page\n"}
	if got := sitetest.Tree(t, docs); !maps.Equal(got, want) {
		t.Errorf("docs/ holds %v after the failed build, want %v", got, want)
	}
	if _, err := os.Stat(o.scratch); !os.IsNotExist(err) {
		t.Errorf("the scratch folder is left behind: %v", err)
	}

	// Without the author's file, what is there is the site's to replace,
	// and the builds after the first need no such check.
	os.Remove(filepath.Join(docs, "guide.md"))
	for range 2 {
		if _, err := o.write(context.Background(), site, 1); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := sitetest.Tree(t, docs), map[string]string{"index.html": "new", "a/index.html": "a"}; !maps.Equal(got, want) {
		t.Errorf("docs/ holds %v, want %v", got, want)
	}
}
