package netcap

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

func testIndex(t *testing.T) *ioc.Index {
	t.Helper()
	idx := ioc.NewIndex()
	if err := idx.LoadFile("testdata/indicators.stix2"); err != nil {
		t.Fatal(err)
	}
	return idx
}

func runTraffic(t *testing.T, idx *ioc.Index, paths ...string) (*module.Collector, error) {
	t.Helper()
	c := &module.Collector{}
	err := Traffic{}.Run(context.Background(), &module.Input{Source: &Captures{Paths: paths}, IOCs: idx}, c)
	return c, err
}

func events(c *module.Collector) []Event {
	var out []Event
	for _, r := range c.Records {
		out = append(out, r.(Event))
	}
	return out
}

// plantedForms are the values each planted capture must alert on: every
// form of every indicator.
var plantedForms = []string{
	"api.evil-spy.example",        // DNS query: subdomain, upper case, trailing dot
	"edge.tracker.badcdn.example", // CNAME target
	"x.tracker.badcdn.example",    // CNAME of an innocent name
	"login.evil-spy.example",      // SNI split over 3 segments
	"m.tracker.badcdn.example",    // SNI over IPv6, segments out of order
	"www.evil-spy.example",        // HTTP Host
	"203.0.113.66",                // IPv4-only connection
	"2001:db8:bad::66",            // IPv6-only connection
	"tcp.evil-spy.example",        // DNS over TCP
	"q.evil-spy.example",          // QUIC Initial SNI
	"mail.tracker.badcdn.example", // TLS 1.2 server certificate
}

func alertValues(c *module.Collector) []string {
	var out []string
	for _, a := range c.Alerts {
		if a.Indicator == nil {
			continue
		}
		e := a.Event.(Event)
		v := e.Name
		if e.Type == EventConnection {
			v = e.DstIP
		}
		if e.Type == EventDNSAnswer {
			for _, n := range append([]string{e.Name}, e.Names...) {
				if strings.Contains(a.Message, `"`+n+`"`) {
					v = n
				}
			}
		}
		out = append(out, v)
	}
	return out
}

func TestPlantedIndicatorsFoundInEveryForm(t *testing.T) {
	idx := testIndex(t)
	for _, f := range []string{"planted_ethernet.pcap", "planted_sll.pcap", "planted_sll2.pcap", "planted_raw.pcap", "planted_mixed.pcapng"} {
		t.Run(f, func(t *testing.T) {
			c, err := runTraffic(t, idx, "testdata/"+f)
			if err != nil {
				t.Fatal(err)
			}
			got := alertValues(c)
			for _, want := range plantedForms {
				if !slices.Contains(got, want) {
					t.Errorf("no alert for %s; alerts on %v", want, got)
				}
			}
			for _, a := range c.Alerts {
				if a.Heuristic != nil {
					continue
				}
				if a.Level != alert.Critical || a.Indicator == nil || a.Indicator.Name != "TestSpy" {
					t.Errorf("alert %+v", a)
				}
			}
		})
	}
}

func TestCleanTwinRaisesNoAlert(t *testing.T) {
	c, err := runTraffic(t, testIndex(t), "testdata/clean_ethernet.pcap")
	if err != nil {
		t.Fatal(err)
	}
	if v := alertValues(c); len(v) != 0 {
		t.Fatalf("clean capture raised indicator alerts on %v", v)
	}
	// Only the self-signed certificate heuristic may speak, at LOW.
	for _, a := range c.Alerts {
		if a.Heuristic == nil || a.Heuristic.ID != "netcap.tls.self_signed" || a.Level != alert.Low {
			t.Errorf("unexpected alert %+v", a)
		}
	}
	if len(c.Records) < 10 || len(c.Events) != len(c.Records) {
		t.Fatalf("%d records, %d timeline events", len(c.Records), len(c.Events))
	}
}

func TestEventsCarryCaptureTimesAndEndpoints(t *testing.T) {
	c, err := runTraffic(t, ioc.NewIndex(), "testdata/planted_ethernet.pcap")
	if err != nil {
		t.Fatal(err)
	}
	ev := events(c)
	first := ev[0]
	want := Event{Timestamp: "2026-03-01 10:00:00.010000", Type: EventConnection, Capture: "planted_ethernet.pcap", Protocol: "udp",
		SrcIP: "192.168.1.23", SrcPort: 40001, DstIP: "192.168.1.1", DstPort: 53}
	if first.Timestamp != want.Timestamp || first.SrcIP != want.SrcIP || first.DstPort != want.DstPort || first.Type != want.Type {
		t.Fatalf("first event %+v, want %+v", first, want)
	}
	var http *Event
	for i := range ev {
		if ev[i].Type == EventHTTP {
			http = &ev[i]
		}
	}
	if http == nil || http.URL != "http://www.evil-spy.example/c2/beacon?id=1" || http.Method != "GET" {
		t.Fatalf("http event %+v", http)
	}
}

// TestMatchesTshark compares the names extracted with Debian's tshark
// reading the same files.
func TestMatchesTshark(t *testing.T) {
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("tshark is not installed (apt-get install tshark); skipping the comparison")
	}
	for _, f := range []string{"planted_ethernet.pcap", "planted_sll.pcap", "planted_sll2.pcap", "planted_raw.pcap", "planted_mixed.pcapng", "clean_ethernet.pcap"} {
		t.Run(f, func(t *testing.T) {
			out, err := exec.Command("tshark", "-o", "tcp.reassemble_out_of_order:TRUE", "-r", "testdata/"+f, "-T", "fields",
				"-e", "dns.qry.name", "-e", "tls.handshake.extensions_server_name", "-e", "http.host", "-e", "x509ce.dNSName").Output()
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, l := range strings.Split(string(out), "\n") {
				for _, v := range strings.Split(l, "\t") {
					for _, n := range strings.Split(v, ",") {
						if n = strings.TrimSuffix(strings.ToLower(n), "."); n != "" && !slices.Contains(want, n) {
							want = append(want, n)
						}
					}
				}
			}
			c, err := runTraffic(t, ioc.NewIndex(), "testdata/"+f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range events(c) {
				if e.Name != "" && e.Type != EventConnection && !slices.Contains(got, e.Name) {
					got = append(got, e.Name)
				}
			}
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Fatalf("spyglass %v\ntshark   %v", got, want)
			}
		})
	}
}

func TestNotACapture(t *testing.T) {
	p := t.TempDir() + "/x.pcap"
	os.WriteFile(p, []byte("hello world, not a capture"), 0o600)
	_, err := runTraffic(t, ioc.NewIndex(), p)
	if err == nil || !strings.Contains(err.Error(), "not a pcap or pcapng capture") {
		t.Fatalf("err = %v", err)
	}
}

// TestGzipCaptures: gzip-compressed pcap and pcapng give the same events.
func TestGzipCaptures(t *testing.T) {
	for _, f := range []string{"planted_ethernet.pcap", "planted_mixed.pcapng"} {
		raw, err := os.ReadFile("testdata/" + f)
		if err != nil {
			t.Fatal(err)
		}
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		zw.Write(raw)
		zw.Close()
		p := filepath.Join(t.TempDir(), f+".gz")
		os.WriteFile(p, z.Bytes(), 0o600)
		plain, err1 := runTraffic(t, ioc.NewIndex(), "testdata/"+f)
		gz, err2 := runTraffic(t, ioc.NewIndex(), p)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if len(gz.Records) != len(plain.Records) || len(gz.Records) == 0 {
			t.Fatalf("%s: %d events from gzip, %d plain", f, len(gz.Records), len(plain.Records))
		}
	}
}
