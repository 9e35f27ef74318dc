package site

// A card is what a social network or chat shows of a link to a page, read
// from its Open Graph and Twitter card metadata.
type card struct {
	Type string // Open Graph's: "website" for the home page, else "article"
	// Image is the absolute address of a picture for the card, or "".
	Image         string
	ImageAlt      string
	Width, Height int
}

// card returns the card of the home page or an article.
func (r *renderer) card(a *article) *card {
	c := &card{Type: "article"}
	if a.slug == "" {
		c.Type = "website"
	}
	return c
}
