package ios

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
	"github.com/spyglass-forensics/spyglass/internal/timeutil"
)

var webkitSessionLogs = source.IOSQuery{
	DomainPaths:   []string{"AppDomain-com.apple.mobilesafari-Library/WebKit/WebsiteData/ResourceLoadStatistics/full_browsing_session_resourceLog.plist"},
	RelativePaths: []string{"Library/WebKit/WebsiteData/ResourceLoadStatistics/full_browsing_session_resourceLog.plist"},
	FSGlobs: []string{
		"private/var/mobile/Containers/Data/Application/*/SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData/full_browsing_session_resourceLog.plist",
		"private/var/mobile/Containers/Data/Application/*/Library/WebKit/WebsiteData/ResourceLoadStatistics/full_browsing_session_resourceLog.plist",
		"private/var/mobile/Library/WebClips/*/Storage/full_browsing_session_resourceLog.plist",
	},
}

// sessionResourceEntry is one origin of browsingStatistics. The list fields
// hold the plist's dicts ({"origin": …} or {"domain": …}), or "" when the
// key is absent, as MVT writes them.
type sessionResourceEntry struct {
	Origin                 string  `json:"origin"`
	RedirectSource         any     `json:"redirect_source"`
	RedirectDestination    any     `json:"redirect_destination"`
	SubframeUnderOrigin    any     `json:"subframe_under_origin"`
	SubresourceUnderOrigin any     `json:"subresource_under_origin"`
	UserInteraction        any     `json:"user_interaction"`
	MostRecentInteraction  *string `json:"most_recent_interaction"`
	LastSeen               *string `json:"last_seen"`
}

var heuristicSuspiciousRedirect = &alert.Heuristic{
	ID:    "ios.webkit_session_resource_log.suspicious_redirect",
	Title: "Browser redirect chain through a known malicious domain",
	Why: "WebKit recorded the browser being sent from one site to another, and one of the sites in " +
		"that chain is a known spyware domain. Exploit links typically bounce through several domains.",
	Action: "Read the chain in the alert and the times in the timeline; have an expert review the device.",
}

// WebkitSessionResourceLog reads the per-origin redirect and subresource
// statistics WebKit keeps for a browsing session.
type WebkitSessionResourceLog struct{}

// NewWebkitSessionResourceLog returns the webkit_session_resource_log module.
func NewWebkitSessionResourceLog() *WebkitSessionResourceLog { return &WebkitSessionResourceLog{} }

// Describe implements module.Module.
func (*WebkitSessionResourceLog) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "webkit_session_resource_log",
		MVTName:     "WebkitSessionResourceLog",
		Description: "WebKit browsing-session redirects between sites (full_browsing_session_resourceLog.plist)",
		Artifact:    "Redirects between sites while browsing (WebKit session log)",
		Evidence:    iosBoth,
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// Run implements module.Module. The results are a dict keyed by the log's
// path, as in MVT.
func (m *WebkitSessionResourceLog) Run(_ context.Context, in *module.Input, out module.Emitter) error {
	files, err := findAllByID(in, webkitSessionLogs, "WebKit full_browsing_session_resourceLog.plist")
	if err != nil {
		return err
	}
	results := map[string][]*sessionResourceEntry{}
	err = readEach(files, func(f source.IOSFile) error {
		b, err := readFile(in, f)
		if err != nil {
			return err
		}
		entries, err := parseSessionResourceLog(b)
		if err != nil {
			return fmt.Errorf("%s: %w", fileLabel(f), err)
		}
		results[f.Path] = entries
		for _, e := range entries {
			sessionResourceCheck(in.IOCs, e, out)
		}
		return nil
	})
	if len(results) > 0 {
		out.SetRecord(results)
	}
	return err
}

