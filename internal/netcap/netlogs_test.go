package netcap

import (
	"context"
	"slices"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/module"
)

func TestNetLogsFindEveryForm(t *testing.T) {
	c := &module.Collector{}
	err := Logs{}.Run(context.Background(), &module.Input{Source: &NetLogs{Paths: []string{"testdata/netlogs"}}, IOCs: testIndex(t)}, c)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, a := range c.Alerts {
		got[a.Event.(Event).Capture+" "+a.Indicator.Value] = true
	}
	for _, want := range []string{
		"dns.log evil-spy.example", "dns.log badcdn.example", // query, CNAME
		"ssl.log evil-spy.example", "http.log evil-spy.example",
		"conn.log 203.0.113.66", "conn.log 2001:db8:bad::66",
		"x509.log badcdn.example",
		"eve.json evil-spy.example", "eve.json badcdn.example", "eve.json 203.0.113.66",
	} {
		if !got[want] {
			t.Errorf("no alert %q; got %v", want, got)
		}
	}
	var names []string
	for _, r := range c.Records {
		e := r.(Event)
		names = append(names, e.Name)
		if e.Timestamp == "" {
			t.Errorf("event without time: %+v", e)
		}
	}
	for _, want := range []string{"www.wikipedia.org", "quic.evil-spy.example", "api.evil-spy.example"} {
		if !slices.Contains(names, want) {
			t.Errorf("no record of %s in %v", want, names)
		}
	}
	first := c.Records[0].(Event)
	if first.Timestamp != "2026-03-01 10:00:00.012345" && first.Timestamp != "2026-03-01 10:00:10.123456" {
		t.Errorf("first timestamp %q", first.Timestamp)
	}
}

func FuzzNetLogLine(f *testing.F) {
	f.Add("dns", "1772359200.0\tx\t1.2.3.4\t1\t5.6.7.8\t53\tudp\tq.example")
	f.Add("eve", `{"event_type":"dns","dns":{"rrname":"a"}}`)
	f.Fuzz(func(t *testing.T, kind, line string) {
		z := &zeekTSV{sep: "\t", fields: map[string]int{"ts": 0, "id.orig_h": 2, "query": 7, "answers": 8}}
		z.line(kind, line)
		zeekJSON(kind, line)
		eveEvent(line)
	})
}
