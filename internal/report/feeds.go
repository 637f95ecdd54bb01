package report

import "strings"

// shownCollections is how many collection names a feed's row lists before
// folding the rest: Echap's list alone names about 200 apps, and a cell
// that long squeezed the table's other columns to a character or two.
const shownCollections = 12

// feedRow is one row of the "Indicators used" table.
type feedRow struct {
	Feed
	Shown string // the first collections, comma-separated
	Rest  string // the others, folded under a "and N more" toggle
	More  int
}

func feedRows(feeds []Feed) []feedRow {
	out := make([]feedRow, 0, len(feeds))
	for _, f := range feeds {
		r := feedRow{Feed: f}
		c := f.Collections
		if len(c) > shownCollections {
			r.Rest = strings.Join(c[shownCollections:], ", ")
			r.More = len(c) - shownCollections
			c = c[:shownCollections]
		}
		r.Shown = strings.Join(c, ", ")
		out = append(out, r)
	}
	return out
}
