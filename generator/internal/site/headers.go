package site

import (
	"fmt"
	"io"
	"net/url"
	"path"
	"slices"
	"strings"
)

// headers writes _headers, the file in which Netlify and Cloudflare Pages
// read the response headers a site wants. It states the policy of the
// nginx configuration in generator/deploy: assets, named by a hash of
// their content, are cached for a year; everything else keeps these
// hosts' default, which has a browser revalidate it on each visit; the
// feed, the data files and the font get their exact types.
//
// The two hosts merge the rules that match an address differently (one
// joins the values of a header, the other keeps the last), so no two
// rules here set the same header for one address.
func (r *renderer) headers(w io.Writer, uses []*use) error {
	base := r.ix.base
	var b strings.Builder
	b.WriteString(`# Response headers for Netlify and Cloudflare Pages, written by the generator.
# Pages, figures and data keep the host's default, "public, max-age=0,
# must-revalidate": a browser checks them on every visit. Assets are named
# by a hash of their content and never change under their name.
`)
	fmt.Fprintf(&b, "%sassets/*\n  Cache-Control: public, max-age=31536000, immutable\n", base)
	fmt.Fprintf(&b, "%sfeed.xml\n  Content-Type: application/atom+xml; charset=utf-8\n", base)
	// The files whose type a host may not know, or give without a charset.
	var names []string
	for name := range r.assetFiles {
		names = append(names, name)
	}
	for _, u := range uses {
		for _, s := range u.settings {
			if !u.fig.Run && s.job.out != nil && s.job.out.CSV != "" {
				names = append(names, u.csvPath(s))
			}
		}
	}
	for name := range r.ix.content.static {
		names = append(names, name)
	}
	types := map[string]string{
		".csv":   "text/csv; charset=utf-8",
		".otf":   "font/otf",
		".woff2": "font/woff2",
	}
	var rules []string
	slices.Sort(names)
	for _, name := range slices.Compact(names) {
		if t, ok := types[path.Ext(name)]; ok {
			rules = append(rules, fmt.Sprintf("%s\n  Content-Type: %s\n", (&url.URL{Path: base + name}).EscapedPath(), t))
		}
	}
	// Cloudflare Pages reads at most maxHeaderRules rules, and neither host
	// has a pattern for "every .csv": past that, the files keep the type
	// the host gives them.
	if 2+len(rules) > maxHeaderRules {
		fmt.Fprintf(&b, "# %d files want their type stated, more than the %d rules Cloudflare Pages reads:\n# they keep the host's.\n", len(rules), maxHeaderRules)
		rules = nil
	}
	for _, r := range rules {
		b.WriteString(r)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// maxHeaderRules is the most rules Cloudflare Pages reads from _headers.
const maxHeaderRules = 100
