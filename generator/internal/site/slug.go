package site

import (
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// An article's path in the content folder is its address: why.md is
// published at /why/, notes/why.md at /notes/why/. So every folder and
// file name on that path may use only lowercase letters, digits and
// hyphens, which read the same in any address bar, sitemap or feed, need
// no escaping, and cannot differ only in case (two pages that one disk
// would keep apart and another would merge).

// slugOf returns the slug of a Markdown file's path in the content
// folder: its path without .md, and a folder's index.md takes the
// folder's name. The home page's slug is "".
func slugOf(rel string) string {
	rel = strings.TrimSuffix(rel, path.Ext(rel))
	if rel == "index" {
		return ""
	}
	return strings.TrimSuffix(rel, "/index")
}

// isArticle reports whether a file of the content folder is meant as an
// article: its name ends in .md, .markdown or .mdown, in any case.
func isArticle(rel string) bool {
	switch strings.ToLower(path.Ext(rel)) {
	case ".md", ".markdown", ".mdown":
		return true
	}
	return false
}

// checkArticlePath returns what is wrong with an article's path in the
// content folder, naming the path to use instead, or "".
func checkArticlePath(root, rel string) string {
	ext := path.Ext(rel)
	parts := strings.Split(strings.TrimSuffix(rel, ext), "/")
	good := true
	for i, p := range parts {
		if !validSegment(p) {
			good = false
			parts[i] = suggestSegment(p)
		}
	}
	if good && ext == ".md" {
		return ""
	}
	better := strings.Join(parts, "/") + ".md"
	if good {
		return fmt.Sprintf("an article's file name ends in .md: rename it %s", filepath.Join(root, filepath.FromSlash(better)))
	}
	const rule = "an article's path is its address, so its folder and file names may use only lowercase letters, digits and hyphens"
	if slices.Contains(parts, "") {
		return rule + ": rename it"
	}
	return fmt.Sprintf("%s: rename it %s", rule, filepath.Join(root, filepath.FromSlash(better)))
}

// validSegment reports whether a folder or file name may be part of a
// slug.
func validSegment(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// suggestSegment turns a name into one a slug may use: accents dropped,
// letters in lowercase, every run of anything else a hyphen. It returns ""
// if nothing is left.
func suggestSegment(s string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue // the accent of a letter before it
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(unicode.ToLower(r))
		default:
			hyphen = true
		}
	}
	return b.String()
}

// escapePath percent-encodes each segment of a slash-separated path for
// use in an address. A slug needs no escaping; a file copied from the
// content folder may.
func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}
