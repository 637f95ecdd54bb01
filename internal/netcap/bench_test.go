package netcap

import (
	"bufio"
	"context"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
)

// TestWriteBulkCapture writes a capture of mostly bulk TLS for the README's
// speed figures: SPYGLASS_BULK_PCAP=/tmp/bulk.pcap SPYGLASS_BULK_MB=1024.
func TestWriteBulkCapture(t *testing.T) {
	path := os.Getenv("SPYGLASS_BULK_PCAP")
	if path == "" {
		t.Skip("set SPYGLASS_BULK_PCAP to write the benchmark capture")
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	w := pcapgo.NewWriter(bw)
	w.WriteFileHeader(65535, layers.LinkTypeEthernet)
	limit := int64(1024) << 20
	var written int64
	ts := t0
	put := func(ip []byte) {
		b := link(layers.LinkTypeEthernet, ip)
		ts = ts.Add(time.Microsecond * 10)
		w.WritePacket(gopacket.CaptureInfo{Timestamp: ts, CaptureLength: len(b), Length: len(b)}, b)
		written += int64(len(b) + 16)
	}
	bulk := make([]byte, 1448)
	for i := 0; written < limit; i++ {
		cl := netip.AddrPortFrom(phone4, uint16(20000+i%40000))
		sv := netip.AddrPortFrom(netip.AddrFrom4([4]byte{198, 51, 100, byte(i)}), 443)
		put(udpPacket(netip.AddrPortFrom(phone4, uint16(30000+i%30000)), netip.AddrPortFrom(resolver, 53), dnsQuery(uint16(i), "host"+string(rune('a'+i%26))+".example.org")))
		put(tcpPacket(cl, sv, 1000, flagSYN, nil))
		put(tcpPacket(cl, sv, 1001, flagACK|0x08, clientHello("www"+string(rune('a'+i%26))+".example.com")))
		for j := 0; j < 700; j++ { // ~1 MB of application data from the server
			put(tcpPacket(sv, cl, uint32(5000+j*1448), flagACK, append([]byte{0x17, 3, 3, 5, 0xa8}, bulk[5:]...)))
		}
	}
	bw.Flush()
}

func BenchmarkAnalyzeBulk(b *testing.B) {
	path := os.Getenv("SPYGLASS_BULK_PCAP")
	if path == "" {
		b.Skip("set SPYGLASS_BULK_PCAP")
	}
	fi, _ := os.Stat(path)
	b.SetBytes(fi.Size())
	for i := 0; i < b.N; i++ {
		a := NewAnalyzer("bulk", func(Event) {})
		if _, err := readCapture(context.Background(), path, a); err != nil {
			b.Fatal(err)
		}
	}
	_ = ioc.NewIndex
}
