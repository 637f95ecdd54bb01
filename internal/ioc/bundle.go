package ioc

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// stixObject holds the few properties of a STIX object the index needs.
type stixObject struct {
	Type, ID, Name, Pattern, PatternType string
	SourceRef, TargetRef                 string
	Created, Modified                    string
	ObjectRefs                           []string
}

// decodeBundle reads every object of a STIX bundle into a slice; tests
// and the fuzzer use it. Loading goes through eachObject, which keeps none.
func decodeBundle(data []byte) ([]stixObject, error) {
	var objs []stixObject
	err := eachObject(data, func(o *stixObject) error { objs = append(objs, *o); return nil })
	return objs, err
}

// eachObject calls fn with each object of a STIX bundle's "objects" (or
// with a single top-level object), one at a time: a 250 MB bundle of 1.85
// million indicators is never held as decoded objects, only as its bytes
// (the strings fn sees alias data; fn clones what it keeps). It is a small
// purpose-built JSON reader: it copies only the properties of stixObject
// and skips everything else without building values, which makes loading
// every feed about five times faster than encoding/json. It never recurses
// deeper than two levels and rejects malformed JSON with an error giving
// the byte offset.
func eachObject(data []byte, fn func(*stixObject) error) error {
	d := &jsonDec{b: data}
	d.b = bytes.TrimPrefix(d.b, []byte("\xef\xbb\xbf"))
	hasObjects := false
	top, err := d.object(func(key []byte) (bool, error) {
		if string(key) != "objects" {
			return false, nil
		}
		hasObjects = true
		if !d.peek('[') {
			return false, nil // "objects": null or another type: skip it
		}
		return true, d.array(func() error {
			if !d.peek('{') {
				return d.skip()
			}
			o, err := d.object(nil)
			if err != nil {
				return err
			}
			return fn(&o)
		})
	})
	if err != nil {
		return err
	}
	d.ws()
	if d.i != len(d.b) {
		return d.errf("unexpected data after the JSON value")
	}
	switch {
	case hasObjects:
	case top.Type != "" && top.Type != "bundle":
		return fn(&top) // a lone STIX object
	default:
		return errors.New(`not a STIX bundle: no "objects" list`)
	}
	return nil
}

type jsonDec struct {
	b []byte
	i int
}

var errJSONEnd = errors.New("unexpected end of JSON")

func (d *jsonDec) errf(format string, args ...any) error {
	if d.i >= len(d.b) {
		return fmt.Errorf("offset %d: %w", d.i, errJSONEnd)
	}
	return fmt.Errorf("invalid JSON at offset %d: %s", d.i, fmt.Sprintf(format, args...))
}

func (d *jsonDec) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *jsonDec) peek(c byte) bool {
	d.ws()
	return d.i < len(d.b) && d.b[d.i] == c
}

func (d *jsonDec) expect(c byte) error {
	d.ws()
	if d.i >= len(d.b) || d.b[d.i] != c {
		return d.errf("expected %q", c)
	}
	d.i++
	return nil
}

// object reads an object. For each member, extra (if set) may consume the
// value and return true; otherwise the STIX properties are kept and all
// others skipped.
func (d *jsonDec) object(extra func(key []byte) (bool, error)) (stixObject, error) {
	var o stixObject
	if err := d.expect('{'); err != nil {
		return o, err
	}
	if d.peek('}') {
		d.i++
		return o, nil
	}
	for {
		d.ws()
		key, err := d.rawString()
		if err != nil {
			return o, err
		}
		if err := d.expect(':'); err != nil {
			return o, err
		}
		done := false
		if extra != nil {
			if done, err = extra(key); err != nil {
				return o, err
			}
		}
		if !done {
			var dst *string
			switch string(key) {
			case "type":
				dst = &o.Type
			case "id":
				dst = &o.ID
			case "name":
				dst = &o.Name
			case "pattern":
				dst = &o.Pattern
			case "pattern_type":
				dst = &o.PatternType
			case "source_ref":
				dst = &o.SourceRef
			case "target_ref":
				dst = &o.TargetRef
			case "created":
				dst = &o.Created
			case "modified":
				dst = &o.Modified
			case "object_refs":
				if d.peek('[') {
					err = d.array(func() error {
						if !d.peek('"') {
							return d.skip()
						}
						s, err := d.str()
						o.ObjectRefs = append(o.ObjectRefs, s)
						return err
					})
				} else {
					err = d.skip()
				}
			default:
				err = d.skip()
			}
			if dst != nil {
				if d.peek('"') {
					*dst, err = d.str()
				} else {
					err = d.skip()
				}
			}
			if err != nil {
				return o, err
			}
		}
		d.ws()
		if d.i >= len(d.b) {
			return o, d.errf("unterminated object")
		}
		switch d.b[d.i] {
		case ',':
			d.i++
		case '}':
			d.i++
			return o, nil
		default:
			return o, d.errf("expected , or }")
		}
	}
}

