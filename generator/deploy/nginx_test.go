package deploy

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nonconvex/explainer/figures"
	"github.com/nonconvex/explainer/figures/lab"
	"github.com/nonconvex/explainer/generator/internal/site"
	"github.com/nonconvex/explainer/generator/internal/sitetest"
)

const base = "/explainer/" // the path nginx.conf serves the site under

// TestNginxServesTheSiteUnderItsPath starts Debian's nginx on 127.0.0.1
// with the shipped configuration, serving a site built for base: the test
// site and the explainer itself. It crawls the site (every link and
// fragment must resolve) and checks the types, the caching, the 404 page
// and the redirects a reader gets, and that the site's _headers states the
// same policy.
func TestNginxServesTheSiteUnderItsPath(t *testing.T) {
	nginx := findNginx(t)
	for _, c := range []struct {
		name     string
		content  string // a txtar archive, or "" for the explainer
		registry *lab.Registry
	}{
		{"test site", strings.Replace(sitetest.Site, "url: https://example.org", "url: https://example.org"+base, 1), sitetest.NewFakes().Registry},
		{"explainer", "", figures.Default()},
	} {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			cfg := site.Config{
				Content:  filepath.Join(root, "content"),
				Out:      filepath.Join(root, "www", strings.Trim(base, "/")),
				Base:     base,
				Cache:    filepath.Join(root, "cache"),
				Registry: c.registry,
			}
			if c.content == "" {
				if testing.Short() {
					t.Skip("builds the whole explainer")
				}
				cfg.Content = filepath.Join("..", "..", "content")
			} else {
				sitetest.Write(t, cfg.Content, c.content)
			}
			if _, err := site.Build(context.Background(), cfg); err != nil {
				t.Fatal(err)
			}
			checkServed(t, startNginx(t, nginx, filepath.Join(root, "www")), cfg.Out)
		})
	}
}

// checkServed checks what nginx at origin serves of the site built in out.
func checkServed(t *testing.T, origin, out string) {
	got := sitetest.Crawl(t, origin, base)
	resp, body := get(t, origin+base+"robots.txt", nil)
	got[base+"robots.txt"] = &sitetest.Fetched{Status: resp.StatusCode, Header: resp.Header, Body: body}
	kinds := map[string]int{}
	for p, f := range got {
		if f.Status != http.StatusOK {
			continue
		}
		kind := path.Ext(p)
		switch {
		case strings.HasSuffix(p, "/"):
			kind = ".html"
		case strings.HasPrefix(p, base+"assets/"):
			kind = "asset" + kind
		}
		kinds[kind]++
		want := map[string]string{
			".html":       "text/html; charset=utf-8",
			".svg":        "image/svg+xml; charset=utf-8",
			".csv":        "text/csv; charset=utf-8",
			".xml":        "text/xml; charset=utf-8",
			"asset.css":   "text/css; charset=utf-8",
			".txt":        "text/plain; charset=utf-8",
			"asset.woff2": "font/woff2",
			"asset.svg":   "image/svg+xml; charset=utf-8",
			".ico":        "image/x-icon",
			".png":        "image/png",
		}[kind]
		if p == base+"feed.xml" {
			want = "application/atom+xml; charset=utf-8"
		}
		if ct := f.Header.Get("Content-Type"); ct != want {
			t.Errorf("%s: Content-Type %q, want %q", p, ct, want)
		}
		cache := "no-cache"
		if strings.HasPrefix(kind, "asset") {
			cache = "public, max-age=31536000, immutable"
		}
		if cc := f.Header.Get("Cache-Control"); cc != cache {
			t.Errorf("%s: Cache-Control %q, want %q", p, cc, cache)
		}
	}
	for _, kind := range []string{".html", ".svg", ".csv", ".xml", ".txt", "asset.css", "asset.woff2"} {
		if kinds[kind] == 0 {
			t.Errorf("the crawl found no %s", kind)
		}
	}

	notFound, err := os.ReadFile(filepath.Join(out, "404.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"nothing", "nothing/", "nothing.svg", "assets/", "assets/nothing.css", "index.htm"} {
		resp, body := get(t, origin+base+p, nil)
		if resp.StatusCode != http.StatusNotFound || !bytes.Equal(body, notFound) || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Errorf("%s: %s, %s, the site's 404 page: %v", p, resp.Status, resp.Header.Get("Content-Type"), bytes.Equal(body, notFound))
		}
	}

	// A folder's address without its slash redirects, on the reader's own
	// host and port.
	var article string // an article's address
	for _, p := range slices.Sorted(maps.Keys(got)) {
		if p != base && strings.HasSuffix(p, "/") && !strings.HasSuffix(p, "experiments/") {
			article = p
			break
		}
	}
	for from, to := range map[string]string{strings.TrimSuffix(base, "/"): base, strings.TrimSuffix(article, "/"): article} {
		resp, _ := get(t, origin+from, nil)
		if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != to {
			t.Errorf("%s: %s to %q, want 301 to %s", from, resp.Status, resp.Header.Get("Location"), to)
		}
	}

	// Revalidating a page costs a 304.
	etag := got[article].Header.Get("ETag")
	resp, _ = get(t, origin+article, http.Header{"If-None-Match": {etag}})
	if etag == "" || resp.StatusCode != http.StatusNotModified {
		t.Errorf("revalidating %s with ETag %q: %s", article, etag, resp.Status)
	}

	// _headers, for Netlify and Cloudflare Pages, says what nginx does.
	headers, err := os.ReadFile(filepath.Join(out, "_headers"))
	if err != nil {
		t.Fatal(err)
	}
	rules := parseHeaders(t, string(headers))
	if len(rules) < 3 {
		t.Errorf("_headers has %d rules", len(rules))
	}
	for _, r := range rules {
		matched := false
		for p, f := range got {
			if f.Status != http.StatusOK || !r.matches(p) {
				continue
			}
			matched = true
			for name, value := range r.headers {
				if f.Header.Get(name) != value {
					t.Errorf("%s: nginx sends %s %q, _headers says %q", p, name, f.Header.Get(name), value)
				}
			}
		}
		if !matched {
			t.Errorf("_headers rule %s matches nothing the crawl found", r.pattern)
		}
	}
}

