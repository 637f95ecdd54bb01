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

// ConnectEvent analyses connect_event entries {event_time (ms), ip_address
// ("host/ip"), port, package_name}.
type ConnectEvent struct{}

// Describe implements module.Module.
func (ConnectEvent) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "connect_event",
		MVTName:     "ConnectEvent",
		Description: "Network connections recorded by Android intrusion logging (connect_event)",
		Artifact:    "Network connections (intrusion logging)",
		Evidence:    []module.Evidence{module.IntrusionLogs},
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// Run implements module.Module.
func (m ConnectEvent) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	return runType(ctx, in, "connect_event", 1e3, false, func(e Event) error {
		out.Record(e)
		out.Timeline(module.TimelineEvent{
			Timestamp: e.Timestamp, Module: "ConnectEvent", Event: "network_connection",
			Data: fmt.Sprintf("Connection to %s:%s by %s", connectIP(e), str(e.Fields["port"]), str(e.Fields["package_name"])),
		})
		m.check(in.IOCs, e, out)
		return nil
	})
}

// connectIP takes the address out of Android's "hostname/address" text.
func connectIP(e Event) string {
	a := str(e.Fields["ip_address"])
	if i := strings.LastIndex(a, "/"); i >= 0 {
		return a[i+1:]
	}
	return a
}

// Recheck implements module.Rechecker.
func (m ConnectEvent) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var e Event
	if err := json.Unmarshal(raw, &e); err != nil {
		return fmt.Errorf("connect_event record: %w", err)
	}
	m.check(idx, e, out)
	return nil
}

func (ConnectEvent) check(idx *ioc.Index, e Event, out module.Emitter) {
	crit := func(what, v string, match *ioc.Match) {
		out.Alert(alert.Alert{Level: alert.Critical, Message: iocMessage(what, v, match), EventTime: e.Timestamp, Event: e, Indicator: match.Indicator()})
	}
	switch ip := connectIP(e); ip {
	case "", "::1", "127.0.0.1", "0.0.0.0":
	default:
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
