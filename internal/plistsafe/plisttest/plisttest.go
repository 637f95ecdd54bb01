// Package plisttest builds the hostile plists the tests feed to every
// place spyglass opens a plist: nesting that would overflow the decoder's
// stack, in XML and in binary form, and binary object graphs that refer to
// themselves.
package plisttest

import (
	"bytes"
	"encoding/binary"
	"strings"
)

// DeepXML returns an XML plist whose top dictionary holds key, whose value
// is n nested arrays.
func DeepXML(key string, n int) []byte {
	var b bytes.Buffer
	b.Grow(15*n + 200)
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<plist version="1.0"><dict><key>` + key + `</key>`)
	b.WriteString(strings.Repeat("<array>", n))
	b.WriteString(strings.Repeat("</array>", n))
	b.WriteString("</dict></plist>\n")
	return b.Bytes()
}

// DeepBinary is DeepXML as a binary plist: object 0 is the top dictionary,
// object 1 the key, objects 2 to n+1 arrays each holding the next (the
// last one empty).
func DeepBinary(key string, n int) []byte {
	objs := make([][]uint32, n)
	for i := range objs {
		if i < n-1 {
			objs[i] = []uint32{uint32(i + 3)}
		}
	}
	return build(key, 2, objs)
}

// ChunkedChain is DeepBinary with the top dictionary also holding, before
// the chain, references into the chain every step objects from its end: a
// checker that remembers what it already walked sees only short pieces,
// while the decoder recurses through the whole chain.
func ChunkedChain(key string, n, step int) []byte {
	objs := make([][]uint32, n)
	for i := range objs {
		if i < n-1 {
			objs[i] = []uint32{uint32(i + 3)}
		}
	}
	var entry []uint32
	for i := n - step; i > 0; i -= step {
		entry = append(entry, uint32(i+2))
	}
	return buildDict(key, append(entry, 2), objs)
}

// SelfReferential is a binary plist whose top dictionary maps key to an
// array that holds itself.
func SelfReferential(key string) []byte {
	return build(key, 2, [][]uint32{{2}})
}

// build writes {key: object first} over the arrays objs (object i+2 holds
// the references objs[i]).
func build(key string, first uint32, objs [][]uint32) []byte {
	return buildDict(key, []uint32{first}, objs)
}

// buildDict writes a top dictionary whose one key maps to the first of
// vals (when vals holds more, the dictionary repeats the key for each:
// the decoder keeps the last, the checker walks them all).
func buildDict(key string, vals []uint32, objs [][]uint32) []byte {
	const ref = 4
	var b bytes.Buffer
	b.WriteString("bplist00")
	var offsets []uint64
	put := func(v uint32) { _ = binary.Write(&b, binary.BigEndian, v) }
	count := func(marker byte, n int) {
		if n < 15 {
			b.WriteByte(marker | byte(n))
			return
		}
		b.WriteByte(marker | 0x0f)
		b.WriteByte(0x12) // a 4-byte integer follows
		put(uint32(n))
	}
	// object 0: the dictionary
	offsets = append(offsets, uint64(b.Len()))
	count(0xD0, len(vals))
	for range vals {
		put(1)
	}
	for _, v := range vals {
		put(v)
	}
	// object 1: the key, an ASCII string
	offsets = append(offsets, uint64(b.Len()))
	count(0x50, len(key))
	b.WriteString(key)
	for _, o := range objs {
		offsets = append(offsets, uint64(b.Len()))
		count(0xA0, len(o))
		for _, r := range o {
			put(r)
		}
	}
	table := uint64(b.Len())
	for _, o := range offsets {
		_ = binary.Write(&b, binary.BigEndian, o)
	}
	var tr [32]byte
	tr[6], tr[7] = 8, ref
	binary.BigEndian.PutUint64(tr[8:], uint64(len(offsets)))
	binary.BigEndian.PutUint64(tr[16:], 0)
	binary.BigEndian.PutUint64(tr[24:], table)
	b.Write(tr[:])
	return b.Bytes()
}
