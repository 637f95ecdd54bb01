// Package plistsafe is the one way spyglass decodes a property list taken
// from evidence (Info.plist, Manifest.plist, Manifest.db blobs,
// NSKeyedArchiver archives, module artifacts). The plist library recurses
// once per nesting level, and a stack overflow kills the process (Go cannot
// recover it): one million nested <array> tags are enough. A binary plist
// can also nest through object references, refer to itself, or share
// objects so that a few hundred bytes decode to billions of values. Every
// such shape is refused before the library sees the bytes, and the
// library's panics on other crafted input become errors.
package plistsafe

import (
	"bytes"
	"fmt"

	"howett.net/plist"
)

// Bounds on what one plist may cost once decoded.
const (
	// MaxDepth bounds nesting, XML and binary alike. Real plists nest a
	// few dozen levels; the decoder's recursion at this depth is cheap.
	MaxDepth = 512
	// MaxValues bounds how many values a plist decodes to (each shared
	// binary object counted once per reference). Real Shortcuts actions
	// and app metadata hold a few thousand.
	MaxValues = 1 << 20
	// MaxTextBrackets bounds an OpenStep text plist by its count of '('
	// and '{', a measure no quoting or comment trick can lower. iOS does
	// not write text plists, so the bound costs nothing.
	MaxTextBrackets = 10000
)

// Unmarshal decodes the XML, binary or text plist b into v, as
// plist.Unmarshal does, after checking the bounds above. Errors start
// with "malformed plist".
func Unmarshal(b []byte, v any) (err error) {
	if bytes.HasPrefix(b, []byte("bplist")) {
		err = checkBinary(b)
	} else {
		err = checkText(b)
	}
	if err != nil {
		return fmt.Errorf("malformed plist: %w", err)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed plist: %v", r)
		}
	}()
	if _, err := plist.Unmarshal(b, v); err != nil {
		return fmt.Errorf("malformed plist: %w", err)
	}
	return nil
}
