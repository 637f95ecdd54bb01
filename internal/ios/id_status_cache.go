package ios

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
)

// idStatusCachePlists are the cache's two homes: Preferences up to iOS 13,
// IdentityServices since (MVT reads the second on filesystem dumps only; a
// backup holding it is read too).
var idStatusCachePlists = source.IOSQuery{
	DomainPaths: []string{
		"HomeDomain-Library/Preferences/com.apple.identityservices.idstatuscache.plist",
		"HomeDomain-Library/IdentityServices/idstatuscache.plist",
	},
	FSGlobs: []string{
		"private/var/mobile/Library/Preferences/com.apple.identityservices.idstatuscache.plist",
		"private/var/mobile/Library/IdentityServices/idstatuscache.plist",
	},
}

// idStatusRecord is one lookup of an iMessage/FaceTime account, with MVT's
// field names. user is the looked-up URI ("mailto:…", "tel:…") with NUL
// bytes written as the four characters \x00.
type idStatusRecord struct {
	Package     string `json:"package"`
	User        string `json:"user"`
	ISODate     string `json:"isodate"`
	IDStatus    any    `json:"idstatus"`
	Occurrences int    `json:"occurrences"`
}

var heuristicIDStatusNulls = &alert.Heuristic{
	ID:    "ios.id_status_cache.null_bytes",
	Title: "Account lookup with hidden null characters",
	Why: "The phone looked up whether an account can receive iMessage or FaceTime, and the account " +
		"name holds invisible null characters. Normal contacts never do; crafted accounts like this " +
		"have been seen in attacks that deliver exploits through iMessage.",
	Action: "Note the date of the lookup and have an expert review the phone's activity around it.",
}

// IDStatusCache reads the cache of iMessage/FaceTime account lookups: who
// the phone checked, through which service and when.
type IDStatusCache struct{}

// NewIDStatusCache returns the id_status_cache module.
func NewIDStatusCache() *IDStatusCache { return &IDStatusCache{} }

// Describe implements module.Module.
func (*IDStatusCache) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "id_status_cache",
		MVTName:     "IDStatusCache",
		Description: "iMessage and FaceTime account lookups (identityservices idstatuscache.plist)",
		Artifact:    "iMessage and FaceTime account lookups",
		Evidence:    iosBoth,
		Sensitive:   module.Fields{"user": module.Phone},
		Version:     1,
	}
}

// Run implements module.Module.
func (m *IDStatusCache) Run(_ context.Context, in *module.Input, out module.Emitter) error {
	files, err := findAllByID(in, idStatusCachePlists, "idstatuscache.plist (HomeDomain Library/Preferences or Library/IdentityServices)")
	if err != nil {
		return err
	}
	var errs []error
	for _, f := range files {
		b, err := readFile(in, f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		recs, err := parseIDStatusCache(b)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", fileLabel(f), err))
			continue
		}
		for _, r := range recs {
			out.Record(r)
			out.Timeline(module.TimelineEvent{Timestamp: r.ISODate, Module: "IDStatusCache", Event: "lookup",
				Data: fmt.Sprintf("Lookup of %s within %s (Status %s)", r.User, r.Package, pyText(r.IDStatus))})
			idStatusCheck(in.IOCs, r, r.User, r.ISODate, out)
		}
		logger(in).Debug("extracted ID status cache entries", "file", fileLabel(f), "count", len(recs))
	}
	return errors.Join(errs...)
}

// parseIDStatusCache decodes {service: {uri: {"LookupDate": seconds since
// 2001, "IDStatus": n}}}. Services come in file order, URIs sorted. Values
// that are not dicts, and entries without both keys, are skipped as MVT
// skips them. occurrences counts the URI across the file.
func parseIDStatusCache(b []byte) ([]*idStatusRecord, error) {
	var d map[string]any
	if err := decodePlist(b, &d); err != nil {
		return nil, err
	}
	recs := []*idStatusRecord{}
	count := map[string]int{}
	for _, app := range plistKeysInOrder(b, d) {
		entries, ok := d[app].(map[string]any)
		if !ok {
			continue
		}
		for _, uri := range sortedKeys(entries) {
			e, ok := entries[uri].(map[string]any)
			if !ok {
				continue
			}
			date, okDate := e["LookupDate"]
			status, okStatus := e["IDStatus"]
			if !okDate || !okStatus {
				continue
			}
			r := &idStatusRecord{
				Package:  app,
				User:     strings.ReplaceAll(uri, "\x00", `\x00`),
				ISODate:  plistTimeText(date),
				IDStatus: plistJSONValue(status, 0),
			}
			count[r.User]++
			recs = append(recs, r)
		}
	}
	for _, r := range recs {
		r.Occurrences = count[r.User]
	}
	return recs, nil
}

// idStatusCheck matches a mailto: account against e-mail indicators
// (CRITICAL); otherwise an account holding two NUL bytes in a row is
// flagged (HIGH).
//
// Deliberate differences from MVT: the NUL check runs without indicators
// too (MVT skips every check when none are loaded), and alerts carry the
// lookup date (MVT leaves event_time empty).
func idStatusCheck(idx *ioc.Index, rec any, user, when string, out module.Emitter) {
	if strings.HasPrefix(user, "mailto:") {
		email := strings.Trim(user[len("mailto:"):], "'")
		if m := idx.CheckEmail(email); m != nil {
			out.Alert(iocAlert(alert.Critical, matchMessage(email, m), when, rec, m))
			return
		}
	}
	if strings.Contains(user, `\x00\x00`) {
		out.Alert(heuristicAlert(alert.High, "Found an ID Status Cache entry with suspicious patterns: "+user,
			when, rec, heuristicIDStatusNulls))
	}
}

// Recheck implements module.Rechecker on one record of id_status_cache.json.
func (m *IDStatusCache) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var rec struct {
		User    string `json:"user"`
		ISODate string `json:"isodate"`
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		return fmt.Errorf("id_status_cache record: %w", err)
	}
	idStatusCheck(idx, json.RawMessage(raw), rec.User, rec.ISODate, out)
	return nil
}
