package serve

import (
	"bytes"
	_ "embed"
	"html"
)

// reloadJS is the page side of live reloading. It is served inline, so a
// page needs no extra request, and only by the dev server: the site's
// files on disk carry no JavaScript.
//
//go:embed reload.js
var reloadJS string

// inject returns page with the reload script inserted before its last
// </body>, or at its end if it has none. The script learns the event
// stream's address, the site version the page shows and the output file
// it came from, from its data attributes.
func inject(page []byte, version, file string) []byte {
	tag := `<script data-events="` + eventsPath + `" data-version="` + html.EscapeString(version) +
		`" data-file="` + html.EscapeString(file) + `">` + reloadJS + "</script>\n"
	i := lastBodyEnd(page)
	out := make([]byte, 0, len(page)+len(tag))
	out = append(out, page[:i]...)
	out = append(out, tag...)
	return append(out, page[i:]...)
}

// lastBodyEnd returns the offset of the last </body> in any letter case,
// or len(page). (Lower-casing the page first could shift offsets: some
// letters change length in UTF-8 when lower-cased.)
func lastBodyEnd(page []byte) int {
	const tag = "</body>"
	for i := len(page) - len(tag); i >= 0; i-- {
		if page[i] == '<' && bytes.EqualFold(page[i:i+len(tag)], []byte(tag)) {
			return i
		}
	}
	return len(page)
}
