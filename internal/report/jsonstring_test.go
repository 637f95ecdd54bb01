package report

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/module"
)

// The hand-written JSONL line must be byte for byte what encoding/json
// writes for jsonlEvent, whatever the text holds.
func FuzzJSONLMatchesEncodingJSON(f *testing.F) {
	for _, s := range []string{"", "plain", "quote \" back \\ slash", "tab\tnew\nline\r", "\x00\x1f\x7f",
		"é ü 日本", "\xff\xfe bad utf8", "\u2028\u2029", "<script>&</script>"} {
		f.Add(s, "2021-01-02 03:04:05.123456", false)
	}
	f.Add("x", "2021-01-02 03:04:05", true)
	f.Fuzz(func(t *testing.T, text, ts string, local bool) {
		var got bytes.Buffer
		w := NewJSONLWriter(&got)
		w.DeviceLocal = local
		ev := module.TimelineEvent{Timestamp: ts, Module: text, Event: text, Data: text}
		if err := w.Write(ev); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		tm, ok := ParseTimestamp(ts)
		if !ok {
			if got.Len() != 0 {
				t.Fatalf("line written for a bad time: %q", got.String())
			}
			return
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		layout, zone := "2006-01-02T15:04:05.000000Z07:00", "UTC"
		if local {
			layout, zone = "2006-01-02T15:04:05.000000", "device local"
		}
		msg := text
		if msg == "" {
			msg = text
		}
		enc.Encode(jsonlEvent{Message: msg, Datetime: tm.Format(layout), TimestampDesc: timestampDesc(text),
			Module: text, Event: text, Timestamp: tm.UnixMicro(), TimeZone: zone, DataType: "spyglass:timeline"})
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Fatalf("got  %q\nwant %q", got.String(), want.String())
		}
	})
}