func (d *jsonDec) array(elem func() error) error {
	if err := d.expect('['); err != nil {
		return err
	}
	if d.peek(']') {
		d.i++
		return nil
	}
	for {
		if err := elem(); err != nil {
			return err
		}
		d.ws()
		if d.i >= len(d.b) {
			return d.errf("unterminated array")
		}
		switch d.b[d.i] {
		case ',':
			d.i++
		case ']':
			d.i++
			return nil
		default:
			return d.errf("expected , or ]")
		}
	}
}

// rawString returns the bytes of a string literal, decoding escapes only
// when there are any (member names never have them in practice).
func (d *jsonDec) rawString() ([]byte, error) {
	start, end, esc, err := d.scanString()
	if err != nil {
		return nil, err
	}
	if !esc {
		return d.b[start:end], nil
	}
	s, err := unescapeJSON(d.b[start:end])
	return []byte(s), err
}

// str returns a string value. Without escapes the result aliases the input
// buffer (no copy): decodeBundle's caller must not modify data while the
// objects are in use, and must clone what it keeps (Index.add does).
func (d *jsonDec) str() (string, error) {
	start, end, esc, err := d.scanString()
	if err != nil {
		return "", err
	}
	if !esc {
		if end == start {
			return "", nil
		}
		return unsafe.String(&d.b[start], end-start), nil
	}
	return unescapeJSON(d.b[start:end])
}

// scanString moves past a string literal and returns the bounds of its
// contents and whether it holds escapes.
func (d *jsonDec) scanString() (start, end int, esc bool, err error) {
	if d.i >= len(d.b) || d.b[d.i] != '"' {
		return 0, 0, false, d.errf("expected a string")
	}
	d.i++
	start = d.i
	for {
		j := bytes.IndexByte(d.b[d.i:], '"')
		if j < 0 {
			d.i = len(d.b)
			return 0, 0, false, d.errf("unterminated string")
		}
		q := d.i + j
		// The quote is escaped if an odd number of backslashes precede it.
		n := 0
		for k := q - 1; k >= start && d.b[k] == '\\'; k-- {
			n++
		}
		if n > 0 {
			esc = true
		}
		if n%2 == 1 {
			d.i = q + 1
			continue
		}
		if !esc && bytes.IndexByte(d.b[start:q], '\\') >= 0 {
			esc = true
		}
		d.i = q + 1
		return start, q, esc, nil
	}
}

func unescapeJSON(b []byte) (string, error) {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		if i >= len(b) {
			return "", errors.New("invalid JSON escape at end of string")
		}
		switch b[i] {
		case '"', '\\', '/':
			out = append(out, b[i])
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, n := decodeU(b[i+1:])
			if n == 0 {
				return "", errors.New("invalid \\u escape in JSON string")
			}
			i += n
			if utf16.IsSurrogate(r) {
				r2, n2 := rune(-1), 0
				if i+2 < len(b) && b[i+1] == '\\' && b[i+2] == 'u' {
					r2, n2 = decodeU(b[i+3:])
				}
				if dec := utf16.DecodeRune(r, r2); n2 > 0 && dec != utf8.RuneError {
					r = dec
					i += 2 + n2
				} else {
					r = utf8.RuneError
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", fmt.Errorf("invalid JSON escape \\%c", b[i])
		}
	}
	return string(out), nil
}

func decodeU(b []byte) (rune, int) {
	if len(b) < 4 {
		return 0, 0
	}
	v, err := strconv.ParseUint(string(b[:4]), 16, 32)
	if err != nil {
		return 0, 0
	}
	return rune(v), 4
}

// skip moves past one value of any type without building it. Nested
// containers are tracked with a counter, not recursion.
func (d *jsonDec) skip() error {
	d.ws()
	if d.i >= len(d.b) {
		return d.errf("expected a value")
	}
	switch c := d.b[d.i]; {
	case c == '"':
		_, _, _, err := d.scanString()
		return err
	case c == '{' || c == '[':
		depth := 0
		for d.i < len(d.b) {
			switch d.b[d.i] {
			case '"':
				if _, _, _, err := d.scanString(); err != nil {
					return err
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					d.i++
					return nil
				}
			}
			d.i++
		}
		return d.errf("unterminated container")
	default:
		st := d.i
		for d.i < len(d.b) {
			switch d.b[d.i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return d.literal(st)
			}
			d.i++
		}
		return d.literal(st)
	}
}

func (d *jsonDec) literal(st int) error {
	w := d.b[st:d.i]
	switch string(w) {
	case "true", "false", "null":
		return nil
	}
	if _, err := strconv.ParseFloat(string(w), 64); err != nil || len(w) == 0 {
		d.i = st
		return d.errf("invalid literal")
	}
	return nil
}
