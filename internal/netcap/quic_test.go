package netcap

import (
	"bytes"
	"encoding/hex"
	"net/netip"
	"os"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"
)

// RFC 9001 Appendix A: the client's keys for DCID 8394c8f03e515708 and
// its 1200-byte protected Initial, whose ClientHello names example.com.
var rfc9001DCID, _ = hex.DecodeString("8394c8f03e515708")

func rfc9001Packet(t testing.TB) []byte {
	b, err := os.ReadFile("testdata/quic/rfc9001_a2_client_initial.hex")
	if err != nil {
		t.Fatal(err)
	}
	p, err := hex.DecodeString(strings.Join(strings.Fields(string(b)), ""))
	if err != nil || len(p) != 1200 {
		t.Fatalf("vector: %v, %d bytes", err, len(p))
	}
	return p
}

func TestQUICInitialKeysRFC9001A1(t *testing.T) {
	secret := clientInitialSecret(rfc9001DCID)
	for _, tc := range []struct{ name, got, want string }{
		{"client_initial_secret", hex.EncodeToString(secret), "c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea"},
		{"key", hex.EncodeToString(expandLabel(secret, "quic key", 16)), "1f369613dd76d5467730efcbe3b1a22d"},
		{"iv", hex.EncodeToString(expandLabel(secret, "quic iv", 12)), "fa044b2f42a3fd3b46fb255c"},
		{"hp", hex.EncodeToString(expandLabel(secret, "quic hp", 16)), "9f50449e04a0e810283a1e9933adedd2"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %s, want %s", tc.name, tc.got, tc.want)
		}
	}
}

func TestQUICInitialSNIRFC9001A2(t *testing.T) {
	pkt := rfc9001Packet(t)
	orig := bytes.Clone(pkt)
	h, ok := parseInitialHeader(pkt)
	if !ok || !bytes.Equal(h.dcid, rfc9001DCID) || h.pnOffset != 18 {
		t.Fatalf("header %+v ok=%v", h, ok)
	}
	k, _ := clientInitialKeys(h.dcid)
	plain, ok := openInitial(pkt, h, k)
	if !ok {
		t.Fatal("the RFC 9001 A.2 packet did not decrypt")
	}
	// The plaintext starts with the CRYPTO frame of A.2.
	if !strings.HasPrefix(hex.EncodeToString(plain), "060040f1010000ed0303ebf8fa56f129") {
		t.Fatalf("plaintext %x", plain[:16])
	}
	if !bytes.Equal(pkt, orig) {
		t.Fatal("the packet bytes were modified")
	}
	// Through the analyzer, as a UDP datagram in a capture.
	var got []Event
	a := NewAnalyzer("x", func(e Event) { got = append(got, e) })
	udp := udpPacket(netip.AddrPortFrom(phone4, 50010), netip.AddrPortFrom(cleanIP, 443), pkt)
	a.Packet(Packet{Data: udp, Time: t0, LinkType: layers.LinkTypeRaw})
	if len(got) != 2 || got[1].Type != EventQUIC || got[1].Name != "example.com" {
		t.Fatalf("events %+v", got)
	}
	// A flipped ciphertext bit fails authentication: no SNI, no panic.
	pkt[500] ^= 1
	got = nil
	a = NewAnalyzer("x", func(e Event) { got = append(got, e) })
	a.Packet(Packet{Data: udpPacket(netip.AddrPortFrom(phone4, 50010), netip.AddrPortFrom(cleanIP, 443), pkt), Time: t0, LinkType: layers.LinkTypeRaw})
	if len(got) != 1 {
		t.Fatalf("events %+v", got)
	}
}

func FuzzQUICInitial(f *testing.F) {
	f.Add(rfc9001Packet(f))
	f.Fuzz(func(t *testing.T, b []byte) {
		a := NewAnalyzer("x", func(Event) {})
		a.Packet(Packet{Data: udpPacket(phoneAP, serverAP, b), Time: t0, LinkType: layers.LinkTypeRaw})
		cryptoFrames(b, func(uint64, []byte) {})
	})
}
