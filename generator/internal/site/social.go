package site

import (
	"context"

	"github.com/nonconvex/explainer/figures/lab"
)

// A card is what a social network or chat shows of a link to a page, read
// from its Open Graph and Twitter card metadata.
type card struct {
	Type string // Open Graph's: "website" for the home page, else "article"
	// Image is the absolute address of a picture for the card, or "".
	Image         string
	ImageAlt      string
	Width, Height int
}

// The picture on every page's card is the home page's first figure, drawn
// as a PNG of the size social networks show best; a site without one has
// cards without a picture. Drawing it runs the figure's experiment once
// more (an SVG cannot be a card's picture), so the builder keeps it for
// the next build.
const (
	cardFile   = "card.png"
	cardWidth  = 1200
	cardHeight = 630
)

// cardUse returns the figure the cards show, or nil.
func (r *renderer) cardUse(uses []*use) *use {
	for _, u := range uses {
		if u.art == r.ix.content.home && !u.fig.Run {
			return u
		}
	}
	return nil
}

// card returns the card of the home page or an article.
func (r *renderer) card(a *article) *card {
	c := &card{Type: "article"}
	if a.slug == "" {
		c.Type = "website"
	}
	if u := r.cardFig; u != nil {
		c.Image = r.ix.abs(r.ix.base + cardFile)
		c.Width, c.Height = cardWidth, cardHeight
		c.ImageAlt = u.fig.Alt
		if c.ImageAlt == "" && u.job.out != nil {
			c.ImageAlt = u.job.out.Alt
		}
	}
	return c
}

// cardPNG draws the figure of the cards, or returns the drawing of the
// same job from an earlier build.
func (b *Builder) cardPNG(ctx context.Context, u *use) ([]byte, error) {
	b.mu.Lock()
	png, ok := b.cards[u.job.key]
	b.mu.Unlock()
	if ok {
		return png, nil
	}
	png, err := lab.PNG(ctx, u.job.args, b.cfg.Budget, cardWidth, cardHeight)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	b.cards = map[string][]byte{u.job.key: png} // only the current one is worth keeping
	b.mu.Unlock()
	return png, nil
}