// parseSessionResourceLog decodes the plist's browsingStatistics list.
func parseSessionResourceLog(b []byte) ([]*sessionResourceEntry, error) {
	var d map[string]any
	if err := decodePlist(b, &d); err != nil {
		return nil, err
	}
	list, _ := d["browsingStatistics"].([]any)
	out := []*sessionResourceEntry{}
	for _, it := range list {
		item, ok := it.(map[string]any)
		if !ok {
			continue
		}
		get := func(k string) any {
			if v, ok := item[k]; ok {
				return plistJSONValue(v, 0)
			}
			return ""
		}
		origin, _ := item["PrevalentResourceOrigin"].(string)
		e := &sessionResourceEntry{
			Origin:                 origin,
			RedirectSource:         get("topFrameUniqueRedirectsFrom"),
			RedirectDestination:    get("topFrameUniqueRedirectsTo"),
			SubframeUnderOrigin:    get("subframeUnderTopFrameOrigins"),
			SubresourceUnderOrigin: get("subresourceUnderTopFrameOrigins"),
			UserInteraction:        plistJSONValue(item["hadUserInteraction"], 0),
			MostRecentInteraction:  plistDate(item["mostRecentUserInteraction"]),
			LastSeen:               plistDate(item["lastSeen"]),
		}
		out = append(out, e)
	}
	return out, nil
}

// plistDate renders a plist date (or an Apple absolute time number).
func plistDate(v any) *string {
	var s string
	switch x := v.(type) {
	case time.Time:
		s = timeutil.Format(x.Round(time.Microsecond))
	case float64, int64:
		s = macTimeMVT(x)
	case uint64:
		s = macTimeMVT(float64(x))
	default:
		return nil
	}
	return &s
}

// originsOf lists the "origin" and "domain" values of a redirect list.
func originsOf(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, it := range list {
		m, ok := it.(map[string]any)
		if !ok {
			continue
		}
		for _, k := range []string{"origin", "domain"} {
			if s, ok := m[k].(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// sessionResourceCheck matches the origin and the sites it was redirected
// from and to (CRITICAL); when the match sits in a redirect chain a HIGH
// alert spells the chain out.
func sessionResourceCheck(idx *ioc.Index, e *sessionResourceEntry, out module.Emitter) {
	src, dst := originsOf(e.RedirectSource), originsOf(e.RedirectDestination)
	var match *ioc.Match
	var hit string
	for _, d := range append(append([]string{e.Origin}, src...), dst...) {
		if d == "" {
			continue
		}
		if m := idx.CheckURL(d); m != nil {
			match, hit = m, d
			break
		}
	}
	if match == nil {
		return
	}
	when := strPtrText(e.LastSeen)
	out.Alert(iocAlert(alert.Critical, matchMessage(hit, match), when, e, match))
	if len(src) == 0 && len(dst) == 0 {
		return
	}
	var chain strings.Builder
	if len(src) > 0 {
		chain.WriteString("SOURCE: " + quoteAll(src) + " -> ")
	}
	fmt.Fprintf(&chain, "ORIGIN: %q", e.Origin)
	if len(dst) > 0 {
		chain.WriteString(" -> DESTINATION: " + quoteAll(dst))
	}
	out.Alert(heuristicAlert(alert.High, "Found HTTP redirect between suspicious domains: "+chain.String(), when, e, heuristicSuspiciousRedirect))
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// Recheck implements module.Rechecker. webkit_session_resource_log.json is
// a dict of lists; raw may be that dict or one entry of a list.
func (m *WebkitSessionResourceLog) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var byPath map[string][]*sessionResourceEntry
	if err := json.Unmarshal(raw, &byPath); err == nil && !bytesLooksLikeEntry(raw) {
		for _, k := range sortedKeys(byPath) {
			for _, e := range byPath[k] {
				sessionResourceCheck(idx, e, out)
			}
		}
		return nil
	}
	var e sessionResourceEntry
	if err := json.Unmarshal(raw, &e); err != nil {
		return fmt.Errorf("webkit_session_resource_log record: %w", err)
	}
	sessionResourceCheck(idx, &e, out)
	return nil
}

// bytesLooksLikeEntry tells an entry ({"origin": …}) from the dict of lists.
func bytesLooksLikeEntry(raw []byte) bool {
	var probe map[string]json.RawMessage
	if json.Unmarshal(raw, &probe) != nil {
		return false
	}
	_, ok := probe["origin"]
	return ok
}
