package netcap

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// Captures is the evidence of check-pcap: capture files, read in order.
type Captures struct {
	Paths []string
}

// Modules returns the capture modules.
func Modules() []module.Module { return []module.Module{Traffic{}} }

// Traffic reads every capture once and records connections, DNS lookups,
// TLS/QUIC server names and HTTP requests.
type Traffic struct{}

// Describe implements module.Module.
func (Traffic) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "network_traffic",
		Description: "Connections, DNS lookups, TLS/QUIC server names and HTTP hosts in pcap/pcapng captures",
		Artifact:    "Network traffic captured from the device (pcap, pcapng)",
		Evidence:    []module.Evidence{module.NetworkCapture},
		Large:       true,
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// maxAlertKeys bounds the set used to raise one alert per value and kind.
const maxAlertKeys = 1 << 16

// Run implements module.Module.
func (m Traffic) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	caps, ok := in.Source.(*Captures)
	if !ok || caps == nil {
		return fmt.Errorf("this module needs captures, got %T", in.Source)
	}
	emit, events := emitter(in, out, "NetworkTraffic")
	var errs []error
	for _, p := range caps.Paths {
		a := NewAnalyzer(filepath.Base(p), emit)
		n, err := readCapture(ctx, p, a)
		switch {
		case errors.Is(err, ErrTruncated):
			if in.Log != nil {
				in.Log.Warn(fmt.Sprintf("%s: %v after %d packets; the packets before were analysed", p, err, n))
			}
		case err != nil:
			errs = append(errs, fmt.Errorf("%s: %w (after %d packets, which were analysed)", filepath.Base(p), err, n))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if *events == 0 {
		return module.NoData("no IP traffic in the captures")
	}
	return nil
}

// emitter returns the function that records an event, adds it to the
// timeline and raises one alert per file, kind and value, and the
// count of events.
func emitter(in *module.Input, out module.Emitter, display string) (func(Event), *int) {
	seen := map[string]bool{}
	events := 0
	return func(e Event) {
		events++
		out.Record(e)
		out.Timeline(module.TimelineEvent{Timestamp: e.Timestamp, Module: display, Event: e.Type, Data: e.Summary()})
		for _, al := range append(Check(in.IOCs, e), Heuristics(e)...) {
			key := e.Capture + "\x00" + al.Message
			if seen[key] {
				continue
			}
			if len(seen) < maxAlertKeys {
				seen[key] = true
			}
			out.Alert(al)
		}
	}, &events
}

// readCapture feeds one capture file to a.
func readCapture(ctx context.Context, path string, a *Analyzer) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	r, err := NewReader(f)
	if err != nil {
		return 0, err
	}
	for {
		p, err := r.Next()
		if err == io.EOF {
			return r.Count(), nil
		}
		if err != nil {
			return r.Count(), err
		}
		a.Packet(p)
		if r.Count()%4096 == 0 && ctx.Err() != nil {
			return r.Count(), ctx.Err()
		}
	}
}

// Summary is the event's one-line description for the timeline.
func (e Event) Summary() string {
	where := fmt.Sprintf("%s:%d -> %s:%d (%s)", e.SrcIP, e.SrcPort, e.DstIP, e.DstPort, e.Protocol)
	switch e.Type {
	case EventDNSQuery:
		return fmt.Sprintf("DNS query for %s, %s", e.Name, where)
	case EventDNSAnswer:
		return fmt.Sprintf("DNS answer for %s %v %v, %s", e.Name, e.Names, e.Addresses, where)
	case EventTLS:
		return fmt.Sprintf("TLS connection to %s, %s", e.Name, where)
	case EventQUIC:
		return fmt.Sprintf("QUIC connection to %s, %s", e.Name, where)
	case EventHTTP:
		return fmt.Sprintf("HTTP %s %s, %s", e.Method, e.URL, where)
	}
	return "Connection " + where
}

// Check matches an event against the indicators.
func Check(idx *ioc.Index, e Event) []alert.Alert {
	var out []alert.Alert
	add := func(what, v string, m *ioc.Match) {
		if m == nil {
			return
		}
		out = append(out, alert.Alert{
			Level:     alert.Critical,
			Message:   fmt.Sprintf("Found a known suspicious %s %q (%s) matching indicator %q from %q", what, v, e.Type, m.Value, m.Collection),
			EventTime: e.Timestamp, Event: e, Indicator: m.Indicator(),
		})
	}
	host := func(what, v string) {
		if v != "" {
			add(what, v, idx.CheckDomain(v))
		}
	}
	switch e.Type {
	case EventConnection:
		host("IP address", e.DstIP)
		host("IP address", e.SrcIP)
	case EventDNSQuery:
		host("domain", e.Name)
	case EventDNSAnswer:
		host("domain", e.Name)
		for _, n := range e.Names {
			host("domain", n)
		}
		for _, ip := range e.Addresses {
			host("IP address", ip)
		}
	case EventTLS, EventQUIC:
		host("server name", e.Name)
	case EventCertificate:
		host("certificate name", e.Name)
		for _, n := range e.Names {
			host("certificate name", n)
		}
	case EventHTTP:
		host("HTTP host", e.Name)
		if e.URL != "" {
			if m := idx.CheckURL(e.URL); m != nil && (m.Type == ioc.URLs) {
				add("URL", e.URL, m)
			}
		}
	}
	return out
}
