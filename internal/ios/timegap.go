package ios

import (
	"fmt"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/timeutil"
)

// secondsBetween returns b - a in seconds for two timestamps in MVT's layout.
func secondsBetween(a, b string) (int64, bool) {
	ta, err1 := time.Parse(timeutil.Layout, a)
	tb, err2 := time.Parse(timeutil.Layout, b)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return int64(tb.Sub(ta) / time.Second), true
}

// humanGap words a positive number of seconds: "90 days", "3 hours".
func humanGap(s int64) string {
	switch {
	case s >= 2*86400:
		return fmt.Sprintf("%d days", s/86400)
	case s >= 2*3600:
		return fmt.Sprintf("%d hours", s/3600)
	case s >= 120:
		return fmt.Sprintf("%d minutes", s/60)
	}
	return fmt.Sprintf("%d seconds", s)
}
