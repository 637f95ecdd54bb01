package netcap

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gopacket/gopacket/layers"
)

// Every decoder has a fuzz target; seeds are the generated captures and
// messages (plus testdata/fuzz/<Target>/ for corpus entries worth keeping).

func FuzzReader(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.pcap*")
	for _, p := range files {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		readAll(b)
	})
}

func FuzzDecode(f *testing.F) {
	c := &conv{lt: layers.LinkTypeEthernet, t: t0}
	c.dns(phone4, resolver, 1, "a.example", "b.example", cleanIP)
	for _, fr := range c.frames {
		f.Add(uint16(fr.lt), fr.b)
	}
	f.Fuzz(func(t *testing.T, lt uint16, b []byte) {
		var s segment
		decode(layers.LinkType(lt), b, &s)
	})
}

func FuzzParseDNS(f *testing.F) {
	f.Add(dnsQuery(1, "a.example"))
	f.Add(dnsCNAMEAnswer(1, "a.example", "b.example", cleanIP))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, _ := parseDNS(b)
		for _, n := range m.Names {
			if len(n) > 255 {
				t.Fatalf("name of %d bytes", len(n))
			}
		}
	})
}

func FuzzTLSRecordsSNI(f *testing.F) {
	f.Add(clientHello("a.example"))
	f.Add(clientHello(""))
	f.Fuzz(func(t *testing.T, b []byte) {
		tlsRecordsSNI(b)
	})
}

func FuzzHTTPRequest(f *testing.F) {
	f.Add([]byte("GET /x HTTP/1.1\r\nHost: a.example\r\n\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		httpRequest(b)
	})
}

func FuzzAnalyzerTCP(f *testing.F) {
	f.Add(clientHello("a.example"), uint32(0), uint32(10), uint8(3))
	f.Fuzz(func(t *testing.T, payload []byte, s1, s2 uint32, parts uint8) {
		a := NewAnalyzer("x", func(Event) {})
		c := &conv{lt: layers.LinkTypeRaw, t: t0}
		c.sendSplit(phoneAP, serverAP, s1, payload, int(parts%8)+1, s2%2 == 0)
		for _, fr := range c.frames {
			a.Packet(Packet{Data: fr.b, Time: fr.t, LinkType: fr.lt})
		}
	})
}

func FuzzServerCertificate(f *testing.F) {
	f.Add(serverFlight("a.example"))
	f.Fuzz(func(t *testing.T, b []byte) {
		serverCertificate(b)
	})
}
