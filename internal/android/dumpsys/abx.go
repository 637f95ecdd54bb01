package dumpsys

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strconv"
)

// Android Binary XML ("ABX\0"), the format system_server uses for its XML
// state files since Android 12, including the ADB keystore. Each token is
// one byte: the low nibble is the event, the high nibble the value type.
// Strings are a big-endian uint16 length and UTF-8 bytes; interned strings
// are a uint16 index into the strings seen so far, 0xFFFF introducing a new
// one. This decoder only turns elements and their attributes into values.
const (
	abxStartDocument = 0
	abxEndDocument   = 1
	abxStartTag      = 2
	abxEndTag        = 3
	abxText          = 4
	abxCDSect        = 5
	abxEntityRef     = 6
	abxIgnorableWS   = 7
	abxProcInstr     = 8
	abxComment       = 9
	abxDocDecl       = 10
	abxAttribute     = 15

	abxTypeNull     = 1 << 4
	abxTypeString   = 2 << 4
	abxTypeInterned = 3 << 4
	abxTypeHex      = 4 << 4
	abxTypeBase64   = 5 << 4
	abxTypeInt      = 6 << 4
	abxTypeIntHex   = 7 << 4
	abxTypeLong     = 8 << 4
	abxTypeLongHex  = 9 << 4
	abxTypeFloat    = 10 << 4
	abxTypeDouble   = 11 << 4
	abxTypeTrue     = 12 << 4
	abxTypeFalse    = 13 << 4
)

// abxMagic starts every ABX document.
const abxMagic = "ABX\x00"

// abxMaxInterned bounds the interned string pool of a crafted document.
const abxMaxInterned = 1 << 15

// XMLElement is one element start with its attributes, in document order.
type XMLElement struct {
	Name  string
	Attrs map[string]string
}

var errABXTruncated = errors.New("abx: truncated document")

// ParseABX decodes an ABX document at the start of b. It returns the
// elements and the number of bytes the document used, so that a caller
// reading ABX embedded in text can continue after it.
func ParseABX(b []byte) ([]XMLElement, int, error) {
	if len(b) < len(abxMagic) || string(b[:len(abxMagic)]) != abxMagic {
		return nil, 0, errors.New("abx: missing ABX header")
	}
	d := abxDecoder{b: b, off: len(abxMagic)}
	var out []XMLElement
	cur := -1
	for {
		if d.off >= len(d.b) {
			return out, d.off, errABXTruncated
		}
		tok := d.b[d.off]
		d.off++
		event, typ := tok&0x0f, tok&0xf0
		switch event {
		case abxStartDocument:
			continue
		case abxEndDocument:
			return out, d.off, nil
		case abxStartTag:
			name, err := d.str(typ)
			if err != nil {
				return out, d.off, err
			}
			out = append(out, XMLElement{Name: name, Attrs: map[string]string{}})
			cur = len(out) - 1
		case abxEndTag:
			if _, err := d.str(typ); err != nil {
				return out, d.off, err
			}
			cur = -1
		case abxAttribute:
			name, err := d.interned()
			if err != nil {
				return out, d.off, err
			}
			v, err := d.value(typ)
			if err != nil {
				return out, d.off, err
			}
			if cur >= 0 {
				out[cur].Attrs[name] = v
			}
		case abxText, abxCDSect, abxEntityRef, abxIgnorableWS, abxProcInstr, abxComment, abxDocDecl:
			if _, err := d.value(typ); err != nil {
				return out, d.off, err
			}
		default:
			return out, d.off, fmt.Errorf("abx: unknown token 0x%02x at offset %d", tok, d.off-1)
		}
	}
}

type abxDecoder struct {
	b    []byte
	off  int
	pool []string
}

func (d *abxDecoder) take(n int) ([]byte, error) {
	if n < 0 || d.off+n > len(d.b) {
		return nil, errABXTruncated
	}
	v := d.b[d.off : d.off+n]
	d.off += n
	return v, nil
}

func (d *abxDecoder) u16() (int, error) {
	v, err := d.take(2)
	if err != nil {
		return 0, err
	}
	return int(binary.BigEndian.Uint16(v)), nil
}

func (d *abxDecoder) utf() (string, error) {
	n, err := d.u16()
	if err != nil {
		return "", err
	}
	v, err := d.take(n)
	return string(v), err
}

func (d *abxDecoder) interned() (string, error) {
	idx, err := d.u16()
	if err != nil {
		return "", err
	}
	if idx == 0xffff {
		s, err := d.utf()
		if err != nil {
			return "", err
		}
		if len(d.pool) >= abxMaxInterned {
			return "", errors.New("abx: too many interned strings")
		}
		d.pool = append(d.pool, s)
		return s, nil
	}
	if idx >= len(d.pool) {
		return "", fmt.Errorf("abx: interned string %d not defined", idx)
	}
	return d.pool[idx], nil
}

func (d *abxDecoder) str(typ byte) (string, error) {
	switch typ {
	case abxTypeString:
		return d.utf()
	case abxTypeInterned:
		return d.interned()
	case abxTypeNull:
		return "", nil
	}
	return "", fmt.Errorf("abx: unexpected name type 0x%02x", typ)
}

func (d *abxDecoder) value(typ byte) (string, error) {
	switch typ {
	case abxTypeNull:
		return "", nil
	case abxTypeString:
		return d.utf()
	case abxTypeInterned:
		return d.interned()
	case abxTypeHex, abxTypeBase64:
		n, err := d.u16()
		if err != nil {
			return "", err
		}
		v, err := d.take(n)
		if err != nil {
			return "", err
		}
		if typ == abxTypeHex {
			return hex.EncodeToString(v), nil
		}
		return base64.StdEncoding.EncodeToString(v), nil
	case abxTypeInt, abxTypeIntHex, abxTypeFloat:
		v, err := d.take(4)
		if err != nil {
			return "", err
		}
		u := binary.BigEndian.Uint32(v)
		switch typ {
		case abxTypeIntHex:
			return strconv.FormatUint(uint64(u), 16), nil
		case abxTypeFloat:
			return strconv.FormatFloat(float64(math.Float32frombits(u)), 'g', -1, 32), nil
		}
		return strconv.FormatInt(int64(int32(u)), 10), nil
	case abxTypeLong, abxTypeLongHex, abxTypeDouble:
		v, err := d.take(8)
		if err != nil {
			return "", err
		}
		u := binary.BigEndian.Uint64(v)
		switch typ {
		case abxTypeLongHex:
			return strconv.FormatUint(u, 16), nil
		case abxTypeDouble:
			return strconv.FormatFloat(math.Float64frombits(u), 'g', -1, 64), nil
		}
		return strconv.FormatInt(int64(u), 10), nil
	case abxTypeTrue:
		return "true", nil
	case abxTypeFalse:
		return "false", nil
	}
	return "", fmt.Errorf("abx: unknown value type 0x%02x", typ)
}
