package publish

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nonconvex/explainer/generator/internal/sitetest"
)

// repos is a source repository with a bare remote, its origin, on disk.
type repos struct {
	src, remote string
}

// newRepos makes the repositories, with git's configuration limited to
// the test's own.
func newRepos(t *testing.T) *repos {
	t.Helper()
	sitetest.IsolateGit(t)
	dir := t.TempDir()
	r := &repos{src: filepath.Join(dir, "src"), remote: filepath.Join(dir, "remote.git")}
	sitetest.Git(t, dir, "init", "-q", "--bare", r.remote)
	sitetest.Git(t, dir, "init", "-q", r.src)
	sitetest.Write(t, r.src, "-- README --\nThe source.\n-- .gitignore --\n/site/\n")
	sitetest.Git(t, r.src, "add", ".")
	sitetest.Git(t, r.src, "commit", "-q", "-m", "The source")
	sitetest.Git(t, r.src, "remote", "add", "origin", r.remote)
	return r
}

// site writes a site into the source's ignored folder site/.
func (r *repos) site(t *testing.T, archive string) string {
	dir := filepath.Join(r.src, "site")
	os.RemoveAll(dir)
	sitetest.Write(t, dir, archive)
	return dir
}

func (r *repos) publish(t *testing.T, opts Options) *Result {
	t.Helper()
	opts.Repo = r.src
	opts.Site = filepath.Join(r.src, "site")
	res, err := Publish(context.Background(), opts)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	return res
}

// commits lists the branch's commits on the remote, newest first.
func (r *repos) commits(t *testing.T, branch string) []string {
	out := sitetest.Git(t, r.remote, "rev-list", "refs/heads/"+branch)
	return strings.Fields(out)
}

func changes(cs []Change) []string {
	var s []string
	for _, c := range cs {
		s = append(s, string(c.Op)+" "+c.Path)
	}
	return s
}

const firstSite = `-- index.html --
<p>Home</p>
-- a/index.html --
<p>A</p>
-- a/data.csv --
x,y
-- old.txt --
gone soon
`

func TestPublishCommitsOncePerChange(t *testing.T) {
	r := newRepos(t)
	refsBefore := sitetest.Git(t, r.src, "for-each-ref", "refs/heads", "refs/tags")
	r.site(t, firstSite)

	// The first publication makes the branch.
	res := r.publish(t, Options{URL: "https://example.org/explainer"})
	want := []string{"A .nojekyll", "A a/data.csv", "A a/index.html", "A index.html", "A old.txt"}
	if got := changes(res.Changes); !slices.Equal(got, want) {
		t.Errorf("changes %q, want %q", got, want)
	}
	source := sitetest.Git(t, r.src, "rev-parse", "HEAD")
	if res.Source != source || res.Parent != "" || res.Dirty {
		t.Errorf("result %+v, want source %s, no parent, clean", res, source)
	}
	if got := r.commits(t, "gh-pages"); !slices.Equal(got, []string{res.Commit}) {
		t.Fatalf("the branch holds %q, want the one commit %s", got, res.Commit)
	}
	msg := sitetest.Git(t, r.remote, "log", "-1", "--format=%B", "gh-pages")
	if want := "Publish " + source[:12] + "\n\nThe site built from commit " + source + " for https://example.org/explainer."; msg != want {
		t.Errorf("message %q, want %q", msg, want)
	}
	first := res.Commit

	// The same site again: no commit.
	res = r.publish(t, Options{})
	if res.Commit != "" || len(res.Changes) != 0 || res.Parent != first {
		t.Errorf("publishing the same site again: %+v", res)
	}
	if got := r.commits(t, "gh-pages"); len(got) != 1 {
		t.Errorf("publishing the same site again made a commit: %q", got)
	}

	// A dry run shows what would change and changes nothing.
	r.site(t, `-- index.html --
<p>Home, again</p>
-- a/index.html --
<p>A</p>
-- a/data.csv --
x,y
-- b/index.html --
<p>B</p>
`)
	res = r.publish(t, Options{DryRun: true})
	want = []string{"A b/index.html", "M index.html", "D old.txt"} // by path
	if got := changes(res.Changes); !slices.Equal(got, want) || res.Commit != "" {
		t.Errorf("dry run: changes %q, commit %q; want %q and none", got, res.Commit, want)
	}
	if got := r.commits(t, "gh-pages"); len(got) != 1 {
		t.Errorf("a dry run made a commit: %q", got)
	}

	// The change itself: one commit on top of the first.
	res = r.publish(t, Options{})
	if got := r.commits(t, "gh-pages"); !slices.Equal(got, []string{res.Commit, first}) {
		t.Errorf("the branch holds %q, want %s on top of %s", got, res.Commit, first)
	}
	if got := changes(res.Changes); !slices.Equal(got, want) {
		t.Errorf("changes %q, want %q", got, want)
	}

	// The source repository's branches, index and work tree are as they
	// were; like any push, the publication moved the remote-tracking ref.
	if got := sitetest.Git(t, r.src, "rev-parse", "refs/remotes/origin/gh-pages"); got != res.Commit {
		t.Errorf("origin/gh-pages is %s, want %s", got, res.Commit)
	}
	if got := sitetest.Git(t, r.src, "for-each-ref", "refs/heads", "refs/tags"); got != refsBefore {
		t.Errorf("refs changed:\n%s\nwant:\n%s", got, refsBefore)
	}
	if got := sitetest.Git(t, r.src, "status", "--porcelain"); got != "" {
		t.Errorf("the source's status: %q", got)
	}
}

