package netcap

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net/netip"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
)

func readAll(b []byte) (int, error) {
	r, err := NewReader(bytes.NewReader(b))
	if err != nil {
		return 0, err
	}
	a := NewAnalyzer("x", func(Event) {})
	for {
		p, err := r.Next()
		if err == io.EOF {
			return r.Count(), nil
		}
		if err != nil {
			return r.Count(), err
		}
		a.Packet(p)
	}
}

func TestTruncatedCaptureKeepsWhatCameBefore(t *testing.T) {
	b, _ := os.ReadFile("testdata/planted_ethernet.pcap")
	n, err := readAll(b[:len(b)-7])
	if !errors.Is(err, ErrTruncated) || n == 0 {
		t.Fatalf("n=%d err=%v", n, err)
	}
	p := t.TempDir() + "/t.pcap"
	os.WriteFile(p, b[:len(b)-7], 0o600)
	c, err := runTraffic(t, testIndex(t), p)
	if err != nil || len(c.Alerts) == 0 {
		t.Fatalf("truncated capture: err=%v, %d alerts", err, len(c.Alerts))
	}
}

func TestHugeSnapLengthDoesNotAllocate(t *testing.T) {
	b, _ := os.ReadFile("testdata/planted_ethernet.pcap")
	b = bytes.Clone(b)
	binary.LittleEndian.PutUint32(b[16:20], 0xffffffff)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := readAll(b); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if d := after.TotalAlloc - before.TotalAlloc; d > 32<<20 {
		t.Fatalf("allocated %d bytes", d)
	}
	// A record claiming 4 GB: one sentence, no allocation.
	binary.LittleEndian.PutUint32(b[24+8:24+12], 0xfffffff0)
	if _, err := readAll(b); err == nil || !strings.Contains(err.Error(), "packet record 1") {
		t.Fatalf("err = %v", err)
	}
}

func TestPcapngImpossibleBlockLengths(t *testing.T) {
	orig, _ := os.ReadFile("testdata/planted_mixed.pcapng")
	shbLen := int(binary.LittleEndian.Uint32(orig[4:8]))
	idbLen := int(binary.LittleEndian.Uint32(orig[shbLen+4:]))
	epb := shbLen + idbLen
	for _, tc := range []struct {
		name string
		off  int
		v    uint32
		want string
	}{
		{"block length 0", epb + 4, 0, "impossible"},
		{"block length 2^32-1", epb + 4, 0xffffffff, "impossible"},
		{"captured length beyond block", epb + 20, 0xfffffff0, "longer than its block"},
		{"interface snap length 2^32-1", shbLen + 12, 0xffffffff, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := bytes.Clone(orig)
			binary.LittleEndian.PutUint32(b[tc.off:], tc.v)
			_, err := readAll(b)
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestPcapngEmptyOptionValueDoesNotPanic(t *testing.T) {
	// An interface block whose if_tsresol option (9) has no value: pcapgo
	// indexes value[0]; the reader turns that into an error.
	var b bytes.Buffer
	le := binary.LittleEndian
	w32 := func(v uint32) { binary.Write(&b, le, v) }
	w32(0x0a0d0d0a)
	w32(28)
	w32(0x1a2b3c4d)
	binary.Write(&b, le, uint16(1))
	binary.Write(&b, le, uint16(0))
	binary.Write(&b, le, int64(-1))
	w32(28)
	w32(1)
	w32(28)
	binary.Write(&b, le, uint16(1))
	binary.Write(&b, le, uint16(0))
	w32(65535)
	binary.Write(&b, le, uint16(9))
	binary.Write(&b, le, uint16(0))
	w32(0)
	w32(28)
	_, err := readAll(b.Bytes())
	t.Logf("err = %v", err) // any outcome but a panic
}

func TestClientHelloClaiming16MB(t *testing.T) {
	rec := []byte{0x16, 3, 1, 0x40, 0, 1, 0xff, 0xff, 0xff}
	if _, st := tlsRecordsSNI(rec); st != helloNotTLS {
		t.Fatalf("state %v", st)
	}
}

func TestDNSCompressionLoop(t *testing.T) {
	msg := []byte{0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1}
	if _, ok := parseDNS(msg); ok {
		t.Fatal("a self-pointing name was accepted")
	}
	// A chain of 40 pointers, each to the previous one.
	chain := []byte{0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 'a', 0}
	prev := 12
	for i := 0; i < 40; i++ {
		chain = append(chain, 0xc0, byte(prev))
		prev = len(chain) - 2
	}
	q := append(bytes.Clone(chain[:12]), chain[prev:prev+2]...)
	q = append(append(q, 0, 1, 0, 1), chain[12:]...)
	if _, ok := parseDNS(q); ok {
		t.Fatal("a 40-pointer chain was followed")
	}
}

// TestMillionHalfOpenFlows sends 10^6 SYNs to distinct ports: memory stays
// bounded by maxFlows and time stays linear.
func TestMillionHalfOpenFlows(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	a := NewAnalyzer("x", func(Event) {})
	src := netip.MustParseAddr("10.0.0.1")
	start := time.Now()
	for i := 0; i < 1_000_000; i++ {
		dst := netip.AddrFrom4([4]byte{10, 1, byte(i >> 16), byte(i >> 8)})
		pkt := tcpPacket(netip.AddrPortFrom(src, uint16(i)), netip.AddrPortFrom(dst, 443), uint32(i), flagSYN, nil)
		a.Packet(Packet{Data: pkt, Time: t0, LinkType: layers.LinkTypeRaw})
		if i%2 == 0 { // and half of them send a partial ClientHello
			a.Packet(Packet{Data: tcpPacket(netip.AddrPortFrom(src, uint16(i)), netip.AddrPortFrom(dst, 443), uint32(i)+1, flagACK, clientHello("x.example")[:40]), Time: t0, LinkType: layers.LinkTypeRaw})
		}
	}
	if n := len(a.flows.m); n > maxFlows {
		t.Fatalf("%d flows held", n)
	}
	if a.flows.buffered > maxBuffered {
		t.Fatalf("%d bytes buffered", a.flows.buffered)
	}
	t.Logf("10^6 half-open flows in %v", time.Since(start))
}

func TestOverlappingOutOfOrderSegments(t *testing.T) {
	hello := clientHello("overlap.evil-spy.example")
	cl, sv := netip.AddrPortFrom(phone4, 1234), netip.AddrPortFrom(cleanIP, 443)
	c := &conv{lt: layers.LinkTypeRaw, t: t0}
	c.add(tcpPacket(cl, sv, 99, flagSYN, nil))
	c.add(tcpPacket(cl, sv, 100+30, flagACK, hello[30:60]))
	c.add(tcpPacket(cl, sv, 100+50, flagACK, hello[50:]))
	c.add(tcpPacket(cl, sv, 100, flagACK, hello[:40])) // overlaps both
	c.add(tcpPacket(cl, sv, 100, flagACK, hello[:10])) // retransmission
	var got []string
	a := NewAnalyzer("x", func(e Event) {
		if e.Type == EventTLS {
			got = append(got, e.Name)
		}
	})
	for _, f := range c.frames {
		a.Packet(Packet{Data: f.b, Time: f.t, LinkType: f.lt})
	}
	if len(got) != 1 || got[0] != "overlap.evil-spy.example" {
		t.Fatalf("got %v", got)
	}
	_ = ioc.NewIndex
}
