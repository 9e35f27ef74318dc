package main

import (
	"bytes"
	"context"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nonconvex/explainer/figures"
	"github.com/nonconvex/explainer/generator/internal/sitetest"
)

// TestColdBuildsOfTheExplainerAreByteIdentical builds the real explainer
// three times through the command, each cold (-cache -): twice on one
// worker and once on two. Every build must write the same files, byte for
// byte, whatever the order its experiments ran and drew in.
func TestColdBuildsOfTheExplainerAreByteIdentical(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the whole explainer three times")
	}
	content, err := filepath.Abs(filepath.Join("..", "content"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var trees []map[string]string
	var names []string
	for i, jobs := range []string{"1", "1", "2"} {
		out := filepath.Join(dir, "public"+jobs+strings.Repeat("'", i))
		var stdout, stderr bytes.Buffer
		c := &cli{stdout: &stdout, stderr: &stderr, registry: figures.Default()}
		if code := c.run(context.Background(), []string{"build", "-content", content, "-out", out, "-cache", "-", "-j", jobs}); code != 0 {
			t.Fatalf("build -j %s: exit status %d: %s", jobs, code, stderr.String())
		}
		if !strings.Contains(stdout.String(), "0 cached") {
			t.Fatalf("build -j %s was not cold: %s", jobs, stdout.String())
		}
		trees = append(trees, sitetest.Tree(t, out))
		names = append(names, "-j "+jobs)
	}
	for i := 1; i < len(trees); i++ {
		all := maps.Clone(trees[0])
		maps.Copy(all, trees[i])
		for _, name := range slices.Sorted(maps.Keys(all)) {
			a, inFirst := trees[0][name]
			b, inThis := trees[i][name]
			switch {
			case !inFirst || !inThis:
				t.Errorf("%s: written by only one of build %d (%s) and build 0 (%s)", name, i, names[i], names[0])
			case a != b:
				t.Errorf("%s: build %d (%s) differs from build 0 (%s)", name, i, names[i], names[0])
			}
		}
	}
}
