package plistsafe

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// checkBinary walks a binary plist's object graph and counts the
// values it expands to, each shared object counted once per reference.
func checkBinary(b []byte) error {
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
		memo: map[uint64]shape{}, active: map[uint64]bool{}}
	sh, err := w.walk(top, 0)
	if err != nil {
		return err
	}
	if sh.size > MaxValues {
		return fmt.Errorf("binary plist expands to more than %d values", MaxValues)
	}
	return nil
}

type bplistWalker struct {
	b                []byte
	offSize, refSize int
	num, table       uint64
	memo             map[uint64]shape // per object already walked
	active           map[uint64]bool  // objects on the current path (cycles)
}

// shape is what an object expands to once the decoder copies every
// reference: its count of values and its nesting height.
type shape struct {
	size   uint64
	height int
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

// walk returns obj's shape, capped just above MaxValues, refusing cycles
// and nesting deeper than MaxDepth. A memoised object is checked against
// its height too: otherwise a long chain walked in short pieces (each
// piece first reached from the top, then reached again from the piece
// above it) would pass while the decoder recurses through all of it.
func (w *bplistWalker) walk(obj uint64, depth int) (shape, error) {
	if sh, ok := w.memo[obj]; ok {
		if depth+sh.height > MaxDepth {
			return shape{}, errors.New("binary plist nested too deeply")
		}
		return sh, nil
	}
	if depth > MaxDepth {
		return shape{}, errors.New("binary plist nested too deeply")
	}
	if w.active[obj] {
		return shape{}, errors.New("binary plist refers to itself")
	}
	off, err := w.uint(w.table+obj*uint64(w.offSize), w.offSize)
	if err != nil || off >= uint64(len(w.b)) {
		return shape{}, errors.New("binary plist object offset out of bounds")
	}
	marker := w.b[off]
	kind := marker >> 4
	if kind != 0xA && kind != 0xC && kind != 0xD { // scalars
		w.memo[obj] = shape{size: 1}
		return shape{size: 1}, nil
	}
	count, start := uint64(marker&0x0f), off+1
	if count == 0x0f {
		if start >= uint64(len(w.b)) || w.b[start]>>4 != 0x1 {
			return shape{}, errors.New("binary plist length is not an integer")
		}
		sz := 1 << (w.b[start] & 0x0f)
		if sz > 8 {
			return shape{}, errors.New("binary plist length too wide")
		}
		if count, err = w.uint(start+1, sz); err != nil {
			return shape{}, err
		}
		start += 1 + uint64(sz)
	}
	if kind == 0xD {
		if count > uint64(len(w.b)) {
			return shape{}, errors.New("binary plist dictionary larger than the file")
		}
		count *= 2 // keys, then values
	}
	if count > uint64(len(w.b)) {
		return shape{}, errors.New("binary plist container larger than the file")
	}
	w.active[obj] = true
	sh := shape{size: 1}
	for i := uint64(0); i < count; i++ {
		ref, err := w.uint(start+i*uint64(w.refSize), w.refSize)
		if err != nil {
			return shape{}, err
		}
		if ref >= w.num {
			return shape{}, errors.New("binary plist object reference out of range")
		}
		c, err := w.walk(ref, depth+1)
		if err != nil {
			return shape{}, err
		}
		sh.height = max(sh.height, c.height+1)
		sh.size += c.size
		if sh.size > MaxValues {
			sh.size = MaxValues + 1
			break
		}
	}
	delete(w.active, obj)
	w.memo[obj] = sh
	return sh, nil
}
