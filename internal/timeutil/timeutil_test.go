package timeutil

import (
	"math"
	"testing"
	"time"
)

func TestConversions(t *testing.T) {
	for _, c := range []struct {
		name string
		got  time.Time
		want string
	}{
		{"apple seconds", FromApple(0), "2001-01-01 00:00:00.000000"},
		{"apple fraction", FromApple(631152000.5), "2021-01-01 00:00:00.500000"},
		// Newer databases store nanoseconds (18 digits).
		{"apple nanoseconds", FromApple(631152000123456789), "2021-01-01 00:00:00.123456"},
		{"unix", FromUnix(1609459200), "2021-01-01 00:00:00.000000"},
		{"chrome", FromChrome(13253932800000000), "2021-01-01 00:00:00.000000"},
		{"apple string", FromAppleString("631152000"), "2021-01-01 00:00:00.000000"},
		{"garbage", FromAppleString("x"), ""},
		{"NaN", FromApple(math.NaN()), ""},
		{"infinity", FromUnix(math.Inf(1)), ""},
	} {
		if s := Format(c.got); s != c.want {
			t.Errorf("%s: %q, want %q", c.name, s, c.want)
		}
	}
}
