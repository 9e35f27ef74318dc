// Package bib reads the site's BibTeX file, content/references.bib, and
// formats its entries for the numbered reference list at the end of each
// article, where citations are written [@choromanska2015].
//
// # Use
//
//	b, err := bib.Parse("content/references.bib", src)
//	// err lists every problem in the file; b holds the entries that were read.
//	e, ok := b.Lookup("choromanska2015")
//	item := e.HTML()   // escaped HTML for one <li>
//	label := e.Short() // "Choromanska et al. 2015", plain text
//
// # Syntax
//
// Parse reads the BibTeX that reference managers write:
//
//	@string{aistats = "AISTATS"}
//	@inproceedings{choromanska2015,
//	  author    = {Choromanska, Anna and Henaff, Mikael and LeCun, Yann},
//	  title     = {The Loss Surfaces of {Multilayer} Networks},
//	  booktitle = aistats # " 2015",
//	  year      = 2015,
//	}
//
// Entries may be delimited by braces or parentheses. Values are braced
// text (nested braces allowed), quoted text, bare numbers or @string
// abbreviations, joined with #. An abbreviation must be defined before
// it is used; jan to dec are predefined. Entry types, field names and
// abbreviations ignore case; keys are looked up exactly but two keys that
// differ only in case are reported as duplicates, as BibTeX does.
// @comment and @preamble are skipped, and so is any text between
// entries; there "%" comments out the rest of its line, so that an @ in
// such a comment does not start an entry.
//
// # Fields
//
// Entry.Fields holds each value as plain Unicode text: braces and quotes
// are removed, whitespace runs become one space, and the usual LaTeX is
// converted: accents such as {\"o} or \'e, letters such as \ss and \o,
// escapes such as \&, "--" and "---" to en and em dashes, "~" to a
// no-break space and “quotes”. Other commands, such as \emph, are
// dropped while their argument stays. Math between $ signs is kept as
// written. The identifier fields url, doi, eprint and arxiv are only
// stripped of braces, escapes and whitespace.
//
// # Errors
//
// Parse reports all problems at once as an ErrorList, sorted by position,
// each formatted "file:line:col: message" with a 1-based column counted
// in bytes:
//
//	content/references.bib:12:3: entry choromanska2015: missing field title
//
// It reports invalid UTF-8, unterminated entries and values, missing keys
// and commas, duplicate keys and fields, unknown abbreviations, and
// missing required fields: author or editor, title and year for article,
// inproceedings and book, and title for misc. An empty field counts as
// missing. After a syntax error Parse skips to the next line that starts
// with @, so that one mistake does not hide the rest.
//
// # Formatting
//
// HTML gives authors as initials and last name ("G. Ben Arous"),
// understanding both "Last, First" and "First Last", von parts such as
// "van" and braces that keep a name whole. "and others" and lists longer
// than eight names end in "et al.". Then come the title in <cite>, the
// venue (journal, booktitle or, for books, publisher) with volume(number)
// and pages, the year, and links to the DOI, the arXiv abstract and the
// url.
package bib
