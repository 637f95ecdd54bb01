package netcap

import (
	"encoding/binary"
	"net/netip"
	"strings"
)

// dnsMessage is what the analysis keeps of a DNS message.
type dnsMessage struct {
	Response bool
	Names    []string // question names, then CNAME owners and targets
	IPs      []netip.Addr
}

// Bounds for hostile messages: RFC 1035 names are at most 255 bytes; a
// name may follow at most maxPointers compression pointers (a loop never
// ends otherwise); at most maxRecords records are read.
const (
	maxPointers = 32
	maxRecords  = 64
)

// parseDNS reads a DNS message's question and answer sections. ok is false
// when the header or question is malformed; a broken answer section keeps
// what was read before it.
func parseDNS(b []byte) (m dnsMessage, ok bool) {
	if len(b) < 12 {
		return m, false
	}
	m.Response = b[2]&0x80 != 0
	if b[2]&0x78 != 0 { // only standard queries (opcode 0)
		return m, false
	}
	qd := int(binary.BigEndian.Uint16(b[4:6]))
	an := int(binary.BigEndian.Uint16(b[6:8]))
	if qd == 0 || qd > 4 {
		return m, false
	}
	off := 12
	for i := 0; i < qd; i++ {
		name, n, good := readName(b, off)
		if !good || n+4 > len(b) {
			return m, false
		}
		m.Names = appendName(m.Names, name)
		off = n + 4
	}
	if !m.Response {
		return m, true
	}
	for i := 0; i < an && i < maxRecords; i++ {
		owner, n, good := readName(b, off)
		if !good || n+10 > len(b) {
			break
		}
		typ := binary.BigEndian.Uint16(b[n : n+2])
		rdl := int(binary.BigEndian.Uint16(b[n+8 : n+10]))
		rd := n + 10
		if rd+rdl > len(b) {
			break
		}
		switch typ {
		case 1: // A
			if rdl == 4 {
				m.IPs = append(m.IPs, netip.AddrFrom4([4]byte(b[rd:rd+4])))
			}
		case 28: // AAAA
			if rdl == 16 {
				m.IPs = append(m.IPs, netip.AddrFrom16([16]byte(b[rd:rd+16])))
			}
		case 5: // CNAME: the owner and the target both say where the phone went
			m.Names = appendName(m.Names, owner)
			if target, _, good := readName(b, rd); good {
				m.Names = appendName(m.Names, target)
			}
		}
		off = rd + rdl
	}
	return m, true
}

func appendName(names []string, n string) []string {
	if n == "" {
		return names
	}
	for _, x := range names {
		if x == n {
			return names
		}
	}
	return append(names, n)
}

// readName decodes the name at off, following compression pointers, and
// returns it lower-cased without the trailing dot, and the offset after
// the name as it appears at off.
func readName(b []byte, off int) (string, int, bool) {
	var buf [256]byte
	n, end, jumps := 0, -1, 0
	for {
		if off >= len(b) {
			return "", 0, false
		}
		l := int(b[off])
		switch {
		case l == 0:
			if end < 0 {
				end = off + 1
			}
			return strings.ToLower(string(buf[:n])), end, true
		case l&0xc0 == 0xc0:
			if off+1 >= len(b) {
				return "", 0, false
			}
			if end < 0 {
				end = off + 2
			}
			jumps++
			if jumps > maxPointers {
				return "", 0, false
			}
			off = int(binary.BigEndian.Uint16(b[off:off+2]) & 0x3fff)
		case l&0xc0 != 0:
			return "", 0, false
		default:
			if off+1+l > len(b) || n+l+1 > len(buf) {
				return "", 0, false
			}
			if n > 0 {
				buf[n] = '.'
				n++
			}
			n += copy(buf[n:], b[off+1:off+1+l])
			off += 1 + l
		}
	}
}
