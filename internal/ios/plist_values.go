package ios

import (
	"encoding/base64"
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