// findNginx returns the nginx command, or skips the test without one
// unless EXPLAINER_REQUIRE_NGINX is set (as .ci/run does).
func findNginx(t *testing.T) string {
	if p, err := exec.LookPath("nginx"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		return "/usr/sbin/nginx" // not on a user's PATH
	}
	if os.Getenv("EXPLAINER_REQUIRE_NGINX") != "" {
		t.Fatal("no nginx found, and EXPLAINER_REQUIRE_NGINX is set")
	}
	t.Skip("no nginx found; install Debian's nginx to run this test")
	return ""
}

// startNginx runs nginx in the foreground on a free port of 127.0.0.1,
// with the shipped server block serving www, and everything else it
// writes (pid, logs, temporary files) in a folder of the test's. It
// returns the server's origin; the server stops when the test ends.
func startNginx(t *testing.T, nginx, www string) string {
	dir := t.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()

	shipped, err := os.ReadFile("nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	server := string(shipped)
	for old, new := range map[string]string{
		"listen 80;":          "listen " + addr + ";",
		"root /var/www/html;": "root " + www + ";",
	} {
		if strings.Count(server, old) != 1 {
			t.Fatalf("nginx.conf should have the line %q once", old)
		}
		server = strings.Replace(server, old, new, 1)
	}
	user := ""
	if os.Getuid() == 0 {
		user = "user root;" // else workers run as nobody, who cannot read the test's folders
	}
	mimeTypes := filepath.Join(confDir(t, nginx), "mime.types")
	main := fmt.Sprintf(`# The main context around the server block, as Debian's nginx.conf has it.
daemon off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log stderr;
%[2]s
events { worker_connections 64; }
http {
	include %[3]s;
	default_type application/octet-stream;
	access_log off;
	client_body_temp_path %[1]s/body;
	proxy_temp_path %[1]s/proxy;
	fastcgi_temp_path %[1]s/fastcgi;
	uwsgi_temp_path %[1]s/uwsgi;
	scgi_temp_path %[1]s/scgi;
%[4]s
}
`, dir, user, mimeTypes, server)
	conf := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(conf, []byte(main), 0o644); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	cmd := exec.Command(nginx, "-p", dir, "-c", conf, "-e", "stderr")
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM) // a fast shutdown, workers included
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})
	origin := "http://" + addr
	deadline := time.Now().Add(20 * time.Second)
	for {
		select {
		case err := <-exited:
			t.Fatalf("nginx exited: %v\n%s", err, log.String())
		default:
		}
		if resp, err := http.Get(origin + base); err == nil {
			resp.Body.Close()
			return origin
		}
		if time.Now().After(deadline) {
			t.Fatalf("nginx did not answer on %s:\n%s", addr, log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// confDir returns the folder of nginx's own configuration, which holds
// mime.types.
func confDir(t *testing.T, nginx string) string {
	out, _ := exec.Command(nginx, "-V").CombinedOutput()
	for _, f := range strings.Fields(string(out)) {
		if p, ok := strings.CutPrefix(f, "--conf-path="); ok {
			return filepath.Dir(p)
		}
	}
	return "/etc/nginx"
}

func get(t *testing.T, url string, h http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range h {
		req.Header[k] = v
	}
	// Redirects are what some of the checks are about.
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}
