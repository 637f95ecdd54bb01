// Package timeutil converts the clocks found on phones into the timestamp text
// MVT writes ("2006-01-02 15:04:05.000000").
package timeutil

import (
	"math"
	"strconv"
	"time"
)

// Layout is MVT's ISO-like timestamp format.
const Layout = "2006-01-02 15:04:05.000000"

// appleEpoch is 2001-01-01T00:00:00Z in Unix seconds.
const appleEpoch = 978307200

// Format renders t in UTC in MVT's layout; the zero time renders as "".
func Format(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(Layout)
}

// FromApple converts Apple absolute time (seconds since 2001-01-01, possibly
// fractional). An 18- or 19-digit value is nanoseconds, as newer databases
// store (MVT keeps the first 9 digits; dividing keeps the fraction too).
func FromApple(v float64) time.Time {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return time.Time{}
	}
	if math.Abs(v) >= 1e17 {
		v /= 1e9
	}
	sec, frac := math.Modf(v)
	return time.Unix(int64(sec)+appleEpoch, int64(frac*1e9)).UTC()
}

// FromUnix converts Unix seconds (possibly fractional).
func FromUnix(v float64) time.Time {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return time.Time{}
	}
	sec, frac := math.Modf(v)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC()
}

// FromChrome converts WebKit/Chrome time (microseconds since 1601-01-01).
func FromChrome(us int64) time.Time {
	const delta = 11644473600 // seconds between 1601 and 1970
	return time.Unix(us/1e6-delta, (us%1e6)*1e3).UTC()
}

// FromAppleString parses a decimal Apple timestamp; "" or garbage give zero.
func FromAppleString(s string) time.Time {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return time.Time{}
	}
	return FromApple(v)
}
