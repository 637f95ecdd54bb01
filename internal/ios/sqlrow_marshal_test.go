package ios

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
)

// referenceRowJSON is the straightforward encoding (json.Marshal for every
// key and cell) that sqlRow.MarshalJSON's fast paths must reproduce byte for
// byte.
func referenceRowJSON(r *sqlRow) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range r.keys {
		if i > 0 {
			b.WriteString(", ")
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteString(": ")
		vb, _ := marshalValue(r.vals[i])
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes()
}

func TestSQLRowMarshalMatchesReference(t *testing.T) {
	values := []any{nil, int64(0), int64(-42), int64(math.MaxInt64), "", "plain text", "quote \" and \\ backslash",
		"<a href=x>&</a>", "tab\tnew\nline\r", "\x00\x01\x1f\x7f", "émoji 🎉 and \u2028", "bad utf8 \xff\xfe",
		3.25, math.NaN(), math.Inf(1), 1e21, []byte("blob \xff"), []byte("ok"), true, []string{"https://x/"}, []string{}}
	for _, v := range values {
		for _, key := range []string{"ROWID", "key <&>", "ünï"} {
			r := &sqlRow{keys: []string{key, "next"}, vals: []any{v, int64(1)}}
			got, err := r.MarshalJSON()
			if err != nil {
				t.Fatalf("%#v: %v", v, err)
			}
			if want := referenceRowJSON(r); !bytes.Equal(got, want) {
				t.Errorf("%#v under %q:\n got %s\nwant %s", v, key, got, want)
			}
		}
	}
}

// TestSQLRowIndentedMatchesIndent: the one-pass indented form equals
// json.Indent over MarshalJSON, byte for byte.
func TestSQLRowIndentedMatchesIndent(t *testing.T) {
	rows := []*sqlRow{{}}
	vals := []any{nil, int64(7), "x <&> \"q\"", 2.5, math.NaN(), []byte("b\xff"), true, []string{}, []string{"https://a/", "https://b/<x>"}, map[string]any{"k": []int{1, 2}},
		[]string(nil), []string{"one"}, []string{"é \" \\ <x> \n\xff", "", "https://c/"}}
	r := &sqlRow{}
	for i, v := range vals {
		r.keys = append(r.keys, "col"+string(rune('a'+i)))
		r.vals = append(r.vals, v)
		rows = append(rows, &sqlRow{keys: []string{"only"}, vals: []any{v}})
	}
	rows = append(rows, r)
	// The same row with its first keys pre-quoted (as the streaming path
	// makes them), keys that need escaping included.
	q := &sqlRow{keys: append([]string{"a<b", "é\"", "plain"}, r.keys...), vals: append([]any{int64(1), nil, "v"}, r.vals...)}
	q.quoted = quoteKeys(q.keys[:5])
	rows = append(rows, q)
	for _, row := range rows {
		raw, err := row.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := json.Indent(&want, raw, "    ", "    "); err != nil {
			t.Fatal(err)
		}
		got, err := row.AppendIndentedJSON(nil, "    ", "    ")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("row %v:\n got %s\nwant %s", row.keys, got, want.Bytes())
		}
	}
}

// TestAppendJSONStringEveryByte: each byte alone and inside text is quoted
// as json.Marshal quotes it.
func TestAppendJSONStringEveryByte(t *testing.T) {
	for c := 0; c < 256; c++ {
		for _, s := range []string{string([]byte{byte(c)}), "ab" + string([]byte{byte(c)}) + "cd"} {
			want, _ := json.Marshal(s)
			if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
				t.Errorf("byte %#x: got %s, want %s", c, got, want)
			}
		}
	}
}

func BenchmarkSQLRowMarshal(b *testing.B) {
	r := &sqlRow{}
	for i := 0; i < 80; i++ {
		r.keys = append(r.keys, "column_name_"+string(rune('a'+i%26)))
		switch i % 3 {
		case 0:
			r.vals = append(r.vals, int64(i))
		case 1:
			r.vals = append(r.vals, nil)
		default:
			r.vals = append(r.vals, "some text value")
		}
	}
	for b.Loop() {
		if _, err := r.MarshalJSON(); err != nil {
			b.Fatal(err)
		}
	}
}
