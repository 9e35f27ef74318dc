package bib

import (
	"html"
	"strings"
)

// Author lists longer than maxAuthors keep their first shownAuthors names
// and end in "et al.": a reference list is for finding the paper, not for
// crediting a hundred collaborators.
const (
	maxAuthors   = 8
	shownAuthors = 6
)

// bookish types are published as a whole, so their publisher is part of
// the venue; for articles and proceedings it would only be noise.
var bookish = map[string]bool{"book": true, "inbook": true, "incollection": true,
	"booklet": true, "proceedings": true}

// HTML formats the entry as one item of a reference list, without the
// surrounding <li>:
//
//	A. Choromanska, Y. LeCun. <cite>The Loss Surfaces of Multilayer
//	Networks</cite>. AISTATS, 2015. <a href="https://arxiv.org/abs/1412.0233">arXiv:1412.0233</a>.
//
// The parts are authors (or editors), title, venue with volume, pages
// and year, and links built from doi, eprint or arxiv, and url. Missing
// parts are left out. All text is escaped.
func (e *Entry) HTML() string {
	var out []string
	add := func(html, text string) {
		if html == "" {
			return
		}
		if !strings.HasSuffix(text, ".") && !strings.HasSuffix(text, "?") && !strings.HasSuffix(text, "!") {
			html += "."
		}
		out = append(out, html)
	}
	who := e.credit()
	add(escapeText(who), who)
	if t := e.Fields["title"]; t != "" {
		add("<cite>"+escapeText(t)+"</cite>", t)
	}
	v := e.venue()
	add(escapeText(v), v)
	add(e.links(), "")
	return strings.Join(out, " ")
}

// Short returns a plain text author-year label such as "Boyd 2004",
// "Boyd & Vandenberghe 2004" or "Choromanska et al. 2015", for link
// titles. Without authors or editors it uses the title, and without
// anything usable the key. The result is not escaped.
func (e *Entry) Short() string {
	if e.short != "" {
		return e.short
	}
	return e.makeShort()
}

func (e *Entry) makeShort() string {
	names, others := people(e.rawField("author"))
	if len(names) == 0 && !others {
		names, others = people(e.rawField("editor"))
	}
	var who string
	switch {
	case len(names) == 0:
		who = e.Fields["title"]
	case len(names) == 1 && !others:
		who = names[0].surname()
	case len(names) == 2 && !others:
		who = names[0].surname() + " & " + names[1].surname()
	default:
		who = names[0].surname() + " et al."
	}
	if label := strings.TrimSpace(who + " " + e.year()); label != "" {
		return label
	}
	return e.Key
}

// rawField prefers the value with its braces, which carry meaning in name
// lists, and falls back to Fields for entries built by hand.
func (e *Entry) rawField(name string) string {
	if v, ok := e.raw[name]; ok {
		return v
	}
	return e.Fields[name]
}

// year accepts biblatex's date field too, as in "date = {2015-05}".
func (e *Entry) year() string {
	if y := e.Fields["year"]; y != "" {
		return y
	}
	if d := e.Fields["date"]; len(d) >= 4 && strings.Trim(d[:4], "0123456789") == "" {
		return d[:4]
	}
	return ""
}

// credit lists the authors, or failing them the editors.
func (e *Entry) credit() string {
	names, others := people(e.rawField("author"))
	role := ""
	if len(names) == 0 && !others {
		names, others = people(e.rawField("editor"))
		role = " (ed.)"
		if len(names) > 1 || others {
			role = " (eds.)"
		}
	}
	var list []string
	for _, n := range names {
		if s := n.String(); s != "" {
			list = append(list, s)
		}
	}
	if len(list) > maxAuthors {
		list, others = list[:shownAuthors], true
	}
	if len(list) == 0 {
		return ""
	}
	s := strings.Join(list, ", ")
	if others {
		s += " et al."
	}
	return s + role
}

// venue says where the work appeared: "Journal 12(3), pp. 1–10, 2011",
// "AISTATS, 2015" or "Cambridge University Press, 2004".
func (e *Entry) venue() string {
	f := e.Fields
	var venue string
	for _, name := range []string{"journal", "booktitle", "howpublished", "school", "institution", "organization"} {
		if venue = f[name]; venue != "" {
			break
		}
	}
	var parts []string
	if venue != "" {
		parts = append(parts, venue)
	}
	if pub := f["publisher"]; pub != "" && (venue == "" || bookish[e.Type]) {
		parts = append(parts, pub)
	}
	switch vol, num := f["volume"], f["number"]; {
	case vol == "" && num != "":
		parts = append(parts, "no. "+num)
	case vol != "":
		if num != "" {
			vol += "(" + num + ")"
		}
		if e.Type == "article" && venue != "" {
			parts[0] += " " + vol
		} else {
			parts = append(parts, "vol. "+vol)
		}
	}
	if pg := f["pages"]; pg != "" {
		pg = strings.NewReplacer("—", "–", "-", "–").Replace(pg)
		if strings.ContainsAny(pg, "–,") {
			parts = append(parts, "pp. "+pg)
		} else {
			parts = append(parts, "p. "+pg)
		}
	}
	if y := e.year(); y != "" {
		parts = append(parts, y)
	}
	return strings.Join(parts, ", ")
}

// links returns the doi, arXiv and url links as HTML. A url that merely
// repeats the doi or arXiv link is left out.
func (e *Entry) links() string {
	var out []string
	doi := trimPrefixes(e.Fields["doi"], "https://doi.org/", "http://doi.org/",
		"https://dx.doi.org/", "http://dx.doi.org/", "doi:")
	if doi != "" {
		out = append(out, link("https://doi.org/"+escapePath(doi), "doi:"+doi))
	}
	id := e.Fields["arxiv"]
	if id == "" {
		archive := e.Fields["archiveprefix"]
		if archive == "" {
			archive = e.Fields["eprinttype"] // biblatex's name for it
		}
		if strings.EqualFold(archive, "arxiv") {
			id = e.Fields["eprint"]
		}
	}
	id = trimPrefixes(id, "https://arxiv.org/abs/", "http://arxiv.org/abs/", "arxiv:")
	if id != "" {
		out = append(out, link("https://arxiv.org/abs/"+escapePath(id), "arXiv:"+id))
	}
	u := e.Fields["url"]
	lower := strings.ToLower(u)
	web := strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "http://")
	if web && (doi == "" || !strings.Contains(u, doi)) && (id == "" || !strings.Contains(u, id)) {
		out = append(out, link(u, u))
	}
	return strings.Join(out, ", ")
}

// trimPrefixes removes the first of the prefixes s starts with, ignoring
// case, since people paste identifiers in every form.
func trimPrefixes(s string, prefixes ...string) string {
	for _, p := range prefixes {
		if len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) {
			return s[len(p):]
		}
	}
	return s
}

// escapePath escapes the characters that would end a DOI or arXiv id
// early inside a URL. Slashes stay: they are part of DOIs.
var escapePath = strings.NewReplacer("%", "%25", "#", "%23", "?", "%3F", `"`, "%22",
	"<", "%3C", ">", "%3E", " ", "%20").Replace

var escapeText = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace

func link(href, text string) string {
	return `<a href="` + html.EscapeString(href) + `">` + escapeText(text) + `</a>`
}
