package publish

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// git runs the git command in one repository.
type git struct {
	ctx   context.Context
	dir   string
	index string // a temporary index file, for writing trees
}

func newGit(ctx context.Context, dir string) (*git, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return nil, errors.New("publishing needs the git command, and there is none on the PATH")
	}
	tmp, err := os.MkdirTemp("", "publish-")
	if err != nil {
		return nil, err
	}
	return &git{ctx: ctx, dir: dir, index: filepath.Join(tmp, "index")}, nil
}

func (g *git) close() { os.RemoveAll(filepath.Dir(g.index)) }

// run runs git with args, reading stdin, and returns what it printed.
// Its error carries what git said went wrong. What git prints on its
// standard error goes to stderr too, if set.
func (g *git) run(stdin io.Reader, stderr io.Writer, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(g.ctx, "git", args...)
	cmd.Dir = g.dir
	if args[0] == "update-index" || args[0] == "write-tree" {
		// Trees are made in an index of their own, never the user's.
		cmd.Env = append(os.Environ(), "GIT_INDEX_FILE="+g.index)
	}
	cmd.Stdin = stdin
	var out, errs bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &errs
	if stderr != nil {
		cmd.Stderr = io.MultiWriter(&errs, stderr)
	}
	if err := cmd.Run(); err != nil {
		if msg := strings.TrimSpace(errs.String()); msg != "" {
			err = errors.New(strings.ReplaceAll(msg, "\n", "; "))
		}
		return nil, fmt.Errorf("git %s: %w", args[0], err)
	}
	return out.Bytes(), nil
}

// out runs git and returns its output without the final newline.
func (g *git) out(stdin io.Reader, args ...string) (string, error) {
	out, err := g.run(stdin, nil, args...)
	return strings.TrimSpace(string(out)), err
}

// tip returns the commit at the branch of the remote and fetches it, or
// returns "" if the remote has no such branch.
func (g *git) tip(remote, branch string) (string, error) {
	refs, err := g.out(nil, "ls-remote", "--refs", remote, "refs/heads/"+branch)
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(refs, "\n") {
		hash, ref, ok := strings.Cut(line, "\t")
		if !ok || ref != "refs/heads/"+branch {
			continue
		}
		// Fetched by its hash, the tip is exactly the one just listed, and
		// no ref (not even FETCH_HEAD) changes.
		if _, err := g.run(nil, nil, "fetch", "--quiet", "--no-tags", "--no-write-fetch-head", remote, hash); err != nil {
			return "", err
		}
		return hash, nil
	}
	return "", nil
}

// writeTree stores the files in the object database and returns the
// hash of the tree that holds them.
func (g *git) writeTree(files []file) (string, error) {
	// One git hash-object for the files on disk, in order; --no-filters
	// keeps the repository's attributes (line endings, LFS) off them.
	var paths bytes.Buffer
	for _, f := range files {
		if f.disk != "" {
			paths.WriteString(f.disk + "\n")
		}
	}
	out, err := g.run(&paths, nil, "hash-object", "-w", "--no-filters", "--stdin-paths")
	if err != nil {
		return "", err
	}
	hashes := bufio.NewScanner(bytes.NewReader(out))
	var entries bytes.Buffer
	for _, f := range files {
		var hash string
		if f.disk != "" {
			if !hashes.Scan() {
				return "", errors.New("git hash-object: fewer hashes than files")
			}
			hash = hashes.Text()
		} else if hash, err = g.out(bytes.NewReader(f.data), "hash-object", "-w", "--no-filters", "--stdin"); err != nil {
			return "", err
		}
		fmt.Fprintf(&entries, "100644 blob %s\t%s\x00", hash, f.path)
	}
	os.Remove(g.index)
	if _, err := g.run(&entries, nil, "update-index", "--add", "-z", "--index-info"); err != nil {
		return "", err
	}
	return g.out(nil, "write-tree")
}

// changes lists what tree changes against the tree of commit parent; with
// no parent, every file is new.
func (g *git) changes(parent, tree string, files []file) ([]Change, error) {
	if parent == "" {
		cs := make([]Change, len(files))
		for i, f := range files {
			cs[i] = Change{'A', f.path}
		}
		return cs, nil
	}
	out, err := g.run(nil, nil, "diff-tree", "-r", "-z", "--no-renames", "--name-status", parent+"^{tree}", tree)
	if err != nil {
		return nil, err
	}
	var cs []Change
	fields := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	for i := 0; i+1 < len(fields); i += 2 {
		cs = append(cs, Change{fields[i][0], fields[i+1]})
	}
	return cs, nil
}

// push pushes refspec to the remote, without force, showing git's
// progress on progress.
func (g *git) push(progress io.Writer, remote, refspec string) error {
	_, err := g.run(nil, progress, "push", remote, refspec)
	return err
}
