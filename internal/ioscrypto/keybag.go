package ioscrypto

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// A backup keybag (Manifest.plist BackupKeyBag) is a flat run of TLV items:
// a 4-character tag, a big-endian uint32 length, the value. The header items
// come first; every UUID after the keybag's own starts a class block (UUID,
// CLAS, WRAP, KTYP, WPKY).

// Upper bounds on the attacker-controlled iteration counts: devices use
// ITER 10,000 and DPIC 10,000,000. Anything far above would only turn a
// crafted keybag into a denial of service (hours of PBKDF2).
const (
	maxIter = 10_000_000
	maxDPIC = 100_000_000
	// maxKeybag bounds the keybag size; real ones are about 1.4 KB.
	maxKeybag = 1 << 20
	// maxClasses: iOS defines 11 protection classes.
	maxClasses = 64
)

// WrapPasscode is the WRAP bit saying a class key is wrapped with the key
// derived from the backup password.
const WrapPasscode = 2

// Keybag is a parsed backup keybag.
type Keybag struct {
	Version uint32
	Type    uint32
	UUID    []byte
	HMCK    []byte
	Wrap    uint32
	Salt    []byte // SALT: the PBKDF2-HMAC-SHA1 salt
	Iter    uint32 // ITER: its iteration count
	DPWT    uint32
	DPIC    uint32 // DPIC: PBKDF2-HMAC-SHA256 iteration count (iOS 10.2+)
	DPSL    []byte // DPSL: PBKDF2-HMAC-SHA256 salt (iOS 10.2+)
	// Classes in keybag order.
	Classes []ClassKey
}

// ClassKey is one protection class entry.
type ClassKey struct {
	UUID       []byte
	Class      uint32
	Wrap       uint32
	KeyType    uint32
	WrappedKey []byte // WPKY
}

// ErrKeybag means the keybag is malformed.
var ErrKeybag = errors.New("malformed backup keybag")

// ParseKeybag parses the TLV bytes of a BackupKeyBag.
func ParseKeybag(data []byte) (*Keybag, error) {
	if len(data) > maxKeybag {
		return nil, fmt.Errorf("%w: %d bytes", ErrKeybag, len(data))
	}
	kb := &Keybag{}
	var cur *ClassKey
	for off := 0; off < len(data); {
		if len(data)-off < 8 {
			return nil, fmt.Errorf("%w: %d stray bytes at offset %d", ErrKeybag, len(data)-off, off)
		}
		tag := string(data[off : off+4])
		n := binary.BigEndian.Uint32(data[off+4 : off+8])
		off += 8
		if uint64(n) > uint64(len(data)-off) {
			return nil, fmt.Errorf("%w: %s item of %d bytes overruns the keybag at offset %d", ErrKeybag, printableTag(tag), n, off)
		}
		val := data[off : off+int(n)]
		off += int(n)
		if tag == "UUID" {
			if kb.UUID == nil {
				kb.UUID = clone(val)
				continue
			}
			if len(kb.Classes) >= maxClasses {
				return nil, fmt.Errorf("%w: more than %d classes", ErrKeybag, maxClasses)
			}
			kb.Classes = append(kb.Classes, ClassKey{UUID: clone(val)})
			cur = &kb.Classes[len(kb.Classes)-1]
			continue
		}
		if cur != nil {
			if err := cur.set(tag, val); err != nil {
				return nil, err
			}
			continue
		}
		if err := kb.set(tag, val); err != nil {
			return nil, err
		}
	}
	if kb.UUID == nil {
		return nil, fmt.Errorf("%w: no UUID", ErrKeybag)
	}
	if len(kb.Salt) == 0 || kb.Iter == 0 {
		return nil, fmt.Errorf("%w: no SALT/ITER", ErrKeybag)
	}
	if kb.Iter > maxIter || kb.DPIC > maxDPIC {
		return nil, fmt.Errorf("%w: iteration counts ITER %d / DPIC %d are beyond any device's", ErrKeybag, kb.Iter, kb.DPIC)
	}
	if (kb.DPIC == 0) != (len(kb.DPSL) == 0) {
		return nil, fmt.Errorf("%w: DPSL and DPIC must come together", ErrKeybag)
	}
	return kb, nil
}

func (kb *Keybag) set(tag string, val []byte) error {
	var err error
	switch tag {
	case "VERS":
		kb.Version, err = beUint(tag, val)
	case "TYPE":
		kb.Type, err = beUint(tag, val)
	case "WRAP":
		kb.Wrap, err = beUint(tag, val)
	case "ITER":
		kb.Iter, err = beUint(tag, val)
	case "DPWT":
		kb.DPWT, err = beUint(tag, val)
	case "DPIC":
		kb.DPIC, err = beUint(tag, val)
	case "SALT":
		kb.Salt = clone(val)
	case "DPSL":
		kb.DPSL = clone(val)
	case "HMCK":
		kb.HMCK = clone(val)
	}
	// Unknown header tags (SGNT, …) are skipped: they do not take part in
	// key derivation.
	return err
}

func (c *ClassKey) set(tag string, val []byte) error {
	var err error
	switch tag {
	case "CLAS":
		c.Class, err = beUint(tag, val)
	case "WRAP":
		c.Wrap, err = beUint(tag, val)
	case "KTYP":
		c.KeyType, err = beUint(tag, val)
	case "WPKY":
		c.WrappedKey = clone(val)
	}
	return err
}

// beUint reads a big-endian integer item; devices write 4 bytes, an 8-byte
// value that fits in 32 bits is accepted too.
func beUint(tag string, val []byte) (uint32, error) {
	switch len(val) {
	case 4:
		return binary.BigEndian.Uint32(val), nil
	case 8:
		v := binary.BigEndian.Uint64(val)
		if v <= 0xffffffff {
			return uint32(v), nil
		}
	}
	return 0, fmt.Errorf("%w: %s is not a 32-bit integer (%d bytes)", ErrKeybag, tag, len(val))
}

func printableTag(tag string) string {
	for _, c := range []byte(tag) {
		if c < 0x20 || c > 0x7e {
			return fmt.Sprintf("%q", tag)
		}
	}
	return tag
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }
