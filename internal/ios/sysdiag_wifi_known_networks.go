package ios

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
	"github.com/spyglass-forensics/spyglass/internal/timeutil"
)

// com.apple.wifi.known-networks.plist (iOS 14 and later; a sysdiagnose
// copies it under WiFi/) lists the Wi-Fi networks the phone remembers,
// keyed "wifi.network.ssid.<name>", each a dictionary with SSID (bytes),
// AddedAt, JoinedBySystemAt, JoinedByUserAt, UpdatedAt, LastDiscoveredAt
// (dates), AddReason and, when an app added it, BundleID. Key names from
// plaso's ios_wifi_known_networks plugin and iLEAPP's wifi parser. The
// dates place the phone at a network over time, for the timeline; the
// bundle id is checked against indicators.
var wifiKnownNetworksFiles = source.IOSQuery{FSGlobs: []string{
	"WiFi/com.apple.wifi.known-networks.plist",
	"logs/WiFi/com.apple.wifi.known-networks.plist",
}}

const maxWiFiPlist = 32 << 20

// knownNetwork is one remembered network.
type knownNetwork struct {
	SSID             string `json:"ssid"`
	AddedAt          string `json:"added_at,omitempty"`
	JoinedBySystemAt string `json:"joined_by_system_at,omitempty"`
	JoinedByUserAt   string `json:"joined_by_user_at,omitempty"`
	UpdatedAt        string `json:"updated_at,omitempty"`
	LastDiscoveredAt string `json:"last_discovered_at,omitempty"`
	AddReason        string `json:"add_reason,omitempty"`
	BundleID         string `json:"bundle_id,omitempty"`
}

type plistKnownNetwork struct {
	SSID             []byte    `plist:"SSID"`
	AddedAt          time.Time `plist:"AddedAt"`
	JoinedBySystemAt time.Time `plist:"JoinedBySystemAt"`
	JoinedByUserAt   time.Time `plist:"JoinedByUserAt"`
	UpdatedAt        time.Time `plist:"UpdatedAt"`
	LastDiscoveredAt time.Time `plist:"LastDiscoveredAt"`
	AddReason        any       `plist:"AddReason"`
	BundleID         string    `plist:"BundleID"`
}

// WiFiKnownNetworks reads the remembered Wi-Fi networks.
type WiFiKnownNetworks struct{}

// NewWiFiKnownNetworks returns the wifi_known_networks module.
func NewWiFiKnownNetworks() *WiFiKnownNetworks { return &WiFiKnownNetworks{} }

// Describe implements module.Module.
func (*WiFiKnownNetworks) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "wifi_known_networks",
		Description: "Remembered Wi-Fi networks with when they were added and last joined, for the timeline; the app that added one is checked against indicators",
		Artifact:    "Remembered Wi-Fi networks and when they were joined",
		Evidence:    sysdiagnoseOnly,
		// A network name can say where someone lives or works.
		Sensitive: module.Fields{"ssid": module.Name},
		Version:   1,
	}
}

// Run implements module.Module.
func (m *WiFiKnownNetworks) Run(_ context.Context, in *module.Input, out module.Emitter) error {
	f, err := findOne(in, wifiKnownNetworksFiles, "the known Wi-Fi networks (WiFi/com.apple.wifi.known-networks.plist)")
	if err != nil {
		return err
	}
	src, err := iosSource(in)
	if err != nil {
		return err
	}
	fh, err := src.FS().Open(f.Path)
	if err != nil {
		return fmt.Errorf("%s: %w", f.Path, err)
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, maxWiFiPlist+1))
	if err != nil {
		return fmt.Errorf("%s: %w", f.Path, err)
	}
	if len(b) > maxWiFiPlist {
		return fmt.Errorf("%s is larger than %d MiB, far more than a list of networks; it was not read", f.Path, maxWiFiPlist>>20)
	}
	var raw map[string]plistKnownNetwork
	if err := decodePlist(b, &raw); err != nil {
		return fmt.Errorf("%s is not a readable property list: %w", f.Path, err)
	}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		n := toKnownNetwork(k, raw[k])
		out.Record(n)
		for _, ev := range []struct{ when, what string }{
			{n.AddedAt, "added"}, {n.JoinedByUserAt, "joined by the user"}, {n.JoinedBySystemAt, "joined automatically"},
		} {
			if ev.when != "" {
				out.Timeline(module.TimelineEvent{Timestamp: ev.when, Module: "wifi_known_networks", Event: "wifi_" + strings.ReplaceAll(ev.what, " ", "_"),
					Data: fmt.Sprintf("Wi-Fi network %q %s", n.SSID, ev.what)})
			}
		}
		wifiCheck(in.IOCs, n, out)
	}
	if len(keys) == 0 {
		return module.NoData("%s lists no network", f.Path)
	}
	return nil
}

func toKnownNetwork(key string, p plistKnownNetwork) *knownNetwork {
	n := &knownNetwork{SSID: strings.ToValidUTF8(string(p.SSID), "?"), BundleID: p.BundleID}
	if n.SSID == "" {
		n.SSID = strings.TrimPrefix(key, "wifi.network.ssid.")
	}
	if p.AddReason != nil {
		n.AddReason = fmt.Sprint(p.AddReason)
	}
	for _, d := range []struct {
		t   time.Time
		dst *string
	}{{p.AddedAt, &n.AddedAt}, {p.JoinedBySystemAt, &n.JoinedBySystemAt}, {p.JoinedByUserAt, &n.JoinedByUserAt}, {p.UpdatedAt, &n.UpdatedAt}, {p.LastDiscoveredAt, &n.LastDiscoveredAt}} {
		if !d.t.IsZero() {
			*d.dst = timeutil.Format(d.t.UTC())
		}
	}
	return n
}

func wifiCheck(idx *ioc.Index, n *knownNetwork, out module.Emitter) {
	if n.BundleID == "" {
		return
	}
	if m := idx.CheckAppID(n.BundleID); m != nil {
		out.Alert(iocAlert(alert.Critical,
			fmt.Sprintf("Wi-Fi network %q was added by the app %s, which matches the indicator %q from %q", n.SSID, n.BundleID, m.Value, m.Collection),
			n.AddedAt, n, m))
	}
}

// Recheck implements module.Rechecker on one record of wifi_known_networks.json.
func (m *WiFiKnownNetworks) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var n knownNetwork
	if err := json.Unmarshal(raw, &n); err != nil {
		return fmt.Errorf("wifi_known_networks record: %w", err)
	}
	wifiCheck(idx, &n, out)
	return nil
}
