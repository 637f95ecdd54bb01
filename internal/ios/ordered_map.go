package ios

import (
	"bytes"
	"encoding/json"
)

// orderedMap is a JSON object that keeps its keys in insertion order, for
// dict results whose key order MVT's output shows (backup_info).
type orderedMap struct {
	keys []string
	vals []any
}

// get returns the value of key, or nil.
func (m *orderedMap) get(key string) any {
	for i, k := range m.keys {
		if k == key {
			return m.vals[i]
		}
	}
	return nil
}

// MarshalJSON writes the keys in order.
func (m *orderedMap) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, k := range m.keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		buf.Write(kb)
		buf.WriteByte(':')
		vb, err := json.Marshal(m.vals[i])
		if err != nil {
			return nil, err
		}
		buf.Write(vb)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}
