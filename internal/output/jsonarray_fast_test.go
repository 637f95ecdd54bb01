package output

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// rawRecord marshals itself, as the modules' ordered rows do.
type rawRecord string

func (r rawRecord) MarshalJSON() ([]byte, error) { return []byte(r), nil }

// TestMarshalerFastPathSameBytes: records that implement json.Marshaler are
// indented directly; the file must be byte-identical to the Encoder's.
func TestMarshalerFastPathSameBytes(t *testing.T) {
	recs := []string{
		`{"a": 1, "b": null, "c": "x <&> \u00e9", "d": [1, 2, {"e": []}], "f": {}}`,
		`{"links":[],"text":"tab\tnew\nline","n":-1.5e-7}`,
		`[1,  2 ,3]`,
		`"just a string"`,
	}
	dir := t.TempDir()
	a := newJSONArrayFile(filepath.Join(dir, "fast.json"))
	for _, r := range recs {
		a.add(rawRecord(r))
	}
	if err := a.close(); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "fast.json"))
	if err != nil {
		t.Fatal(err)
	}
	// The reference: the Encoder on the decoded-as-raw values.
	var want bytes.Buffer
	want.WriteString("[\n    ")
	for i, r := range recs {
		if i > 0 {
			want.WriteString(",\n    ")
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("    ", "    ")
		if err := enc.Encode(json.RawMessage(r)); err != nil {
			t.Fatal(err)
		}
		want.Write(bytes.TrimRight(buf.Bytes(), "\n"))
	}
	want.WriteString("\n]\n")
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("fast path differs:\n got %s\nwant %s", got, want.Bytes())
	}
	var back []any
	if err := json.Unmarshal(got, &back); err != nil || len(back) != len(recs) {
		t.Errorf("unreadable result (%v, %d records)", err, len(back))
	}

	bad := newJSONArrayFile(filepath.Join(dir, "bad.json"))
	bad.add(rawRecord(`{"a":`))
	if err := bad.close(); err == nil {
		t.Error("an invalid record was written")
	}
}

// selfIndented writes itself already indented.
type selfIndented struct{}

func (selfIndented) AppendIndentedJSON(b []byte, prefix, indent string) ([]byte, error) {
	return append(b, "{\n"+prefix+indent+"\"k\": 1\n"+prefix+"}"...), nil
}

func TestIndentedAppenderWrittenVerbatim(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.json")
	a := newJSONArrayFile(p)
	a.add(selfIndented{})
	a.add(selfIndented{})
	if err := a.close(); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(p)
	want := "[\n    {\n        \"k\": 1\n    },\n    {\n        \"k\": 1\n    }\n]\n"
	if string(got) != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
