package ios

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/timeutil"
)

// plistTimeText renders a plist timestamp as MVT's ISO text. Plists hold
// either a <date> (decoded as time.Time) or a number of seconds since 2001
// (Apple absolute time); anything else gives "" as MVT's converters do on
// values they cannot read. Dates are rounded to the microsecond, as Python's
// plistlib does.
func plistTimeText(v any) string {
	switch x := v.(type) {
	case time.Time:
		return timeutil.Format(x.Round(time.Microsecond))
	case float64, int64:
		return macTimeMVT(x)
	case uint64:
		return macTimeMVT(float64(x))
	}
	return ""
}

// plistJSONBase64 is plistJSONValue with binary data written as base64: a
// certificate or a token is unreadable as text, and base64 keeps every byte.
func plistJSONBase64(v any, depth int) any {
	if depth > 64 {
		return nil
	}
	switch x := v.(type) {
	case []byte:
		return base64.StdEncoding.EncodeToString(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plistJSONBase64(e, depth+1)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = plistJSONBase64(e, depth+1)
		}
		return out
	}
	return plistJSONValue(v, depth)
}

// plistKeysInOrder returns the keys of the top-level dict d in the order of
// the file b, falling back to sorted order when the order cannot be read
// (only the order is lost then: the decoder already accepted the file).
func plistKeysInOrder(b []byte, d map[string]any) []string {
	keys, err := plistTopKeys(b)
	if err == nil && len(keys) == len(d) {
		ok := true
		for _, k := range keys {
			if _, found := d[k]; !found {
				ok = false
				break
			}
		}
		if ok {
			return keys
		}
	}
	return sortedKeys(d)
}

// orderedSet replaces key's value in m or appends the key.
func orderedSet(m *orderedMap, key string, v any) {
	for i, k := range m.keys {
		if k == key {
			m.vals[i] = v
			return
		}
	}
	m.keys = append(m.keys, key)
	m.vals = append(m.vals, v)
}

// jsonString reads a string field of a decoded record ("" when absent or not
// a string).
func jsonString(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

// decodeEvidencePlist decodes a plist artifact after refusing what would
// exhaust the stack or memory while decoding: binary plists that expand
// past maxPlistNodes values or nest too deep (decodePlistBounded), XML and
// text plists nested too deep or too large (checkTextPlistNesting).
func decodeEvidencePlist(b []byte, v any) error { return decodePlist(b, v) }

// maxTextPlistDepth bounds the nesting of an XML or text plist. The plist
// decoder recurses once per level and a stack overflow kills the whole
// process (recover cannot catch it): 3 million nested <array> elements, 45
// MB, are enough. Real plists nest a few dozen levels; the bound is set far
// above that so no real file is refused.
const maxTextPlistDepth = 10000

// xmlPlistTags are the elements the plist decoder accepts as a document's
// first element; any other first element (or none) makes it fall back to
// the text (OpenStep/GNUstep) syntax.
var xmlPlistTags = map[string]bool{"plist": true, "dict": true, "array": true, "string": true, "integer": true,
	"real": true, "true": true, "false": true, "date": true, "data": true}

// checkTextPlistNesting refuses an XML or text plist the decoder would
// recurse into more than maxTextPlistDepth levels, or an XML one of more
// than maxPlistNodes elements (decoded, each costs far more memory than
// its bytes). It tokenizes the XML
// with the same tokenizer the decoder uses (iteratively, so the measure is
// exact and cannot itself overflow). When the decoder would fall back to
// the text syntax, nesting is bounded by the count of '(' and '{' bytes, a
// measure no quoting or comment trick can lower; text plists are not used
// on iOS, so refusing one with more than 10,000 brackets costs nothing.
func checkTextPlistNesting(b []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(b))
	depth, nodes, first := 0, 0, true
	for {
		tok, err := dec.Token()
		if err != nil {
			if first {
				break // the decoder falls back to the text syntax
			}
			return nil // the decoder stops at the same error
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if first {
				first = false
				if !xmlPlistTags[t.Name.Local] {
					return checkBracketCount(b)
				}
			}
			depth++
			nodes++
			if depth > maxTextPlistDepth {
				return fmt.Errorf("plist nested more than %d levels deep", maxTextPlistDepth)
			}
			if nodes > maxPlistNodes {
				return fmt.Errorf("plist holds more than %d values", maxPlistNodes)
			}
		case xml.EndElement:
			depth--
		}
	}
	return checkBracketCount(b)
}

// checkBracketCount bounds a text plist's nesting by its bracket count.
func checkBracketCount(b []byte) error {
	if n := bytes.Count(b, []byte("(")) + bytes.Count(b, []byte("{")); n > maxTextPlistDepth {
		return fmt.Errorf("text plist with %d brackets (more than %d)", n, maxTextPlistDepth)
	}
	return nil
}
