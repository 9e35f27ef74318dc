package serve

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nonconvex/explainer/generator/internal/site"
)

func TestContentTypes(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	css := ""
	entries, _ := os.ReadDir(filepath.Join(ts.dir, "public", "assets"))
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".css") {
			css = "/assets/" + e.Name()
		}
	}
	writeFile(t, filepath.Join(ts.dir, "public", "data.bin"), "\x00\x01")
	tests := []struct{ path, ctype string }{
		{"/", "text/html; charset=utf-8"},
		{"/a/", "text/html; charset=utf-8"},
		{"/a/index.html", "text/html; charset=utf-8"},
		{"/a/fig-line.svg", "image/svg+xml"},
		{"/a/fig-line.csv", "text/csv; charset=utf-8"},
		{"/feed.xml", "application/xml; charset=utf-8"},
		{"/robots.txt", "text/plain; charset=utf-8"},
		{css, "text/css; charset=utf-8"},
		{"/data.bin", "application/octet-stream"},
	}
	for _, tt := range tests {
		resp, err := http.Get("http://" + ts.Addr().String() + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET %s: %s", tt.path, resp.Status)
		}
		if got := resp.Header.Get("Content-Type"); got != tt.ctype {
			t.Errorf("GET %s: Content-Type %q, want %q", tt.path, got, tt.ctype)
		}
		if got := resp.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("GET %s: Cache-Control %q, want no-store", tt.path, got)
		}
		// The reload script goes into pages, and only into pages.
		hasScript := strings.Contains(string(body), `<script data-events="/.serve/events"`)
		if isHTML := strings.HasPrefix(tt.ctype, "text/html"); hasScript != isHTML {
			t.Errorf("GET %s: script injected: %v", tt.path, hasScript)
		}
	}
	// The pages on disk, which get published, carry no JavaScript.
	for _, p := range []string{"index.html", "a/index.html", "404.html"} {
		if strings.Contains(readFile(t, filepath.Join(ts.dir, "public", p)), "<script") {
			t.Errorf("public/%s has a script", p)
		}
	}
}

func TestRequests(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	do := func(method, path string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(method, "http://"+ts.Addr().String()+path, nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, string(body)
	}

	resp, body := do("GET", "/no/such/page")
	if resp.StatusCode != 404 || !strings.Contains(body, "Page not found") || !strings.Contains(body, `data-file="404.html"`) {
		t.Errorf("missing page: %s\n%s", resp.Status, body)
	}
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("404 without no-store")
	}
	for _, m := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS"} {
		resp, _ := do(m, "/")
		if resp.StatusCode != 405 || resp.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("%s /: %s, Allow %q", m, resp.Status, resp.Header.Get("Allow"))
		}
	}
	resp, body = do("HEAD", "/a/")
	if resp.StatusCode != 200 || body != "" || resp.ContentLength <= 0 {
		t.Errorf("HEAD /a/: %s, length %d, body %q", resp.Status, resp.ContentLength, body)
	}
	resp, _ = do("GET", "/a")
	if resp.StatusCode != 302 || resp.Header.Get("Location") != "/a/" {
		t.Errorf("GET /a: %s to %q, want a redirect to /a/", resp.Status, resp.Header.Get("Location"))
	}
	resp, _ = do("GET", "/assets/")
	if resp.StatusCode != 404 {
		t.Errorf("GET /assets/: %s, want 404 (no listings)", resp.Status)
	}
}

func TestBasePath(t *testing.T) {
	t.Parallel()
	ts := startServer(t, func(c *Config) { c.Site.Base = "/explainer/" })
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get("http://" + ts.Addr().String() + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 302 || resp.Header.Get("Location") != "/explainer/" {
		t.Errorf("GET /: %s to %q", resp.Status, resp.Header.Get("Location"))
	}
	if code, body := ts.get(t, "/explainer/a/"); code != 200 || !strings.Contains(body, `src="/explainer/a/fig-line.svg"`) {
		t.Errorf("GET /explainer/a/: %d", code)
	}
	if code, _ := ts.get(t, "/a/"); code != 404 {
		t.Errorf("GET /a/ outside the base: %d, want 404", code)
	}
}

// rawGet sends a request line as it is, without a client's clean-up, and
// returns the status code.
func rawGet(t *testing.T, addr, target string) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, "GET "+target+" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	_, status, _ := strings.Cut(strings.TrimSpace(line), " ")
	code, _, _ := strings.Cut(status, " ")
	return code
}

