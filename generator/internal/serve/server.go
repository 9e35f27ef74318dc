package serve

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"
	"time"
)

// eventsPath is the address of the event stream. Its folder name starts
// with a dot, and the site holds no hidden files, so it cannot hide a
// page.
const eventsPath = "/.serve/events"

// ServeHTTP serves the output folder as it is now, and the event stream.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	if !s.hosts.allows(r.Host) {
		http.Error(w, fmt.Sprintf("host %q refused: this preview answers only to localhost, 127.0.0.1, [::1] and the address it listens on", r.Host), http.StatusForbidden)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := r.URL.Path
	if p == eventsPath {
		s.serveEvents(w, r)
		return
	}
	if !strings.HasPrefix(p, s.base) {
		if p == "/" || p+"/" == s.base {
			http.Redirect(w, r, s.base, http.StatusFound)
			return
		}
		s.notFound(w, r)
		return
	}
	rel := p[len(s.base):]
	if !validPath(rel) {
		s.notFound(w, r)
		return
	}
	// The version is read before the file is opened: if a build lands in
	// between, the page claims to be older than it is and reloads once
	// more, which is harmless; the other order could miss a change.
	version := s.status.Load().version
	name := rel
	if name == "" || strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	f, info, err := s.open(name)
	if err != nil {
		s.notFound(w, r)
		return
	}
	defer f.Close()
	if info.IsDir() {
		if strings.HasSuffix(rel, "/") {
			s.notFound(w, r) // a folder without index.html: no listings
			return
		}
		target := p + "/"
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, target, http.StatusFound)
		return
	}
	if !info.Mode().IsRegular() {
		s.notFound(w, r)
		return
	}
	ctype := contentType(name)
	h.Set("Content-Type", ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	if !strings.HasPrefix(ctype, "text/html") {
		http.ServeContent(w, r, name, time.Time{}, f)
		return
	}
	page, err := io.ReadAll(f)
	if err != nil {
		http.Error(w, "reading "+name+": "+err.Error(), http.StatusInternalServerError)
		return
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(inject(page, version, name)))
}

// validPath reports whether rel, a decoded URL path below the base, may
// name a file of the site. The checks come before os.Root, which would
// refuse an escape anyway, so that every attempt gets the same plain 404.
func validPath(rel string) bool {
	if strings.ContainsAny(rel, "\x00\\") || strings.HasPrefix(rel, "/") {
		return false
	}
	for _, seg := range strings.Split(rel, "/") {
		if seg == ".." || seg == "." {
			return false
		}
	}
	return true
}

// open opens name in the output folder. The folder is opened as an
// os.Root for each request, since builds replace it, and the root refuses
// paths and symbolic links leading out of it. If a build swaps the folder
// between opening it and opening the file, the old folder is being
// deleted, so a missing file is looked for once more in the new one.
func (s *Server) open(name string) (*os.File, fs.FileInfo, error) {
	var err error
	for range 2 {
		var root *os.Root
		root, err = os.OpenRoot(s.out)
		if err != nil {
			continue
		}
		var f *os.File
		f, err = root.Open(name)
		root.Close() // f stays open
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return nil, nil, err
		}
		info, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, nil, err
		}
		return f, info, nil
	}
	return nil, nil, err
}

// notFound serves the site's 404 page with status 404.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	version := s.status.Load().version
	page := []byte(fallback404)
	if f, _, err := s.open("404.html"); err == nil {
		if data, err := io.ReadAll(f); err == nil {
			page = data
		}
		f.Close()
	}
	page = inject(page, version, "404.html")
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(page)))
	w.WriteHeader(http.StatusNotFound)
	if r.Method != http.MethodHead {
		w.Write(page)
	}
}

// fallback404 stands in for 404.html before the site has ever built.
const fallback404 = `<!DOCTYPE html>
<html lang="en"><meta charset="utf-8"><title>Not built yet</title>
<body><p>There is no page here: the site has not been built yet, or has no such page.</p></body></html>
`

// contentTypes fixes the types of the files a site holds, so that they do
// not depend on the machine's MIME database.
var contentTypes = map[string]string{
	".html":  "text/html; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".svg":   "image/svg+xml",
	".csv":   "text/csv; charset=utf-8",
	".xml":   "application/xml; charset=utf-8",
	".txt":   "text/plain; charset=utf-8",
	".json":  "application/json",
	".otf":   "font/otf",
	".ttf":   "font/ttf",
	".woff":  "font/woff",
	".woff2": "font/woff2",
	".png":   "image/png",
	".jpg":   "image/jpeg",
	".jpeg":  "image/jpeg",
	".gif":   "image/gif",
	".webp":  "image/webp",
	".avif":  "image/avif",
	".ico":   "image/vnd.microsoft.icon",
	".pdf":   "application/pdf",
	".bib":   "text/plain; charset=utf-8",
}

func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}
