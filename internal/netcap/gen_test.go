package netcap

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"flag"
	"math/big"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// The generator builds the captures in testdata (go test -run
// TestGenerateCaptures -update-captures). Frames are built by hand, byte by
// byte, so that each form of each indicator is exactly what the test says.

var updateCaptures = flag.Bool("update-captures", false, "rewrite testdata/*.pcap*")

type frame struct {
	t  time.Time
	lt layers.LinkType
	b  []byte
}

var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

func ipHeader(src, dst netip.Addr, proto uint8, payload []byte) []byte {
	if src.Is4() {
		h := make([]byte, 20)
		h[0] = 0x45
		binary.BigEndian.PutUint16(h[2:], uint16(20+len(payload)))
		h[8], h[9] = 64, proto
		copy(h[12:], src.AsSlice())
		copy(h[16:], dst.AsSlice())
		return append(h, payload...)
	}
	h := make([]byte, 40)
	h[0] = 0x60
	binary.BigEndian.PutUint16(h[4:], uint16(len(payload)))
	h[6], h[7] = proto, 64
	copy(h[8:], src.AsSlice())
	copy(h[24:], dst.AsSlice())
	return append(h, payload...)
}

func udpPacket(src, dst netip.AddrPort, payload []byte) []byte {
	h := make([]byte, 8)
	binary.BigEndian.PutUint16(h, src.Port())
	binary.BigEndian.PutUint16(h[2:], dst.Port())
	binary.BigEndian.PutUint16(h[4:], uint16(8+len(payload)))
	return ipHeader(src.Addr(), dst.Addr(), protoUDP, append(h, payload...))
}

func tcpPacket(src, dst netip.AddrPort, seq uint32, flags uint8, payload []byte) []byte {
	h := make([]byte, 20)
	binary.BigEndian.PutUint16(h, src.Port())
	binary.BigEndian.PutUint16(h[2:], dst.Port())
	binary.BigEndian.PutUint32(h[4:], seq)
	h[12], h[13] = 5<<4, flags
	binary.BigEndian.PutUint16(h[14:], 65535)
	return ipHeader(src.Addr(), dst.Addr(), protoTCP, append(h, payload...))
}

// link wraps an IP packet in a link-layer header.
func link(lt layers.LinkType, ip []byte) []byte {
	et := []byte{0x08, 0x00}
	if ip[0]>>4 == 6 {
		et = []byte{0x86, 0xdd}
	}
	switch lt {
	case layers.LinkTypeEthernet:
		h := []byte{2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2}
		return append(append(h, et...), ip...)
	case layers.LinkTypeLinuxSLL:
		h := make([]byte, 14, 16)
		binary.BigEndian.PutUint16(h[2:], 1)
		binary.BigEndian.PutUint16(h[4:], 6)
		return append(append(h, et...), ip...)
	case 276:
		h := make([]byte, 20)
		copy(h, et)
		binary.BigEndian.PutUint16(h[8:], 1)
		h[11] = 6
		return append(h, ip...)
	}
	return ip
}

func dnsName(n string) []byte {
	var b []byte
	for _, l := range bytes.Split([]byte(n), []byte(".")) {
		if len(l) == 0 {
			continue
		}
		b = append(b, byte(len(l)))
		b = append(b, l...)
	}
	return append(b, 0)
}

func dnsQuery(id uint16, name string) []byte {
	b := []byte{byte(id >> 8), byte(id), 1, 0, 0, 1, 0, 0, 0, 0, 0, 0}
	b = append(b, dnsName(name)...)
	return append(b, 0, 1, 0, 1)
}

