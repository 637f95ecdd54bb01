package ios

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"unicode/utf16"
)

// plistTopKeys returns the keys of a plist's top-level dictionary in file
// order. Decoding into a Go map loses that order, and MVT's records keep it
// (global_preferences.json lists the preferences as the file does).
func plistTopKeys(b []byte) ([]string, error) {
	if bytes.HasPrefix(b, []byte("bplist00")) {
		return bplistTopKeys(b)
	}
	return xmlPlistTopKeys(b)
}

// bplistTopKeys reads the binary plist trailer, the top object (a dict) and
// its key references. Every offset is bounds-checked: the file is evidence.
func bplistTopKeys(b []byte) ([]string, error) {
	if len(b) < 8+32 {
		return nil, errors.New("binary plist too short")
	}
	tr := b[len(b)-32:]
	offSize, refSize := int(tr[6]), int(tr[7])
	numObjects := binary.BigEndian.Uint64(tr[8:16])
	topObject := binary.BigEndian.Uint64(tr[16:24])
	tableOff := binary.BigEndian.Uint64(tr[24:32])
	if offSize < 1 || offSize > 8 || refSize < 1 || refSize > 8 || topObject >= numObjects ||
		tableOff >= uint64(len(b)) || numObjects > uint64(len(b)) {
		return nil, errors.New("binary plist trailer is inconsistent")
	}
	readUint := func(at uint64, size int) (uint64, error) {
		if at+uint64(size) > uint64(len(b)) || at+uint64(size) < at {
			return 0, errors.New("binary plist reference out of bounds")
		}
		var v uint64
		for _, c := range b[at : at+uint64(size)] {
			v = v<<8 | uint64(c)
		}
		return v, nil
	}
	objOffset := func(ref uint64) (uint64, error) {
		if ref >= numObjects {
			return 0, errors.New("binary plist object reference out of range")
		}
		off, err := readUint(tableOff+ref*uint64(offSize), offSize)
		if err != nil {
			return 0, err
		}
		if off >= uint64(len(b)) {
			return 0, errors.New("binary plist object offset out of bounds")
		}
		return off, nil
	}
	// count reads the length nibble of a marker, or the int that follows.
	count := func(at uint64) (n, start uint64, err error) {
		n = uint64(b[at] & 0x0f)
		start = at + 1
		if n != 0x0f {
			return n, start, nil
		}
		if start >= uint64(len(b)) || b[start]>>4 != 0x1 {
			return 0, 0, errors.New("binary plist length is not an integer")
		}
		size := 1 << (b[start] & 0x0f)
		if size > 8 {
			return 0, 0, errors.New("binary plist length too wide")
		}
		n, err = readUint(start+1, size)
		return n, start + 1 + uint64(size), err
	}
	top, err := objOffset(topObject)
	if err != nil {
		return nil, err
	}
	if b[top]>>4 != 0xd {
		return nil, errors.New("binary plist top object is not a dictionary")
	}
	n, start, err := count(top)
	if err != nil {
		return nil, err
	}
	if n > uint64(len(b)) {
		return nil, errors.New("binary plist dictionary larger than the file")
	}
	keys := make([]string, 0, n)
	for i := uint64(0); i < n; i++ {
		ref, err := readUint(start+i*uint64(refSize), refSize)
		if err != nil {
			return nil, err
		}
		off, err := objOffset(ref)
		if err != nil {
			return nil, err
		}
		l, s, err := count(off)
		if err != nil {
			return nil, err
		}
		switch b[off] >> 4 {
		case 0x5: // ASCII string
			if s+l > uint64(len(b)) || s+l < s {
				return nil, errors.New("binary plist key out of bounds")
			}
			keys = append(keys, string(b[s:s+l]))
		case 0x6: // UTF-16BE string
			if l > uint64(len(b)) || s+2*l > uint64(len(b)) {
				return nil, errors.New("binary plist key out of bounds")
			}
			u := make([]uint16, l)
			for j := range u {
				u[j] = binary.BigEndian.Uint16(b[s+2*uint64(j):])
			}
			keys = append(keys, string(utf16.Decode(u)))
		default:
			return nil, fmt.Errorf("binary plist key of type %#x", b[off]>>4)
		}
	}
	return keys, nil
}

// xmlPlistTopKeys scans an XML plist for the <key> elements directly inside
// the top-level <dict>.
func xmlPlistTopKeys(b []byte) ([]string, error) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.Strict = false
	depth, dictDepth := 0, -1
	var keys []string
	for {
		tok, err := dec.Token()
		if err != nil {
			if dictDepth >= 0 {
				return keys, nil
			}
			return nil, fmt.Errorf("XML plist: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if t.Name.Local == "dict" && dictDepth < 0 {
				dictDepth = depth
			} else if t.Name.Local == "key" && depth == dictDepth+1 {
				var k string
				if err := dec.DecodeElement(&k, &t); err != nil {
					return nil, fmt.Errorf("XML plist key: %w", err)
				}
				depth--
				keys = append(keys, k)
			}
		case xml.EndElement:
			if depth == dictDepth {
				return keys, nil
			}
			depth--
		}
	}
}
