package ios

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// sqlRow is one database row kept with its column order, for modules whose
// MVT records are "every column of the table" (sms: message.*, whatsapp:
// ZWAMESSAGE.*), where the columns differ between iOS versions. It marshals
// to a JSON object with the keys in column order, as MVT writes them.
type sqlRow struct {
	keys []string
	vals []any
	// shared, while set, holds the column names every row of one query
	// starts with plus the keys earlier rows added, in one array that
	// keys slices: a row adding the same keys in the same order reuses
	// them instead of copying ~80 names (by arithmetic, about 2.7 KB per
	// row: gigabytes on a million SMS). Only the goroutine reading the query may use it.
	shared *keyList
	// quoted, when set, holds the first keys already written as JSON
	// (`"ROWID": `), made once per query and shared read-only by its rows.
	quoted [][]byte
}

// quoteKeys returns each key as AppendIndentedJSON writes it before the
// value.
func quoteKeys(keys []string) [][]byte {
	out := make([][]byte, len(keys))
	for i, k := range keys {
		out[i] = append(appendJSONString(nil, k), ": "...)
	}
	return out
}

// keyList is the growing key array rows of one query share (see
// sqlRow.shared). Entries are written once, at the end, and never changed,
// so a row's keys (a prefix) never see a later write.
type keyList struct{ keys []string }

// get returns the value of key, or nil.
func (r *sqlRow) get(key string) any {
	for i, k := range r.keys {
		if k == key {
			return r.vals[i]
		}
	}
	return nil
}

// set replaces key's value or appends the key.
func (r *sqlRow) set(key string, v any) {
	for i, k := range r.keys {
		if k == key {
			r.vals[i] = v
			return
		}
	}
	if c := r.shared; c != nil && len(r.keys) > 0 && len(r.keys) <= len(c.keys) && &r.keys[0] == &c.keys[0] {
		n := len(r.keys)
		if n == len(c.keys) {
			c.keys = append(c.keys, key)
		}
		if c.keys[n] == key {
			r.keys = c.keys[: n+1 : n+1]
			r.vals = append(r.vals, v)
			return
		}
	}
	r.keys = append(r.keys, key)
	r.vals = append(r.vals, v)
}

// str returns key's value as text ("" for NULL, numbers formatted).
func (r *sqlRow) str(key string) string { return valueText(r.get(key)) }

// MarshalJSON writes the row as an ordered JSON object.
//
// Performance (a million SMS rows of ~80 columns): integers, NULLs and plain
// ASCII strings are appended directly instead of going through
// json.Marshal's reflection for every cell; anything else still goes through
// json.Marshal, so the bytes are exactly what they were before.
func (r *sqlRow) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 64*len(r.keys))
	b = append(b, '{')
	for i, k := range r.keys {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = appendJSONString(b, k)
		b = append(b, ": "...)
		var err error
		if b, err = appendValue(b, r.vals[i]); err != nil {
			return nil, fmt.Errorf("column %s: %w", k, err)
		}
	}
	b = append(b, '}')
	return b, nil
}

// AppendIndentedJSON appends the row as json.Indent(MarshalJSON(), prefix,
// indent) would, without the second pass over the bytes (the results
// writer looks for this method; it is most of the cost of a large sms.json).
// Nested values (the links list) are indented by json.Indent itself.
func (r *sqlRow) AppendIndentedJSON(b []byte, prefix, indent string) ([]byte, error) {
	if len(r.keys) == 0 {
		return append(b, "{}"...), nil
	}
	b = append(b, '{')
	for i, k := range r.keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '\n')
		b = append(b, prefix...)
		b = append(b, indent...)
		if i < len(r.quoted) {
			b = append(b, r.quoted[i]...)
		} else {
			b = appendJSONString(b, k)
			b = append(b, ": "...)
		}
		switch v := r.vals[i].(type) {
		case nil, int64, string:
			b, _ = appendValue(b, v)
		case []string: // links, in every sms record
			b = appendIndentedStrings(b, v, prefix+indent, indent)
		default:
			raw, err := marshalValue(v)
			if err != nil {
				return nil, fmt.Errorf("column %s: %w", k, err)
			}
			var buf bytes.Buffer
			if err := json.Indent(&buf, raw, prefix+indent, indent); err != nil {
				return nil, fmt.Errorf("column %s: %w", k, err)
			}
			b = append(b, buf.Bytes()...)
		}
	}
	b = append(b, '\n')
	b = append(b, prefix...)
	return append(b, '}'), nil
}