// dnsCNAMEAnswer answers name with a CNAME to target, then an A record.
func dnsCNAMEAnswer(id uint16, name, target string, a netip.Addr) []byte {
	b := []byte{byte(id >> 8), byte(id), 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0}
	b = append(b, dnsName(name)...)
	b = append(b, 0, 1, 0, 1)
	b = append(b, 0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60)
	t := dnsName(target)
	b = append(b, byte(len(t)>>8), byte(len(t)))
	tOff := len(b)
	b = append(b, t...)
	b = append(b, 0xc0|byte(tOff>>8), byte(tOff), 0, 1, 0, 1, 0, 0, 0, 60, 0, 4)
	return append(b, a.AsSlice()...)
}

// clientHello is a TLS record holding a ClientHello with the given SNI.
func clientHello(sni string) []byte {
	var body []byte
	body = append(body, 3, 3)
	body = append(body, make([]byte, 32)...)
	body = append(body, 0)                            // session id
	body = append(body, 0, 4, 0x13, 0x01, 0x13, 0x02) // cipher suites
	body = append(body, 1, 0)                         // compression
	var ext []byte
	if sni != "" {
		name := []byte(sni)
		list := append([]byte{0, byte(len(name) >> 8), byte(len(name))}, name...)
		sn := append([]byte{byte(len(list) >> 8), byte(len(list))}, list...)
		ext = append(ext, 0, 0, byte(len(sn)>>8), byte(len(sn)))
		ext = append(ext, sn...)
	}
	ext = append(ext, 0, 43, 0, 3, 2, 3, 4) // supported_versions
	body = append(body, byte(len(ext)>>8), byte(len(ext)))
	body = append(body, ext...)
	hs := append([]byte{1, 0, byte(len(body) >> 8), byte(len(body))}, body...)
	return append([]byte{0x16, 3, 1, byte(len(hs) >> 8), byte(len(hs))}, hs...)
}

// conv builds frames of one host's traffic.
type conv struct {
	lt     layers.LinkType
	t      time.Time
	frames []frame
}

func (c *conv) add(b []byte) {
	c.t = c.t.Add(10 * time.Millisecond)
	c.frames = append(c.frames, frame{c.t, c.lt, link(c.lt, b)})
}

func (c *conv) dns(client, server netip.Addr, id uint16, name, cname string, a netip.Addr) {
	cl, sv := netip.AddrPortFrom(client, 40000+id), netip.AddrPortFrom(server, 53)
	c.add(udpPacket(cl, sv, dnsQuery(id, name)))
	c.add(udpPacket(sv, cl, dnsCNAMEAnswer(id, name, cname, a)))
}

// tls opens a TCP connection and sends a ClientHello cut into parts.
func (c *conv) tls(client, server netip.AddrPort, sni string, parts int, reverse bool) {
	c.add(tcpPacket(client, server, 1000, flagSYN, nil))
	c.add(tcpPacket(server, client, 5000, flagSYN|flagACK, nil))
	c.add(tcpPacket(client, server, 1001, flagACK, nil))
	c.sendSplit(client, server, 1001, clientHello(sni), parts, reverse)
}

func (c *conv) sendSplit(client, server netip.AddrPort, seq uint32, data []byte, parts int, reverse bool) {
	n := (len(data) + parts - 1) / parts
	var segs [][]byte
	for off := 0; off < len(data); off += n {
		end := min(off+n, len(data))
		segs = append(segs, tcpPacket(client, server, seq+uint32(off), flagACK|0x08, data[off:end]))
	}
	if reverse {
		for i := len(segs) - 1; i >= 0; i-- {
			c.add(segs[i])
		}
		return
	}
	for _, s := range segs {
		c.add(s)
	}
}

func (c *conv) http(client, server netip.AddrPort, host, path string) {
	c.add(tcpPacket(client, server, 1, flagSYN, nil))
	c.add(tcpPacket(client, server, 2, flagACK|0x08, []byte("GET "+path+" HTTP/1.1\r\nHost: "+host+"\r\nUser-Agent: test\r\n\r\n")))
}

