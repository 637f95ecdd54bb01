package report

import (
	"bufio"
	"encoding/json"
	"strings"
	"testing"
)

// decoderCount is the token-by-token count countTopLevel replaced; on valid
// JSON both must agree.
func decoderCount(s string) int {
	dec := json.NewDecoder(strings.NewReader(s))
	// Numbers stay text: a valid number beyond float64's range (found by
	// fuzzing: 1.8e308 written out) is still one record.
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return -1
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return 1
	}
	n := 0
	for dec.More() {
		if d == '{' {
			if _, err := dec.Token(); err != nil {
				return -1
			}
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return -1
		}
		n++
	}
	return n
}

func TestCountTopLevel(t *testing.T) {
	valid := []string{
		`[]`, `{}`, `[1]`, "[\n    {\"a\": [1, 2, {\"b\": \"]}\"}]},\n    {\"c\": \"\\\"\\\\\"}\n]\n",
		`{"k1": {"x": [1,2]}, "k2": "v,}]", "k3": null}`, `["a", "b", "c,d", true, false, null, -1.5e3]`,
		`"scalar"`, `42`, `[[],[[]],{}]`, "  \n [ 1 , 2 ] trailing",
	}
	for _, s := range valid {
		got := countTopLevel(bufio.NewReaderSize(strings.NewReader(s), 16))
		if want := decoderCount(s); got != want {
			t.Errorf("%q: %d records, want %d", s, got, want)
		}
	}
	for _, s := range []string{``, `   `, `[1, 2`, `{"a": "unterminated`, `[{"a": 1}`} {
		if got := countTopLevel(bufio.NewReaderSize(strings.NewReader(s), 16)); got != -1 {
			t.Errorf("%q: %d, want -1 (truncated)", s, got)
		}
	}
}

// FuzzCountTopLevel: never panics, and on valid JSON agrees with the decoder.
func FuzzCountTopLevel(f *testing.F) {
	for _, s := range []string{`[]`, `{"a": [1, {"b": "]"}]}`, `[1, "x\"y", null]`, `"s"`, `[1,`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := countTopLevel(bufio.NewReaderSize(strings.NewReader(s), 16))
		if json.Valid([]byte(s)) {
			if want := decoderCount(s); got != want {
				t.Errorf("%q: %d, decoder %d", s, got, want)
			}
		}
	})
}
