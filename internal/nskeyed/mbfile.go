package nskeyed

import (
	"fmt"
	"math"
)

// MBFile is the record a backup keeps for each file in the `file` column
// of Manifest.db's Files table. Times are Unix seconds, as archived.
type MBFile struct {
	RelativePath string
	Target       string // symbolic link target
	// EncryptionKey is the 4-byte little-endian protection class followed
	// by the wrapped file key; empty for folders and in plain backups made
	// by some tools.
	EncryptionKey      []byte
	ProtectionClass    int64
	Size               int64
	Mode               int64
	UserID             int64
	GroupID            int64
	InodeNumber        int64
	Flags              int64
	Birth              int64
	LastModified       int64
	LastStatusChange   int64
	Digest             []byte
	ExtendedAttributes []byte
}

// DecodeMBFile decodes a Files.file blob.
func DecodeMBFile(data []byte) (*MBFile, error) {
	a, err := Parse(data)
	if err != nil {
		return nil, err
	}
	root, err := a.Top("root")
	if err != nil {
		return nil, err
	}
	o, ok := root.(*Object)
	if !ok || o.Class != "MBFile" {
		return nil, fmt.Errorf("%w: root is %s, not MBFile", ErrNotArchive, describe(root))
	}
	f := &MBFile{}
	d := fieldDecoder{fields: o.Fields}
	f.RelativePath = d.str("RelativePath")
	f.Target = d.str("Target")
	f.EncryptionKey = d.bytes("EncryptionKey")
	f.Digest = d.bytes("Digest")
	f.ExtendedAttributes = d.bytes("ExtendedAttributes")
	f.ProtectionClass = d.int("ProtectionClass")
	f.Size = d.int("Size")
	f.Mode = d.int("Mode")
	f.UserID = d.int("UserID")
	f.GroupID = d.int("GroupID")
	f.InodeNumber = d.int("InodeNumber")
	f.Flags = d.int("Flags")
	f.Birth = d.int("Birth")
	f.LastModified = d.int("LastModified")
	f.LastStatusChange = d.int("LastStatusChange")
	if d.err != nil {
		return nil, d.err
	}
	return f, nil
}

// fieldDecoder reads typed fields and keeps the first type error: a field
// that is absent is zero, a field of the wrong type is an error.
type fieldDecoder struct {
	fields map[string]any
	err    error
}

func (d *fieldDecoder) fail(key string, v any, want string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: MBFile %s is %s, want %s", ErrNotArchive, key, describe(v), want)
	}
}

func (d *fieldDecoder) str(key string) string {
	v, ok := d.fields[key]
	if !ok || v == nil {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		d.fail(key, v, "a string")
	}
	return s
}

func (d *fieldDecoder) bytes(key string) []byte {
	v, ok := d.fields[key]
	if !ok || v == nil {
		return nil
	}
	b, ok := v.([]byte)
	if !ok {
		d.fail(key, v, "data")
	}
	return b
}

func (d *fieldDecoder) int(key string) int64 {
	v, ok := d.fields[key]
	if !ok || v == nil {
		return 0
	}
	switch x := v.(type) {
	case int64:
		return x
	case uint64:
		if x <= math.MaxInt64 {
			return int64(x)
		}
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<62 {
			return int64(x)
		}
	}
	d.fail(key, v, "an integer")
	return 0
}

func describe(v any) string {
	if o, ok := v.(*Object); ok {
		return "an " + o.Class + " object"
	}
	return fmt.Sprintf("%T", v)
}