func writePcap(t testing.TB, path string, lt layers.LinkType, frames []frame) {
	var buf bytes.Buffer
	w := pcapgo.NewWriter(&buf)
	if err := w.WriteFileHeader(65535, lt); err != nil {
		t.Fatal(err)
	}
	for _, f := range frames {
		if err := w.WritePacket(gopacket.CaptureInfo{Timestamp: f.t, CaptureLength: len(f.b), Length: len(f.b)}, f.b); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// writePcapng writes frames of several link types, one interface each.
func writePcapng(t testing.TB, path string, frames []frame) {
	var buf bytes.Buffer
	w, err := pcapgo.NewNgWriterInterface(&buf, pcapgo.NgInterface{Name: "eth0", LinkType: layers.LinkTypeEthernet, SnapLength: 65535}, pcapgo.DefaultNgWriterOptions)
	if err != nil {
		t.Fatal(err)
	}
	ifaces := map[layers.LinkType]int{layers.LinkTypeEthernet: 0}
	for _, f := range frames {
		id, ok := ifaces[f.lt]
		if !ok {
			if id, err = w.AddInterface(pcapgo.NgInterface{Name: f.lt.String(), LinkType: f.lt, SnapLength: 65535}); err != nil {
				t.Fatal(err)
			}
			ifaces[f.lt] = id
		}
		if err := w.WritePacket(gopacket.CaptureInfo{Timestamp: f.t, CaptureLength: len(f.b), Length: len(f.b), InterfaceIndex: id}, f.b); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

var (
	phone4   = netip.MustParseAddr("192.168.1.23")
	phone6   = netip.MustParseAddr("2001:db8:1::23")
	resolver = netip.MustParseAddr("192.168.1.1")
	evilIP   = netip.MustParseAddr("203.0.113.66")
	evilIP6  = netip.MustParseAddr("2001:db8:bad::66")
	cleanIP  = netip.MustParseAddr("198.51.100.10")
)

// planted returns traffic reaching the test indicators in every form; with
// clean, the same traffic towards benign twins.
func planted(lt layers.LinkType, clean bool) []frame {
	evil, evil2 := "evil-spy.example", "tracker.badcdn.example"
	ip, ip6 := evilIP, evilIP6
	if clean {
		evil, evil2 = "good-app.example", "tracker.goodcdn.example"
		ip, ip6 = cleanIP, netip.MustParseAddr("2001:db8:900d::66")
	}
	c := &conv{lt: lt, t: t0}
	c.dns(phone4, resolver, 1, "API."+evil+".", "edge."+evil2, cleanIP)     // subdomain, upper case, trailing dot
	c.dns(phone4, resolver, 2, "cdn.innocent.example", "x."+evil2, cleanIP) // CNAME
	c.tls(netip.AddrPortFrom(phone4, 50001), netip.AddrPortFrom(cleanIP, 443), "Login."+evil, 3, false)
	// A TLS 1.2 server answers with its certificate in the clear, in two segments.
	c.sendSplit(netip.AddrPortFrom(cleanIP, 443), netip.AddrPortFrom(phone4, 50001), 5001, serverFlight("mail."+evil2), 2, false)
	c.tls(netip.AddrPortFrom(phone6, 50002), netip.AddrPortFrom(netip.MustParseAddr("2001:db8::443"), 443), "m."+evil2, 4, true)
	c.http(netip.AddrPortFrom(phone4, 50003), netip.AddrPortFrom(cleanIP, 80), "www."+evil, "/c2/beacon?id=1")
	c.add(tcpPacket(netip.AddrPortFrom(phone4, 50004), netip.AddrPortFrom(ip, 8443), 1, flagSYN, nil))
	c.add(tcpPacket(netip.AddrPortFrom(phone6, 50005), netip.AddrPortFrom(ip6, 443), 1, flagSYN, nil))
	c.add(udpPacket(netip.AddrPortFrom(phone4, 50008), netip.AddrPortFrom(cleanIP, 443), quicInitial("Q."+evil, []byte{1, 2, 3, 4, 5, 6, 7, 8})))
	// DNS over TCP.
	q := dnsQuery(7, "tcp."+evil)
	tc, ts := netip.AddrPortFrom(phone4, 50006), netip.AddrPortFrom(resolver, 53)
	c.add(tcpPacket(tc, ts, 1, flagSYN, nil))
	c.add(tcpPacket(tc, ts, 2, flagACK|0x08, append([]byte{0, byte(len(q))}, q...)))
	return c.frames
}

func TestGenerateCaptures(t *testing.T) {
	if !*updateCaptures {
		t.Skip("run with -update-captures to rewrite testdata")
	}
	writePcap(t, "testdata/planted_ethernet.pcap", layers.LinkTypeEthernet, planted(layers.LinkTypeEthernet, false))
	writePcap(t, "testdata/clean_ethernet.pcap", layers.LinkTypeEthernet, planted(layers.LinkTypeEthernet, true))
	writePcap(t, "testdata/planted_sll.pcap", layers.LinkTypeLinuxSLL, planted(layers.LinkTypeLinuxSLL, false))
	writePcap(t, "testdata/planted_sll2.pcap", 276, planted(276, false))
	writePcap(t, "testdata/planted_raw.pcap", layers.LinkTypeRaw, planted(layers.LinkTypeRaw, false))
	mixed := append(planted(layers.LinkTypeEthernet, false)[:6], planted(layers.LinkTypeLinuxSLL, false)[6:]...)
	writePcapng(t, "testdata/planted_mixed.pcapng", mixed)
}

var (
	phoneAP  = netip.AddrPortFrom(phone4, 50000)
	serverAP = netip.AddrPortFrom(cleanIP, 443)
)

// quicInitial builds a protected QUIC v1 client Initial carrying a
// ClientHello for sni (RFC 9001 section 5, the inverse of openInitial).
func quicInitial(sni string, dcid []byte) []byte {
	hello := clientHello(sni)[5:] // the handshake message, without the record header
	plain := append([]byte{0x06, 0x00, 0x40 | byte(len(hello)>>8), byte(len(hello))}, hello...)
	plain = append(plain, make([]byte, 1162-len(plain))...) // PADDING to 1200 bytes
	length := len(plain) + 4 + 16
	hdr := []byte{0xc3, 0, 0, 0, 1, byte(len(dcid))}
	hdr = append(hdr, dcid...)
	hdr = append(hdr, 0, 0, 0x40|byte(length>>8), byte(length), 0, 0, 0, 2)
	k, _ := clientInitialKeys(dcid)
	nonce := bytes.Clone(k.iv)
	nonce[11] ^= 2
	pkt := k.aead.Seal(bytes.Clone(hdr), nonce, plain, hdr)
	pnOffset := len(hdr) - 4
	var mask [16]byte
	k.hp.Encrypt(mask[:], pkt[pnOffset+4:pnOffset+20])
	pkt[0] ^= mask[0] & 0x0f
	for i := 0; i < 4; i++ {
		pkt[pnOffset+i] ^= mask[1+i]
	}
	return pkt
}

// serverFlight is a TLS 1.2 server's first records: ServerHello and a
// self-signed Certificate for names.
func serverFlight(names ...string) []byte {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: names[0]}, DNSNames: names,
		NotBefore: t0.Add(-time.Hour), NotAfter: t0.Add(365 * 24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	u24 := func(n int) []byte { return []byte{byte(n >> 16), byte(n >> 8), byte(n)} }
	sh := append([]byte{3, 3}, make([]byte, 32)...)
	sh = append(sh, 0, 0xc0, 0x2f, 0)
	hs := append(append([]byte{2}, u24(len(sh))...), sh...)
	certs := append(u24(len(der)), der...)
	body := append(u24(len(certs)), certs...)
	hs = append(append(append(hs, 11), u24(len(body))...), body...)
	return append([]byte{0x16, 3, 3, byte(len(hs) >> 8), byte(len(hs))}, hs...)
}
