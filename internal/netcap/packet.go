package netcap

import (
	"encoding/binary"
	"net/netip"

	"github.com/gopacket/gopacket/layers"
)

// Transport protocols this package follows.
const (
	protoTCP = 6
	protoUDP = 17
)

// segment is a decoded TCP or UDP packet: only the fields the analysis uses,
// decoded by hand (no allocation per packet).
type segment struct {
	Proto            uint8
	Src, Dst         netip.Addr
	SrcPort, DstPort uint16
	Seq              uint32 // TCP only
	Flags            uint8  // TCP only
	Payload          []byte
}

// TCP flags.
const (
	flagFIN = 0x01
	flagSYN = 0x02
	flagRST = 0x04
	flagACK = 0x10
)

// decode reads the link, network and transport headers; ok is false for
// anything that is not TCP or UDP over IPv4/IPv6 (or is malformed).
func decode(lt layers.LinkType, b []byte, s *segment) bool {
	for depth := 0; depth < 4; depth++ {
		switch lt {
		case layers.LinkTypeEthernet:
			if len(b) < 14 {
				return false
			}
			et := binary.BigEndian.Uint16(b[12:14])
			b = b[14:]
			for i := 0; i < 3 && (et == 0x8100 || et == 0x88a8 || et == 0x9100); i++ {
				if len(b) < 4 {
					return false
				}
				et = binary.BigEndian.Uint16(b[2:4])
				b = b[4:]
			}
			return decodeEtherType(et, b, s)
		case layers.LinkTypeLinuxSLL:
			if len(b) < 16 {
				return false
			}
			return decodeEtherType(binary.BigEndian.Uint16(b[14:16]), b[16:], s)
		case 276: // LINUX_SLL2: protocol first
			if len(b) < 20 {
				return false
			}
			return decodeEtherType(binary.BigEndian.Uint16(b[0:2]), b[20:], s)
		case layers.LinkTypeRaw, 12, 14: // raw IP (101, and the BSD values)
			return decodeIP(b, s)
		case layers.LinkTypeIPv4, layers.LinkTypeIPv6:
			return decodeIP(b, s)
		case layers.LinkTypeNull, layers.LinkTypeLoop: // 4-byte family, then IP
			if len(b) < 4 {
				return false
			}
			return decodeIP(b[4:], s)
		case 149, 258: // Apple PKTAP (rvictl, macOS): header, then inner DLT
			if len(b) < 8 {
				return false
			}
			hl := binary.LittleEndian.Uint32(b[0:4])
			if hl < 8 || uint64(hl) > uint64(len(b)) {
				return false
			}
			lt = layers.LinkType(binary.LittleEndian.Uint32(b[4:8]))
			b = b[hl:]
		default:
			return false
		}
	}
	return false
}

func decodeEtherType(et uint16, b []byte, s *segment) bool {
	if et == 0x0800 || et == 0x86dd {
		return decodeIP(b, s)
	}
	return false
}

func decodeIP(b []byte, s *segment) bool {
	if len(b) < 1 {
		return false
	}
	var proto uint8
	switch b[0] >> 4 {
	case 4:
		if len(b) < 20 {
			return false
		}
		hl := int(b[0]&0x0f) * 4
		tl := int(binary.BigEndian.Uint16(b[2:4]))
		if hl < 20 || tl < hl || len(b) < hl {
			return false
		}
		if tl < len(b) { // drop link-layer padding
			b = b[:tl]
		}
		if binary.BigEndian.Uint16(b[6:8])&0x1fff != 0 { // later fragment
			return false
		}
		proto = b[9]
		s.Src = netip.AddrFrom4([4]byte(b[12:16]))
		s.Dst = netip.AddrFrom4([4]byte(b[16:20]))
		b = b[hl:]
	case 6:
		if len(b) < 40 {
			return false
		}
		pl := int(binary.BigEndian.Uint16(b[4:6]))
		proto = b[6]
		s.Src = netip.AddrFrom16([16]byte(b[8:24]))
		s.Dst = netip.AddrFrom16([16]byte(b[24:40]))
		b = b[40:]
		if pl < len(b) {
			b = b[:pl]
		}
		// Extension headers: hop-by-hop, routing, fragment, destination.
		for i := 0; i < 8 && (proto == 0 || proto == 43 || proto == 44 || proto == 60); i++ {
			if len(b) < 8 {
				return false
			}
			next, n := b[0], (int(b[1])+1)*8
			if proto == 44 {
				n = 8
				if binary.BigEndian.Uint16(b[2:4])&0xfff8 != 0 { // later fragment
					return false
				}
			}
			if len(b) < n {
				return false
			}
			proto, b = next, b[n:]
		}
	default:
		return false
	}
	s.Proto = proto
	switch proto {
	case protoUDP:
		if len(b) < 8 {
			return false
		}
		s.SrcPort = binary.BigEndian.Uint16(b[0:2])
		s.DstPort = binary.BigEndian.Uint16(b[2:4])
		ul := int(binary.BigEndian.Uint16(b[4:6]))
		b = b[8:]
		if ul >= 8 && ul-8 < len(b) {
			b = b[:ul-8]
		}
		s.Payload = b
		return true
	case protoTCP:
		if len(b) < 20 {
			return false
		}
		s.SrcPort = binary.BigEndian.Uint16(b[0:2])
		s.DstPort = binary.BigEndian.Uint16(b[2:4])
		s.Seq = binary.BigEndian.Uint32(b[4:8])
		off := int(b[12]>>4) * 4
		s.Flags = b[13]
		if off < 20 || off > len(b) {
			return false
		}
		s.Payload = b[off:]
		return true
	}
	return false
}
