package output

import (
	"bytes"
	"encoding/json"
	"testing"
)

// For any JSON the encoder writes, the fast layout equals json.Indent's.
func FuzzAppendIndentCompact(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `{"a":[]}`, `{"a":{},"b":[1,2,{"c":"d\"}"}]}`, `"x"`, `1`, `null`,
		`[{"k":"v, with: {brackets} [and] \\ \"quotes\""}]`, `{"e":"\u2028<>&"}`, `[[[]],[{}]]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var v any
		if json.Unmarshal([]byte(s), &v) != nil {
			return
		}
		// What the encoder writes for v: compact, HTML left as is.
		var compact bytes.Buffer
		enc := json.NewEncoder(&compact)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return
		}
		src := bytes.TrimRight(compact.Bytes(), "\n")
		var want bytes.Buffer
		if err := json.Indent(&want, src, "    ", "    "); err != nil {
			t.Fatalf("json.Indent refused the encoder's output %q: %v", src, err)
		}
		got := appendIndentCompact(nil, src, "    ", "    ")
		if !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("input %q\n got %q\nwant %q", src, got, want.Bytes())
		}
	})
}
