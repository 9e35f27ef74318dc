package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nonconvex/explainer/generator/internal/sitetest"
)

// gitProject is a project folder under git whose origin is a bare
// repository on disk.
type gitProject struct {
	*project
	remote string
}

func newGitProject(t *testing.T, url string) *gitProject {
	sitetest.IsolateGit(t)
	p := &gitProject{project: &project{dir: t.TempDir(), fakes: sitetest.NewFakes()}}
	p.remote = filepath.Join(t.TempDir(), "site.git")
	sitetest.Git(t, p.dir, "init", "-q", "--bare", p.remote)
	content := strings.Replace(sitetest.Site, "url: https://example.org", "url: "+url, 1)
	sitetest.Write(t, filepath.Join(p.dir, "content"), content)
	sitetest.Write(t, p.dir, "-- .gitignore --\n/.publish/\n/.cache/\n")
	sitetest.Git(t, p.dir, "init", "-q")
	p.commit(t, "The site")
	sitetest.Git(t, p.dir, "remote", "add", "origin", p.remote)
	return p
}

func (p *gitProject) commit(t *testing.T, msg string) {
	sitetest.Git(t, p.dir, "add", ".")
	sitetest.Git(t, p.dir, "commit", "-q", "-m", msg)
}

// publish runs the publish command and fails the test unless it succeeds.
func (p *gitProject) publish(t *testing.T, args ...string) string {
	t.Helper()
	code, stdout, stderr := p.run(t, append([]string{"publish"}, args...)...)
	if code != 0 {
		t.Fatalf("publish %q: exit status %d\n%s%s", args, code, stdout, stderr)
	}
	return stdout
}

// branch clones the branch of the remote and returns its files and its
// number of commits.
func (p *gitProject) branch(t *testing.T, remote, branch string) (map[string]string, int) {
	t.Helper()
	clone := filepath.Join(t.TempDir(), "clone")
	sitetest.Git(t, filepath.Dir(clone), "clone", "-q", "--branch", branch, remote, clone)
	commits := strings.Fields(sitetest.Git(t, clone, "rev-list", "HEAD"))
	files := sitetest.Tree(t, clone)
	for name := range files {
		if strings.HasPrefix(name, ".git/") {
			delete(files, name)
		}
	}
	return files, len(commits)
}

var internalLink = regexp.MustCompile(`(?:href|src)="(/[^"]*)"`)

// TestPublishToGitHubPages publishes a project site (at a path of a
// github.io address) into a bare repository on disk, as make publish
// does, and checks the branch after each publication.
func TestPublishToGitHubPages(t *testing.T) {
	p := newGitProject(t, "https://tester.github.io/explainer")
	out := p.publish(t)
	source := sitetest.Git(t, p.dir, "rev-parse", "HEAD")
	if !strings.HasPrefix(out, "built 5 pages with 3 figures for https://tester.github.io/explainer into .publish/site\npublished "+source[:12]+" to origin gh-pages as commit ") {
		t.Errorf("output:\n%s", out)
	}
	files, commits := p.branch(t, p.remote, "gh-pages")
	if commits != 1 {
		t.Errorf("%d commits after the first publication, want 1", commits)
	}
	if _, ok := files[".nojekyll"]; !ok {
		t.Error("no .nojekyll")
	}
	if _, ok := files["CNAME"]; ok {
		t.Error("a github.io site got a CNAME")
	}
	if !strings.Contains(files["first/index.html"], `<img src="/explainer/first/fig-line.svg"`) {
		t.Error("the figure is not under the base path")
	}
	for name, content := range files {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		for _, m := range internalLink.FindAllStringSubmatch(content, -1) {
			if !strings.HasPrefix(m[1], "/explainer/") {
				t.Errorf("%s links to %s, outside the base path", name, m[1])
			}
		}
	}
	for _, s := range []string{`<link rel="self" href="https://tester.github.io/explainer/feed.xml"/>`, `xml:base="https://tester.github.io/explainer/first/"`} {
		if !strings.Contains(files["feed.xml"], s) {
			t.Errorf("feed.xml lacks %s", s)
		}
	}
	msg := sitetest.Git(t, p.remote, "log", "-1", "--format=%B", "gh-pages")
	if !strings.Contains(msg, "The site built from commit "+source+" for https://tester.github.io/explainer.") {
		t.Errorf("the commit message does not name the source: %q", msg)
	}

	// Nothing changed: no commit.
	if out := p.publish(t); !strings.HasSuffix(out, "origin gh-pages already holds this site: nothing to publish\n") {
		t.Errorf("publishing again: %s", out)
	}
	if _, commits := p.branch(t, p.remote, "gh-pages"); commits != 1 {
		t.Errorf("%d commits after publishing the same site, want 1", commits)
	}

	// An edit, shown by a dry run, then published as one commit.
	edit(t, filepath.Join(p.dir, "content", "first.md"), "The slope is", "Its slope is")
	p.commit(t, "An edit")
	out = p.publish(t, "-dry-run")
	if !strings.Contains(out, "\nM feed.xml\nM first/index.html\nwould publish ") || !strings.HasSuffix(out, ": 2 files changed (dry run: nothing committed)\n") {
		t.Errorf("dry run:\n%s", out)
	}
	if _, commits := p.branch(t, p.remote, "gh-pages"); commits != 1 {
		t.Errorf("a dry run made a commit")
	}
	p.publish(t)
	files, commits = p.branch(t, p.remote, "gh-pages")
	if commits != 2 || !strings.Contains(files["first/index.html"], "Its slope is") {
		t.Errorf("%d commits after an edit, want 2, with the edit", commits)
	}
}

// TestPublishCustomDomain publishes a site at the root of its own domain
// to another remote and branch: it gets a CNAME and links from /.
func TestPublishCustomDomain(t *testing.T) {
	p := newGitProject(t, "https://docs.example.org")
	other := filepath.Join(t.TempDir(), "other.git")
	sitetest.Git(t, p.dir, "init", "-q", "--bare", other)
	p.publish(t, "-remote", other, "-branch", "pages")
	files, _ := p.branch(t, other, "pages")
	if files["CNAME"] != "docs.example.org\n" {
		t.Errorf("CNAME: %q", files["CNAME"])
	}
	if !strings.Contains(files["first/index.html"], `<img src="/first/fig-line.svg"`) {
		t.Error("the figure is not at the root")
	}
}

// TestPublishRefusesAFailingBuild breaks a check: the command exits 1 with
// the build's errors and publishes nothing.
func TestPublishRefusesAFailingBuild(t *testing.T) {
	p := newGitProject(t, "https://tester.github.io/explainer")
	edit(t, filepath.Join(p.dir, "content", "first.md"), "slope=2", "slope=-2")
	code, stdout, stderr := p.run(t, "publish")
	if code != 1 || !strings.Contains(stderr, "check rises failed") || !strings.HasSuffix(stderr, "the site does not build: nothing was published\n") {
		t.Errorf("exit status %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
	if refs := sitetest.Git(t, p.remote, "for-each-ref"); refs != "" {
		t.Errorf("the remote has %s", refs)
	}
}

func edit(t *testing.T, file, old, new string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil || !strings.Contains(string(data), old) {
		t.Fatalf("%s lacks %q (%v)", file, old, err)
	}
	if err := os.WriteFile(file, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}
