package site

import (
	"fmt"
	"time"
)

// parts lists the articles for the home page: by part, in reading order,
// or in one list if the settings name no parts. Articles that come before
// the first part form an untitled list ahead of the parts.
func (r *renderer) parts() []partList {
	s := r.ix.content.settings
	lists := make([]partList, len(s.Parts)+1) // lists[0]: before any part
	for i, p := range s.Parts {
		lists[i+1] = partList{ID: partID(i), Title: p.Title}
	}
	for n, a := range r.ix.content.articles {
		i := s.part(a.doc.Meta.Order) + 1
		if len(lists[i].Articles) == 0 {
			lists[i].Start = n + 1
		}
		lists[i].Articles = append(lists[i].Articles, link{URL: r.ix.pageURL(a), Title: a.doc.Meta.Title, Description: a.doc.Meta.Description})
	}
	var out []partList
	for _, l := range lists {
		if len(l.Articles) > 0 { // a part whose articles are all drafts, say
			out = append(out, l)
		}
	}
	return out
}

// partID is the id of the i-th part's list on the home page.
func partID(i int) string { return fmt.Sprintf("part-%d", i+1) }

// readableDate writes a front matter date, 2026-11-22, as a reader
// reads it: 22 November 2026. The front matter's dates have been checked.
func readableDate(date string) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return ""
	}
	return t.Format("2 January 2006")
}
