package deploy

import (
	"strings"
	"testing"
)

// A rule of a _headers file: the headers for the addresses that match a
// pattern.
type rule struct {
	pattern string
	headers map[string]string
}

// matches reports whether the rule applies to an escaped path: a pattern
// ending in * matches what starts with the rest, any other only itself.
func (r rule) matches(p string) bool {
	if prefix, ok := strings.CutSuffix(r.pattern, "*"); ok {
		return strings.HasPrefix(p, prefix)
	}
	return p == r.pattern
}

// parseHeaders reads the _headers format of Netlify and Cloudflare Pages:
// a pattern at the start of a line, then its headers indented, one
// "Name: value" a line; # starts a comment line.
func parseHeaders(t *testing.T, text string) []rule {
	t.Helper()
	var rules []rule
	for i, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "" || strings.HasPrefix(trimmed, "#"):
		case !strings.HasPrefix(line, " ") && !strings.HasPrefix(line, "\t"):
			if !strings.HasPrefix(line, "/") {
				t.Errorf("_headers:%d: a pattern must start with /: %q", i+1, line)
			}
			rules = append(rules, rule{pattern: line, headers: make(map[string]string)})
		default:
			name, value, ok := strings.Cut(trimmed, ":")
			if !ok || len(rules) == 0 {
				t.Errorf("_headers:%d: want an indented Name: value after a pattern, got %q", i+1, line)
				continue
			}
			r := rules[len(rules)-1]
			if _, dup := r.headers[name]; dup {
				t.Errorf("_headers:%d: %s set twice for %s", i+1, name, r.pattern)
			}
			r.headers[name] = strings.TrimSpace(value)
		}
	}
	// The hosts merge the rules that match one address differently, so no
	// two may set the same header for it.
	for i, a := range rules {
		for _, b := range rules[i+1:] {
			if !a.matches(b.pattern) && !b.matches(a.pattern) {
				continue
			}
			for name := range a.headers {
				if _, ok := b.headers[name]; ok {
					t.Errorf("_headers: %s and %s both set %s", a.pattern, b.pattern, name)
				}
			}
		}
	}
	return rules
}
