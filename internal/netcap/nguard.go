package netcap

import (
	"encoding/binary"
	"fmt"
	"io"
)

// maxBlock bounds one pcapng block. Packet blocks hold at most maxPacket
// bytes plus options; other blocks (names, comments) are small.
const maxBlock = 16 << 20

// ngGuard sits between the file and pcapgo's pcapng reader. It reads one
// block at a time, refuses impossible lengths (0, 2^32-1, a captured length
// longer than its block) before pcapgo allocates from them, and clamps
// interface snap lengths, which pcapgo uses as a buffer size.
type ngGuard struct {
	r       io.Reader
	buf     []byte
	off     int
	big     bool // byte order of the current section
	blocks  int
	pending error
}

func (g *ngGuard) Read(p []byte) (int, error) {
	if g.off >= len(g.buf) {
		if g.pending != nil {
			return 0, g.pending
		}
		if err := g.fill(); err != nil {
			g.pending = err
			if len(g.buf) == 0 {
				return 0, err
			}
		}
	}
	n := copy(p, g.buf[g.off:])
	g.off += n
	return n, nil
}

func (g *ngGuard) u32(b []byte) uint32 {
	if g.big {
		return binary.BigEndian.Uint32(b)
	}
	return binary.LittleEndian.Uint32(b)
}

// fill loads the next whole block into buf, checked.
func (g *ngGuard) fill() error {
	g.buf, g.off = g.buf[:0], 0
	var hdr [12]byte
	n, err := io.ReadFull(g.r, hdr[:8])
	if err != nil {
		if n == 0 && err == io.EOF {
			return io.EOF
		}
		g.buf = append(g.buf, hdr[:n]...)
		return io.ErrUnexpectedEOF
	}
	typ := binary.LittleEndian.Uint32(hdr[:4])
	if typ == 0x0a0d0d0a { // section header: its own byte order
		if _, err := io.ReadFull(g.r, hdr[8:12]); err != nil {
			return io.ErrUnexpectedEOF
		}
		switch binary.LittleEndian.Uint32(hdr[8:12]) {
		case 0x1a2b3c4d:
			g.big = false
		case 0x4d3c2b1a:
			g.big = true
		default:
			return fmt.Errorf("pcapng block %d: bad byte-order magic", g.blocks+1)
		}
	}
	g.blocks++
	total := g.u32(hdr[4:8])
	if total < 12 || total%4 != 0 || total > maxBlock {
		return fmt.Errorf("pcapng block %d claims a length of %d bytes, which is impossible", g.blocks, total)
	}
	head := 8
	if typ == 0x0a0d0d0a {
		head = 12
	}
	if cap(g.buf) < int(total) {
		g.buf = make([]byte, 0, total)
	}
	g.buf = append(g.buf[:0], hdr[:head]...)
	g.buf = g.buf[:total]
	if _, err := io.ReadFull(g.r, g.buf[head:]); err != nil {
		g.buf = g.buf[:0]
		return io.ErrUnexpectedEOF
	}
	b := g.buf
	switch g.u32(b[:4]) {
	case 1: // interface description: snap length at 12
		if total < 20 {
			return fmt.Errorf("pcapng block %d: interface description too short", g.blocks)
		}
		if s := g.u32(b[12:16]); s == 0 || s > maxPacket {
			g.put(b[12:16], maxPacket)
		}
	case 6: // enhanced packet: captured length at 20
		if total < 32 || g.u32(b[20:24]) > total-32 {
			return fmt.Errorf("pcapng block %d: packet longer than its block", g.blocks)
		}
	case 3: // simple packet: original length at 8, captured = block - 16
		if total < 16 {
			return fmt.Errorf("pcapng block %d: simple packet too short", g.blocks)
		}
		if g.u32(b[8:12]) > total-16 {
			g.put(b[8:12], total-16)
		}
	case 2: // obsolete packet block
		if total < 32 || g.u32(b[20:24]) > total-32 {
			return fmt.Errorf("pcapng block %d: packet longer than its block", g.blocks)
		}
	}
	return nil
}

func (g *ngGuard) put(b []byte, v uint32) {
	if g.big {
		binary.BigEndian.PutUint32(b, v)
	} else {
		binary.LittleEndian.PutUint32(b, v)
	}
}
