package source

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
)

// Whole-archive bounds. The per-entry checks (size, ratio above
// RatioFloor) let through a zip whose central directory lists the same
// compressed bytes under thousands of names: each entry is small and its
// name distinct, yet together they unpack to gigabytes from a few hundred
// kilobytes. So the archive is checked as a whole when it is opened:
// entries may not share compressed bytes, their count is bounded, and so
// is the sum of their declared sizes (archive/zip fails an entry that
// unpacks to more than it declares, so the declared sum bounds the work).
// An entry that the per-entry ratio check refuses is left out of the sum.
const (
	// DefaultMaxEntries: bugreports and AndroidQF acquisitions hold a few
	// thousand entries at most.
	DefaultMaxEntries = 100_000
	// DefaultMaxUnpacked: an AndroidQF acquisition with every APK pulled
	// unpacks to several gigabytes; twice the largest seen, with room.
	DefaultMaxUnpacked = 32 << 30
)

// maxUnpacked is the process-wide absolute cap, set by the commands that
// read archives from --max-unpacked.
var maxUnpacked atomic.Int64

// SetMaxUnpacked sets the absolute cap on what one archive may unpack to
// when ZipOptions.MaxUnpacked is zero; n <= 0 restores the default.
func SetMaxUnpacked(n int64) {
	if n <= 0 {
		n = DefaultMaxUnpacked
	}
	maxUnpacked.Store(n)
}

func defaultMaxUnpacked() int64 {
	if n := maxUnpacked.Load(); n > 0 {
		return n
	}
	return DefaultMaxUnpacked
}

// checkLayout refuses an archive whose entries overlap, or whose entries
// declare more than the unpack budget. size is the archive's size.
func (z *ZipFS) checkLayout(size int64) error {
	type span struct {
		start, end int64
		name       string
	}
	spans := make([]span, 0, len(z.files))
	var total uint64
	for name, f := range z.files {
		if z.checkRatio(f) != nil {
			// Refused whenever it is opened, so it costs nothing: the
			// module that wants it fails naming it, the rest is read.
			continue
		}
		if total+f.UncompressedSize64 < total {
			total = ^uint64(0) // overflow: larger than any budget
		} else {
			total += f.UncompressedSize64
		}
		if f.CompressedSize64 == 0 {
			continue
		}
		off, err := f.DataOffset()
		if err != nil {
			continue // a broken local header fails this entry alone, when opened
		}
		end := size
		if f.CompressedSize64 < uint64(size) && off+int64(f.CompressedSize64) < size {
			end = off + int64(f.CompressedSize64)
		}
		spans = append(spans, span{off, end, name})
	}
	slices.SortFunc(spans, func(a, b span) int {
		return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.end, b.end), strings.Compare(a.name, b.name))
	})
	for i := 1; i < len(spans); i++ {
		prev := spans[i-1]
		if spans[i].start < prev.end {
			return fmt.Errorf("%s lists %q and %q over the same compressed bytes: the archive was crafted so that one piece of data is unpacked many times (an overlapping-entry zip bomb); refusing to read it",
				z.name, prev.name, spans[i].name)
		}
		if prev.end > spans[i].end {
			spans[i].end = prev.end // keep the furthest end seen
		}
	}
	base := z.opts.RatioBase
	if base <= 0 {
		base = size
	}
	byRatio := uint64(z.opts.MaxRatio)*uint64(max(base, 0)) + RatioFloor
	if total > byRatio {
		return fmt.Errorf("%s: %w: its entries unpack to %s from %s, more than %d times its size",
			z.name, ErrLikelyBomb, humanBytes(total), humanBytes(uint64(base)), z.opts.MaxRatio)
	}
	if total > uint64(z.opts.MaxUnpacked) {
		return fmt.Errorf("%s unpacks to %s, more than the %s spyglass reads from one archive; if the archive is genuine, raise the limit with --max-unpacked",
			z.name, humanBytes(total), humanBytes(uint64(z.opts.MaxUnpacked)))
	}
	return nil
}

// humanBytes writes n as "12.3 GiB".
func humanBytes(n uint64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatUint(n, 10) + " bytes"
	}
	v, i := float64(n), -1
	for v >= unit && i < 4 {
		v /= unit
		i++
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + " " + string("KMGTP"[i]) + "iB"
}

// ParseSize reads a size such as 64G, 500M, 2TiB or 1048576 (bytes), for
// --max-unpacked.
func ParseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "B"), "I")
	mult := int64(1)
	if n := len(t); n > 0 {
		if i := strings.IndexByte("KMGTP", t[n-1]); i >= 0 {
			mult = 1 << (10 * (i + 1))
			t = t[:n-1]
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
	if err != nil || v <= 0 || v*float64(mult) >= 1<<62 {
		return 0, fmt.Errorf("%q is not a size (examples: 64G, 500M, 2T)", s)
	}
	return int64(v * float64(mult)), nil
}
