package intrusionlogs

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// DNSEvent analyses dns_event entries {event_time (ms), hostname,
// ip_addresses, package_name}.
type DNSEvent struct{}

// Describe implements module.Module.
func (DNSEvent) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "dns_event",
		MVTName:     "DnsEvent",
		Description: "DNS lookups recorded by Android intrusion logging (dns_event)",
		Artifact:    "Internet name lookups (intrusion logging)",
		Evidence:    []module.Evidence{module.IntrusionLogs},
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// Run implements module.Module.
func (m DNSEvent) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	return runType(ctx, in, "dns_event", 1e3, false, func(e Event) error {
		out.Record(e)
		ips := cleanIPs(strs(e.Fields["ip_addresses"]))
		data := fmt.Sprintf("DNS query for %s by %s", str(e.Fields["hostname"]), str(e.Fields["package_name"]))
		if len(ips) > 0 {
			data += " [IPs: " + strings.Join(ips, ", ") + "]"
		}
		out.Timeline(module.TimelineEvent{Timestamp: e.Timestamp, Module: "DnsEvent", Event: "dns_query", Data: data})
		m.check(in.IOCs, e, out)
		return nil
	})
}

// cleanIPs strips the leading "/" Android's InetAddress text carries and
// drops the 0.0.0.0 of a blocked lookup.
func cleanIPs(in []string) []string {
	var out []string
	for _, ip := range in {
		ip = strings.TrimLeft(ip, "/")
		if ip != "" && ip != "0.0.0.0" {
			out = append(out, ip)
		}
	}
	return out
}

// Recheck implements module.Rechecker.
func (m DNSEvent) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var e Event
	if err := json.Unmarshal(raw, &e); err != nil {
		return fmt.Errorf("dns_event record: %w", err)
	}
	m.check(idx, e, out)
	return nil
}

func (DNSEvent) check(idx *ioc.Index, e Event, out module.Emitter) {
	crit := func(what, v string, match *ioc.Match) {
		out.Alert(alert.Alert{Level: alert.Critical, Message: iocMessage(what, v, match), EventTime: e.Timestamp, Event: e, Indicator: match.Indicator()})
	}
	if h := str(e.Fields["hostname"]); h != "" {
		if match := idx.CheckDomain(h); match != nil {
			crit("domain", h, match)
		}
	}
	for _, ip := range cleanIPs(strs(e.Fields["ip_addresses"])) {
		if match := idx.CheckDomain(ip); match != nil {
			crit("IP address", ip, match)
		}
	}
	if p := str(e.Fields["package_name"]); p != "" {
		if match := idx.CheckAppID(p); match != nil {
			crit("app", p, match)
		}
	}
}

// iocMessage is the sentence of an indicator alert.
func iocMessage(what, value string, m *ioc.Match) string {
	return fmt.Sprintf("Found a known suspicious %s %q matching indicator %q from %q", what, value, m.Value, m.Collection)
}
