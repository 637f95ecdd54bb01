package netcap

import (
	"encoding/binary"
	"net/netip"
	"testing"

	"github.com/gopacket/gopacket/layers"
)

func TestDecodeLinkTypes(t *testing.T) {
	ip4 := udpPacket(netip.AddrPortFrom(phone4, 1234), netip.AddrPortFrom(resolver, 53), dnsQuery(1, "a.example"))
	eth := link(layers.LinkTypeEthernet, ip4)
	vlan := append(append(append([]byte{}, eth[:12]...), 0x81, 0x00, 0x00, 0x05), eth[12:]...)
	pktap := make([]byte, 108) // Apple PKTAP: length, inner DLT, then the rest of its header
	binary.LittleEndian.PutUint32(pktap[0:], 108)
	binary.LittleEndian.PutUint32(pktap[4:], 1)
	pktap = append(pktap, eth...)
	null := append([]byte{2, 0, 0, 0}, ip4...)
	// IPv6 with a hop-by-hop options header before UDP.
	ip6 := udpPacket(netip.AddrPortFrom(phone6, 1234), netip.AddrPortFrom(evilIP6, 53), dnsQuery(1, "a.example"))
	hbh := []byte{protoUDP, 0, 1, 4, 0, 0, 0, 0}
	v6 := append(append([]byte{}, ip6[:40]...), hbh...)
	v6 = append(v6, ip6[40:]...)
	v6[6] = 0
	binary.BigEndian.PutUint16(v6[4:], uint16(len(v6)-40))
	for _, tc := range []struct {
		name string
		lt   layers.LinkType
		b    []byte
		dst  netip.Addr
	}{
		{"ethernet", layers.LinkTypeEthernet, eth, resolver},
		{"vlan", layers.LinkTypeEthernet, vlan, resolver},
		{"pktap", 149, pktap, resolver},
		{"null", layers.LinkTypeNull, null, resolver},
		{"raw", layers.LinkTypeRaw, ip4, resolver},
		{"ipv4 linktype", layers.LinkTypeIPv4, ip4, resolver},
		{"ipv6 hop-by-hop", layers.LinkTypeRaw, v6, evilIP6},
		{"sll", layers.LinkTypeLinuxSLL, link(layers.LinkTypeLinuxSLL, ip4), resolver},
		{"sll2", 276, link(276, ip4), resolver},
	} {
		var s segment
		if !decode(tc.lt, tc.b, &s) || s.Dst != tc.dst || s.DstPort != 53 || s.Proto != protoUDP {
			t.Errorf("%s: %+v", tc.name, s)
			continue
		}
		if m, ok := parseDNS(s.Payload); !ok || m.Names[0] != "a.example" {
			t.Errorf("%s: payload %x", tc.name, s.Payload)
		}
	}
}