// TestPublishedTreeIsTheSiteExactly clones the branch and compares it with
// the site byte for byte, though the source repository's attributes
// would convert line endings.
func TestPublishedTreeIsTheSiteExactly(t *testing.T) {
	r := newRepos(t)
	sitetest.Write(t, r.src, "-- .gitattributes --\n* text=auto eol=lf\n")
	sitetest.Git(t, r.src, "add", ".")
	sitetest.Git(t, r.src, "commit", "-q", "-m", "Attributes")
	dir := r.site(t, "-- index.html --\nHome\n-- notes.txt --\nx\n")
	os.WriteFile(filepath.Join(dir, "crlf.txt"), []byte("one\r\ntwo\r\n"), 0o644)
	os.WriteFile(filepath.Join(dir, ".nojekyll"), []byte("kept\n"), 0o644)
	r.publish(t, Options{Domain: "docs.example.org", Branch: "site"})

	clone := filepath.Join(t.TempDir(), "clone")
	sitetest.Git(t, filepath.Dir(clone), "clone", "-q", "--branch", "site", r.remote, clone)
	got := sitetest.Tree(t, clone)
	for name := range got {
		if strings.HasPrefix(name, ".git/") {
			delete(got, name)
		}
	}
	want := sitetest.Tree(t, dir)
	want["CNAME"] = "docs.example.org\n"
	for name := range want {
		if got[name] != want[name] {
			t.Errorf("%s: %q, want %q", name, got[name], want[name])
		}
	}
	if len(got) != len(want) {
		t.Errorf("the branch holds %d files, want %d", len(got), len(want))
	}
}

func TestDirtySourceIsNamedSo(t *testing.T) {
	r := newRepos(t)
	os.WriteFile(filepath.Join(r.src, "README"), []byte("Edited.\n"), 0o644)
	r.site(t, firstSite)
	res := r.publish(t, Options{})
	msg := sitetest.Git(t, r.remote, "log", "-1", "--format=%B", "gh-pages")
	if !res.Dirty || !strings.Contains(msg, "with changes not yet committed") {
		t.Errorf("dirty %v, message %q", res.Dirty, msg)
	}
}

func TestPublishErrors(t *testing.T) {
	r := newRepos(t)
	r.site(t, firstSite)
	for _, c := range []struct {
		name string
		opts Options
		want string
	}{
		{"missing site", Options{Site: filepath.Join(r.src, "nothing")}, "the site to publish: stat "},
		{"unknown remote", Options{Remote: "upstream"}, "reading upstream gh-pages: git ls-remote: fatal: 'upstream' does not appear to be a git repository"},
		{"not a repository", Options{Repo: t.TempDir()}, "has no commit to name as the source of the site: git rev-parse: fatal: not a git repository"},
	} {
		c.opts.Repo = cmpOr(c.opts.Repo, r.src)
		c.opts.Site = cmpOr(c.opts.Site, filepath.Join(r.src, "site"))
		_, err := Publish(context.Background(), c.opts)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func TestDomain(t *testing.T) {
	for _, c := range []struct{ host, base, want string }{
		{"nonconvex.example.org", "/", "nonconvex.example.org"},
		{"example.org", "/explainer/", ""}, // below the owner's user site, which has the CNAME
		{"user.github.io", "/", ""},
		{"user.github.io", "/explainer/", ""},
		{"localhost", "/", ""},
		{"127.0.0.1", "/", ""},
		{"", "/", ""},
	} {
		if got := Domain(c.host, c.base); got != c.want {
			t.Errorf("Domain(%q, %q) = %q, want %q", c.host, c.base, got, c.want)
		}
	}
}
