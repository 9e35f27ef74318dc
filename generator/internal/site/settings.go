package site

import (
	"net/url"
	"strings"
)

// ReadSettings reads the site's settings from site.yaml in the content
// folder, for commands that need them before a build (publishing builds
// for the address they name). Errors are a [diag.List].
func ReadSettings(contentDir string) (Settings, error) {
	sources, errs, ok := walk(contentDir)
	if !ok {
		return Settings{}, errs.Err()
	}
	var src *source
	for i := range sources {
		if sources[i].rel == "site.yaml" {
			src = &sources[i]
		}
	}
	s, errs := readSettings(contentDir, src, nil)
	return s, errs.Err()
}

// Base returns the path of the site's address as a base path: "/" for
// https://example.org, "/explainer/" for https://user.github.io/explainer.
func (s Settings) Base() string {
	u, err := url.Parse(s.URL)
	if err != nil || strings.Trim(u.Path, "/") == "" {
		return "/"
	}
	return "/" + strings.Trim(u.Path, "/") + "/"
}

// Host returns the host name of the site's address, without a port.
func (s Settings) Host() string {
	u, err := url.Parse(s.URL)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// abs returns the absolute address of a path of the site (one that starts
// with the base path), at the address the settings name. A build for
// another base, such as a preview at "/", still points its feed, sitemap
// and canonical links at the published site.
func (ix *index) abs(p string) string {
	return ix.content.settings.URL + "/" + strings.TrimPrefix(p, ix.base)
}
