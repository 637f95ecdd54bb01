package ios

import (
	"math"
	"strconv"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/timeutil"
)

// macTimeMVT renders an Apple absolute timestamp exactly as MVT does, for
// columns that hold either seconds (588611289.250545) or nanoseconds
// (588813210539788032, sms.db since iOS 11). MVT keeps the first 9 digits of
// an 18-digit value, i.e. whole seconds, and EXPECTED.md asserts that text
// ("2019-08-29 23:13:30.000000"), so nanosecond values are truncated to the
// second here. NULL, 0 and non-numbers give "" (MVT: no date).
//
// Deliberate difference: MVT takes the first 9 digits of a 19-digit value
// too (dates after 2032), which lands in 2001; we divide by 1e9.
func macTimeMVT(v any) string {
	f, ok := valueFloat(v)
	if !ok || f == 0 || math.IsNaN(f) || math.IsInf(f, 0) {
		return ""
	}
	if math.Abs(f) >= 1e17 {
		f = math.Trunc(f / 1e9)
	}
	// Beyond year ±9999 the layout breaks; such a value is garbage.
	if math.Abs(f) > 2.5e11 {
		return ""
	}
	return timeutil.Format(roundedSeconds(f + appleEpochSeconds))
}

// appleEpochSeconds is 2001-01-01 in Unix seconds.
const appleEpochSeconds = 978307200

// roundedSeconds converts fractional Unix seconds rounding to the nearest
// microsecond, as Python's datetime does; truncating the float's binary
// fraction would turn .250545 into .250544.
func roundedSeconds(f float64) time.Time {
	sec := math.Floor(f)
	us := math.Round((f - sec) * 1e6)
	return time.Unix(int64(sec), int64(us)*1000).UTC()
}

// unixTimeMVT renders Unix seconds as MVT does; NULL gives "".
func unixTimeMVT(v any) string {
	f, ok := valueFloat(v)
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 2.5e11 {
		return ""
	}
	return timeutil.Format(roundedSeconds(f))
}

// pyDatetimeText renders a time as Python's str(datetime) does (MVT's JSON
// encoder writes datetimes that way): no fraction when it is zero.
func pyDatetimeText(t time.Time) string {
	t = t.UTC().Round(time.Microsecond)
	if t.Nanosecond()/1000 == 0 {
		return t.Format("2006-01-02 15:04:05")
	}
	return t.Format("2006-01-02 15:04:05.000000")
}

// formatFloatPy renders a float as Python's str(float) for messages.
func formatFloatPy(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if f == math.Trunc(f) && math.Abs(f) < 1e16 {
		s += ".0"
	}
	return s
}
