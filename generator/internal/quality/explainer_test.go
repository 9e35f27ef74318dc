package quality

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/nonconvex/explainer/figures"
	"github.com/nonconvex/explainer/generator/internal/site"
)

// built is the explainer, built once for every test of the package.
var built struct {
	once sync.Once
	dir  string // holds public/ and the cache
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// explainer builds the explainer, the first time a test asks, and returns
// the folder of the site.
func explainer(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the whole explainer")
	}
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "explainer-quality-"); built.err != nil {
			return
		}
		_, built.err = site.Build(context.Background(), site.Config{
			Content:  filepath.Join("..", "..", "..", "content"),
			Out:      filepath.Join(built.dir, "public"),
			Cache:    filepath.Join(built.dir, "cache"),
			Registry: figures.Default(),
		})
	})
	if built.err != nil {
		t.Fatalf("the explainer does not build: %v", built.err)
	}
	return filepath.Join(built.dir, "public")
}

// pages returns the address of every page of the site in dir: the home
// page, each article, the experiments and the 404 page.
func pages(t *testing.T, dir string) []string {
	t.Helper()
	var ps []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = "/" + filepath.ToSlash(rel)
		ps = append(ps, strings.TrimSuffix(rel, "index.html"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(ps)
	return ps
}

// serve serves the site in dir on 127.0.0.1, compressing text as the
// hosts the site is published on do, until the test ends.
func serve(t *testing.T, dir string) string {
	t.Helper()
	files := http.FileServer(http.Dir(dir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			files.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Vary", "Accept-Encoding")
		gz := &gzipWriter{ResponseWriter: w}
		defer gz.Close()
		files.ServeHTTP(gz, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// A gzipWriter compresses a response whose type is text.
type gzipWriter struct {
	http.ResponseWriter
	gz      *gzip.Writer
	decided bool
}

func (g *gzipWriter) WriteHeader(code int) {
	if !g.decided {
		g.decided = true
		ct := g.Header().Get("Content-Type")
		if code == http.StatusOK && (strings.HasPrefix(ct, "text/") || strings.Contains(ct, "svg") || strings.Contains(ct, "xml")) {
			g.Header().Del("Content-Length")
			g.Header().Set("Content-Encoding", "gzip")
			g.gz = gzip.NewWriter(g.ResponseWriter)
		}
	}
	g.ResponseWriter.WriteHeader(code)
}

func (g *gzipWriter) Write(b []byte) (int, error) {
	if !g.decided {
		if g.Header().Get("Content-Type") == "" {
			g.Header().Set("Content-Type", http.DetectContentType(b))
		}
		g.WriteHeader(http.StatusOK)
	}
	if g.gz != nil {
		return g.gz.Write(b)
	}
	return g.ResponseWriter.Write(b)
}

func (g *gzipWriter) Close() {
	if g.gz != nil {
		g.gz.Close()
	}
}

var _ io.Writer = (*gzipWriter)(nil)

// required reports whether CI asks for every tool, so that a missing one
// fails the test instead of skipping it.
func required() bool { return os.Getenv("EXPLAINER_REQUIRE_BROWSER") != "" }

// missing skips the test for want of a tool, or fails it in CI.
func missing(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if required() {
		t.Fatal(msg + ", and EXPLAINER_REQUIRE_BROWSER is set")
	}
	t.Skip(msg)
}

// toolsDir is where npm ci installs the gates' tools.
var toolsDir = filepath.Join("..", "..", "tools")

// npmTool returns the path of a file of an npm package of the tools.
func npmTool(t *testing.T, rel string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join(toolsDir, "node_modules", filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		missing(t, "no %s: run npm ci in generator/tools", rel)
	}
	return p
}

// command returns the path of a program on PATH.
func command(t *testing.T, name, debian string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		missing(t, "no %s: install Debian's %s", name, debian)
	}
	return p
}