func TestTraversal(t *testing.T) {
	t.Parallel()
	ts := startServer(t, nil)
	secret := filepath.Join(ts.dir, "secret.txt")
	writeFile(t, secret, "secret")
	writeFile(t, filepath.Join(ts.dir, "secrets", "s.txt"), "secret")
	pub := filepath.Join(ts.dir, "public")
	if err := os.Symlink(secret, filepath.Join(pub, "leak.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(ts.dir, "secrets"), filepath.Join(pub, "leakdir")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../secret.txt", filepath.Join(pub, "a", "rel.txt")); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{
		"/../secret.txt",
		"/a/../../secret.txt",
		"/%2e%2e/secret.txt",
		"/%2E%2E%2Fsecret.txt",
		"/a/..%2F..%2Fsecret.txt",
		"/a/%2e%2e/%2e%2e/secret.txt",
		"/..%5csecret.txt",
		"/a/..\\..\\secret.txt",
		"/%00/../secret.txt",
		"/./secret.txt",
		"/leak.txt",
		"/leakdir/s.txt",
		"/a/rel.txt",
		"//" + secret,
		"/" + secret,
	} {
		if code := rawGet(t, ts.Addr().String(), target); code != "404" && code != "400" {
			t.Errorf("GET %s: %s, want 404", target, code)
		}
	}
	// A link inside the site is fine.
	if err := os.Symlink("index.html", filepath.Join(pub, "a", "alias.html")); err != nil {
		t.Fatal(err)
	}
	if code := rawGet(t, ts.Addr().String(), "/a/alias.html"); code != "200" {
		t.Errorf("GET a link within the site: %s", code)
	}
}

func TestInject(t *testing.T) {
	tests := []struct{ page, want string }{
		{"<html><body><p>x</p></body></html>", "<html><body><p>x</p><script"},
		{"<BODY>x</BODY>", "<BODY>x<script"},
		{"<p>no body", "<p>no body<script"},
		{"<body>İİ</body>", "<body>İİ<script"},
		{"<body></body><!-- </body> -->", "<body></body><!-- <script"},
	}
	for _, tt := range tests {
		got := string(inject([]byte(tt.page), "v1", `a/"index".html`))
		if !strings.HasPrefix(got, tt.want) {
			t.Errorf("inject(%q) = %.60q…, want prefix %q", tt.page, got, tt.want)
		}
		if !strings.Contains(got, `data-file="a/&#34;index&#34;.html"`) {
			t.Errorf("inject(%q): data-file not escaped", tt.page)
		}
	}
}

func TestListen(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	_, err = New(Config{Addr: taken.Addr().String(), Site: site.Config{Out: t.TempDir()}})
	if err == nil || !strings.Contains(err.Error(), "is in use") || !strings.Contains(err.Error(), "-addr") {
		t.Errorf("a taken port: %v", err)
	}
	// No host means the loopback host, never every interface.
	s, err := New(Config{Addr: ":0", Site: site.Config{Out: t.TempDir()}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.ln.closeForGood()
	if host, _, _ := net.SplitHostPort(s.Addr().String()); host != "127.0.0.1" {
		t.Errorf("listening on %s", s.Addr())
	}
	if _, err := New(Config{Addr: "8080"}); err == nil {
		t.Errorf("an address without a port was accepted")
	}
}

// The watch leaves out what the build writes itself, should it lie inside
// a watched folder: the output, the scratch folder beside it and the one
// a swap passes through, and the cache.
func TestSkipsTheBuildsOwnFolders(t *testing.T) {
	root := t.TempDir()
	s := &Server{out: filepath.Join(root, "public"), cache: filepath.Join(root, ".cache"), content: filepath.Join(root, "content")}
	for p, want := range map[string]bool{
		"public/a/index.html":          true,
		".public.scratch/a/index.html": true,
		".public.scratch.old":          true,
		".cache/ab/cd":                 true,
		"content/why.md":               false,
		".public.notes":                false,
		"publication/index.html":       false,
	} {
		if got := s.skip(filepath.Join(root, p)); got != want {
			t.Errorf("skip(%s) = %v, want %v", p, got, want)
		}
	}
}