// appendIndentedStrings appends ss as json.Indent(json.Marshal(ss),
// prefix, indent) writes it, without the two passes.
func appendIndentedStrings(b []byte, ss []string, prefix, indent string) []byte {
	switch {
	case ss == nil:
		return append(b, "null"...)
	case len(ss) == 0:
		return append(b, "[]"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '\n')
		b = append(b, prefix...)
		b = append(b, indent...)
		b = appendJSONString(b, s)
	}
	b = append(b, '\n')
	b = append(b, prefix...)
	return append(b, ']')
}

// appendValue appends v as marshalValue would write it.
func appendValue(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case string:
		return appendJSONString(b, x), nil
	}
	vb, err := marshalValue(v)
	return append(b, vb...), err
}

// appendJSONString appends s quoted; strings needing any escape (including
// json.Marshal's HTML escapes) are left to json.Marshal.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if !jsonPlain[s[i]] {
			qb, _ := json.Marshal(s)
			return append(b, qb...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// jsonPlain marks the bytes json.Marshal writes as they are: printable
// ASCII except the quote, the backslash and its HTML escapes (<, >, &).
var jsonPlain = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// marshalValue writes a database value as MVT's JSON encoder would: bytes are
// decoded as UTF-8 with invalid sequences escaped, floats that are not finite
// become null (JSON has no NaN).
func marshalValue(v any) ([]byte, error) {
	switch x := v.(type) {
	case []byte:
		return json.Marshal(bytesText(x))
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return []byte("null"), nil
		}
	}
	return json.Marshal(v)
}

// bytesText decodes b as UTF-8, writing invalid bytes as \xNN as Python's
// "backslashreplace" does.
func bytesText(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			fmt.Fprintf(&sb, `\x%02x`, b[0])
		} else {
			sb.Write(b[:n])
		}
		b = b[n:]
	}
	return sb.String()
}

// valueText renders a scanned value for messages and string fields.
func valueText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		return bytesText(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}

// valueFloat reads a numeric column; text holding a number counts too,
// since SQLite columns have no enforced type.
func valueFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil
	case []byte:
		f, err := strconv.ParseFloat(strings.TrimSpace(string(x)), 64)
		return f, err == nil
	}
	return 0, false
}

// valueInt reads an integer column.
func valueInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case float64:
		if x != math.Trunc(x) || math.Abs(x) > 1<<62 {
			return 0, false
		}
		return int64(x), true
	}
	if f, ok := valueFloat(v); ok && f == math.Trunc(f) && math.Abs(f) < 1<<62 {
		return int64(f), true
	}
	return 0, false
}

// b64 base64-encodes a blob column as MVT does for binary columns; other
// types are left alone.
func b64(v any) any {
	if b, ok := v.([]byte); ok && len(b) > 0 {
		return base64.StdEncoding.EncodeToString(b)
	}
	return v
}

// rowScanner scans rows of unknown columns into reusable holders, so that a
// million-row table does not allocate the holders once per row.
type rowScanner struct {
	cols []string
	vals []any
	ptrs []any
}

// scannedRows is what rowScanner needs of a query's rows (*sqlitedb.Rows).
type scannedRows interface {
	Columns() ([]string, error)
	Scan(dest ...any) error
}

func newRowScanner(rows scannedRows) (*rowScanner, error) {
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	s := &rowScanner{cols: cols, vals: make([]any, len(cols)), ptrs: make([]any, len(cols))}
	for i := range s.vals {
		s.ptrs[i] = &s.vals[i]
	}
	return s, nil
}

// scan reads the current row into a new sqlRow (blobs are copied, since the
// driver may reuse them).
func (s *rowScanner) scan(rows scannedRows, extra int) (*sqlRow, error) {
	if err := rows.Scan(s.ptrs...); err != nil {
		return nil, err
	}
	r := &sqlRow{keys: make([]string, len(s.cols), len(s.cols)+extra), vals: make([]any, len(s.cols), len(s.cols)+extra)}
	copy(r.keys, s.cols)
	for i, v := range s.vals {
		if b, ok := v.([]byte); ok {
			v = append([]byte(nil), b...)
		}
		r.vals[i] = v
	}
	return r, nil
}
