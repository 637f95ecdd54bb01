// Package craftzip builds the hostile zips that tests throw at spyglass's
// archive readers. archive/zip's writer cannot make them: it never lets two
// entries share bytes.
package craftzip

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
)

// Overlapping returns a zip whose central directory lists every name over
// the one deflated copy of content: unpacking all of them costs
// len(names) × len(content) from little more than one compressed copy.
// At most 65535 names (no zip64).
func Overlapping(names []string, content []byte) []byte {
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	fw.Write(content)
	fw.Close()
	crc := crc32.ChecksumIEEE(content)
	var out bytes.Buffer
	le := func(v ...any) {
		for _, x := range v {
			binary.Write(&out, binary.LittleEndian, x)
		}
	}
	// One local header and its data, at offset 0, under the first name.
	le(uint32(0x04034b50), uint16(20), uint16(0), uint16(8), uint16(0), uint16(0x21),
		crc, uint32(comp.Len()), uint32(len(content)), uint16(len(names[0])), uint16(0))
	out.WriteString(names[0])
	out.Write(comp.Bytes())
	dirStart := out.Len()
	for _, n := range names {
		le(uint32(0x02014b50), uint16(20), uint16(20), uint16(0), uint16(8), uint16(0), uint16(0x21),
			crc, uint32(comp.Len()), uint32(len(content)), uint16(len(n)), uint16(0), uint16(0),
			uint16(0), uint16(0), uint32(0), uint32(0))
		out.WriteString(n)
	}
	dirEnd := out.Len()
	le(uint32(0x06054b50), uint16(0), uint16(0), uint16(len(names)), uint16(len(names)),
		uint32(dirEnd-dirStart), uint32(dirStart), uint16(0))
	return out.Bytes()
}
