// Package publish commits a built site to a branch of a git remote, the
// branch GitHub Pages (and any host that deploys a branch) serves.
//
// [Publish] makes one commit whose tree is exactly the site's folder, plus
// .nojekyll (GitHub Pages must serve the files as they are, not run Jekyll
// on them) and, for a site at the root of a custom domain, CNAME. The
// commit's parent is the branch's tip on the remote, so the branch keeps
// the history of what was published; when that tip already holds the same
// tree, nothing is committed. The commit is pushed without force: if
// someone published in between, the push is refused and nothing is lost.
//
// Everything goes through the git command, in the source repository, with
// the user's configuration and credentials; this package stores none. It
// adds objects to that repository's object store but changes none of its
// branches, its index or its work tree (only the push moves the remote's
// tracking ref, as any push does): the tree is written through a
// temporary index from the files hashed as they are, with no filters and
// no ignore rules.
package publish

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Options says what to publish where. The zero value of each field but
// Site is useful.
type Options struct {
	// Site is the folder of the built site.
	Site string
	// Repo is a folder in the git repository the site was built from;
	// its HEAD is the source the commit message names. "." if empty.
	Repo string
	// Remote is the remote to publish to, a name or an address; "origin"
	// if empty.
	Remote string
	// Branch is the branch the site is committed to; "gh-pages" if empty.
	Branch string
	// Domain, if set, is written to CNAME: the custom domain the host
	// serves the site at (see [Domain]).
	Domain string
	// URL, if set, is the address the site was built for; the commit
	// message names it.
	URL string
	// DryRun reports what would change, and commits and pushes nothing.
	DryRun bool
	// Progress, if set, receives what git push says while it works.
	Progress io.Writer
}

func (o Options) withDefaults() Options {
	o.Repo = cmp.Or(o.Repo, ".")
	o.Remote = cmp.Or(o.Remote, "origin")
	o.Branch = cmp.Or(o.Branch, "gh-pages")
	return o
}

// A Result says what [Publish] did, or would do.
type Result struct {
	Source  string   // the source commit, in full
	Dirty   bool     // the source's work tree had uncommitted changes
	Parent  string   // the branch's tip before, "" if the branch was new
	Commit  string   // the new commit, "" if nothing changed or on a dry run
	Changes []Change // what the new tree changes, by path
}

// A Change is one file the publication adds, modifies or deletes.
type Change struct {
	Op   byte // 'A', 'M' or 'D'
	Path string
}

// Publish commits the site in opts.Site to the branch opts.Branch of
// opts.Remote and pushes it, unless the branch already holds the same
// files.
func Publish(ctx context.Context, opts Options) (*Result, error) {
	opts = opts.withDefaults()
	files, err := siteFiles(opts)
	if err != nil {
		return nil, err
	}
	g, err := newGit(ctx, opts.Repo)
	if err != nil {
		return nil, err
	}
	defer g.close()

	r := &Result{}
	if r.Source, err = g.out(nil, "rev-parse", "--verify", "HEAD^{commit}"); err != nil {
		return nil, fmt.Errorf("%s has no commit to name as the source of the site: %w", opts.Repo, err)
	}
	status, err := g.out(nil, "status", "--porcelain")
	if err != nil {
		return nil, err
	}
	r.Dirty = status != ""

	where := opts.Remote + " " + opts.Branch
	if r.Parent, err = g.tip(opts.Remote, opts.Branch); err != nil {
		return nil, fmt.Errorf("reading %s: %w", where, err)
	}
	tree, err := g.writeTree(files)
	if err != nil {
		return nil, err
	}
	if r.Changes, err = g.changes(r.Parent, tree, files); err != nil {
		return nil, err
	}
	if len(r.Changes) == 0 || opts.DryRun {
		return r, nil
	}

	args := []string{"commit-tree", tree}
	if r.Parent != "" {
		args = append(args, "-p", r.Parent)
	}
	if r.Commit, err = g.out(strings.NewReader(message(r, opts.URL)), append(args, "-F", "-")...); err != nil {
		return nil, err
	}
	if err := g.push(opts.Progress, opts.Remote, r.Commit+":refs/heads/"+opts.Branch); err != nil {
		return nil, fmt.Errorf("publishing to %s: %w", where, err)
	}
	return r, nil
}

// message is the new commit's message: it names the source commit.
func message(r *Result, url string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Publish %s\n\nThe site built from commit %s", r.Source[:min(12, len(r.Source))], r.Source)
	if r.Dirty {
		b.WriteString(", with changes not yet committed,")
	}
	if url != "" {
		fmt.Fprintf(&b, " for %s", url)
	}
	b.WriteString(".\n")
	return b.String()
}

// Domain returns what CNAME should hold for a site at host whose address
// has the path base: the host, if the site is the whole of a custom
// domain; "" for a github.io address, a loopback or IP address, or a
// site below a path of its host (a project site under a custom domain
// that belongs to the owner's user site, which holds the CNAME).
func Domain(host, base string) string {
	switch {
	case host == "" || base != "/":
		return ""
	case host == "github.io" || strings.HasSuffix(host, ".github.io"):
		return ""
	case host == "localhost" || net.ParseIP(host) != nil:
		return ""
	}
	return host
}

// A file is one file of the published tree: on disk, or given.
type file struct {
	path string // slash path in the tree
	disk string // its path on disk, or ""
	data []byte // its content, if disk is ""
}

// siteFiles lists the site's files, sorted by path, with .nojekyll and
// CNAME added.
func siteFiles(opts Options) ([]file, error) {
	info, err := os.Stat(opts.Site)
	if err != nil {
		return nil, fmt.Errorf("the site to publish: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("the site to publish, %s, is not a folder", opts.Site)
	}
	root, err := filepath.Abs(opts.Site)
	if err != nil {
		return nil, err
	}
	var files []file
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s: not a regular file; a published site holds only files", p)
		}
		if strings.ContainsAny(rel, "\n\x00") {
			return fmt.Errorf("%q: a file name git cannot be given on a line", p)
		}
		files = append(files, file{path: rel, disk: p})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("the site to publish, %s, is empty", opts.Site)
	}
	add := func(path, content string) {
		if !slices.ContainsFunc(files, func(f file) bool { return f.path == path }) {
			files = append(files, file{path: path, data: []byte(content)})
		}
	}
	add(".nojekyll", "")
	if opts.Domain != "" {
		add("CNAME", opts.Domain+"\n")
	}
	slices.SortFunc(files, func(a, b file) int { return strings.Compare(a.path, b.path) })
	return files, nil
}
