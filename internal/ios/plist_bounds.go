package ios

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// maxPlistNodes bounds how many values a decoded plist may hold. A binary
// plist can refer to one object many times, so a few hundred bytes that
// nest arrays of repeated references decode to billions of values; the
// plist library copies each reference, which would exhaust memory. Real
// Shortcuts actions and app metadata hold a few thousand values.
const maxPlistNodes = 1 << 20

// maxPlistDepth bounds nesting (the decoder recurses once per level).
const maxPlistDepth = 512

// decodePlistBounded is decodePlist for plists taken from evidence blobs:
// a binary plist is first checked to decode to at most maxPlistNodes
// values.
func decodePlistBounded(b []byte, v any) error { return decodePlist(b, v) }

// checkBplistSize walks a binary plist's object graph and counts the
// values it expands to, each shared object counted once per reference.
func checkBplistSize(b []byte) error {
	if len(b) < 8+32 {
		return errors.New("binary plist too short")
	}
	tr := b[len(b)-32:]
	offSize, refSize := int(tr[6]), int(tr[7])
	numObjects := binary.BigEndian.Uint64(tr[8:16])
	top := binary.BigEndian.Uint64(tr[16:24])
	tableOff := binary.BigEndian.Uint64(tr[24:32])
	if offSize < 1 || offSize > 8 || refSize < 1 || refSize > 8 || numObjects == 0 ||
		numObjects > uint64(len(b)) || top >= numObjects || tableOff >= uint64(len(b)) {
		return errors.New("binary plist trailer is inconsistent")
	}
	w := &bplistWalker{b: b, offSize: offSize, refSize: refSize, num: numObjects, table: tableOff,
		size: map[uint64]uint64{}, active: map[uint64]bool{}}
	n, err := w.expanded(top, 0)
	if err != nil {
		return err
	}
	if n > maxPlistNodes {
		return fmt.Errorf("binary plist expands to more than %d values", maxPlistNodes)
	}
	return nil
}

type bplistWalker struct {
	b                []byte
	offSize, refSize int
	num, table       uint64
	size             map[uint64]uint64 // memoised expanded size per object
	active           map[uint64]bool   // objects on the current path (cycles)
}

func (w *bplistWalker) uint(at uint64, n int) (uint64, error) {
	if at > uint64(len(w.b)) || uint64(n) > uint64(len(w.b))-at {
		return 0, errors.New("binary plist reference out of bounds")
	}
	var v uint64
	for _, c := range w.b[at : at+uint64(n)] {
		v = v<<8 | uint64(c)
	}
	return v, nil
}

// expanded returns 1 + the expanded sizes of obj's children, capped just
// above maxPlistNodes.
func (w *bplistWalker) expanded(obj uint64, depth int) (uint64, error) {
	if n, ok := w.size[obj]; ok {
		return n, nil
	}
	if depth > maxPlistDepth {
		return 0, errors.New("binary plist nested too deeply")
	}
	if w.active[obj] {
		return 0, errors.New("binary plist refers to itself")
	}
	off, err := w.uint(w.table+obj*uint64(w.offSize), w.offSize)
	if err != nil || off >= uint64(len(w.b)) {
		return 0, errors.New("binary plist object offset out of bounds")
	}
	marker := w.b[off]
	kind := marker >> 4
	if kind != 0xA && kind != 0xC && kind != 0xD { // scalars
		w.size[obj] = 1
		return 1, nil
	}
	count, start := uint64(marker&0x0f), off+1
	if count == 0x0f {
		if start >= uint64(len(w.b)) || w.b[start]>>4 != 0x1 {
			return 0, errors.New("binary plist length is not an integer")
		}
		sz := 1 << (w.b[start] & 0x0f)
		if sz > 8 {
			return 0, errors.New("binary plist length too wide")
		}
		if count, err = w.uint(start+1, sz); err != nil {
			return 0, err
		}
		start += 1 + uint64(sz)
	}
	if kind == 0xD {
		if count > uint64(len(w.b)) {
			return 0, errors.New("binary plist dictionary larger than the file")
		}
		count *= 2 // keys, then values
	}
	if count > uint64(len(w.b)) {
		return 0, errors.New("binary plist container larger than the file")
	}
	w.active[obj] = true
	total := uint64(1)
	for i := uint64(0); i < count; i++ {
		ref, err := w.uint(start+i*uint64(w.refSize), w.refSize)
		if err != nil {
			return 0, err
		}
		if ref >= w.num {
			return 0, errors.New("binary plist object reference out of range")
		}
		n, err := w.expanded(ref, depth+1)
		if err != nil {
			return 0, err
		}
		total += n
		if total > maxPlistNodes {
			total = maxPlistNodes + 1
			break
		}
	}
	delete(w.active, obj)
	w.size[obj] = total
	return total, nil
}
