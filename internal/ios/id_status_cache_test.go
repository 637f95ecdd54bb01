package ios

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"howett.net/plist"

	"github.com/spyglass-forensics/spyglass/internal/alert"
)

const idStatusRel = "Library/Preferences/com.apple.identityservices.idstatuscache.plist"

// idStatusCacheC1 is an idstatuscache.plist: iMessage (com.apple.madrid)
// and FaceTime (com.apple.ess) lookups, LookupDate in Apple absolute
// seconds. One account holds two NUL bytes; one entry lacks LookupDate and a
// top-level counter is not a dict (both skipped).
func idStatusCacheC1(t testing.TB) []byte {
	return plistC1(t, map[string]any{
		"com.apple.madrid": map[string]any{
			"mailto:foobar@example.org":          map[string]any{"LookupDate": 640000000.5, "IDStatus": 1},
			"tel:+14155550100":                   map[string]any{"LookupDate": 640000100.0, "IDStatus": 2},
			"mailto:x\x00\x00padding@icloud.com": map[string]any{"LookupDate": 640000200.0, "IDStatus": 2},
			"mailto:incomplete@example.net":      map[string]any{"IDStatus": 1},
		},
		"com.apple.ess": map[string]any{
			"tel:+14155550100": map[string]any{"LookupDate": 640000300.25, "IDStatus": 1},
		},
		"CacheVersion": 3,
	}, plist.BinaryFormat)
}

func TestIDStatusCache(t *testing.T) {
	// Listed in the fixture's Manifest.db, absent from its folder.
	if _, err := runA(t, NewIDStatusCache(), fixtureBackupA(t), nil); !isNoData(err) || !strings.Contains(err.Error(), "idstatuscache.plist") {
		t.Fatalf("fixture: err = %v", err)
	}
	bk := backupC1(t, backupFileC1{"HomeDomain", idStatusRel, idStatusCacheC1(t)})
	c := mustRunC1(t, NewIDStatusCache(), bk, nil)
	got := recordsJSONC1(t, c)
	// The binary plist writer sorts keys, so file order is alphabetical here.
	want := []string{
		`{"package":"com.apple.ess","user":"tel:+14155550100","isodate":"2021-04-13 09:51:40.250000","idstatus":1,"occurrences":2}`,
		`{"package":"com.apple.madrid","user":"mailto:foobar@example.org","isodate":"2021-04-13 09:46:40.500000","idstatus":1,"occurrences":1}`,
		`{"package":"com.apple.madrid","user":"mailto:x\\x00\\x00padding@icloud.com","isodate":"2021-04-13 09:50:00.000000","idstatus":2,"occurrences":1}`,
		`{"package":"com.apple.madrid","user":"tel:+14155550100","isodate":"2021-04-13 09:48:20.000000","idstatus":2,"occurrences":2}`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("records (-want +got):\n%s", diff)
	}
	if len(c.Events) != 4 || c.Events[1].Module != "IDStatusCache" || c.Events[1].Event != "lookup" ||
		c.Events[1].Timestamp != "2021-04-13 09:46:40.500000" ||
		c.Events[1].Data != "Lookup of mailto:foobar@example.org within com.apple.madrid (Status 1)" {
		t.Errorf("timeline = %+v", c.Events)
	}
	nul := `HIGH Found an ID Status Cache entry with suspicious patterns: mailto:x\x00\x00padding@icloud.com`
	// The NUL heuristic runs without indicators (MVT needs some loaded).
	if diff := cmp.Diff([]string{nul}, messagesC1(c)); diff != "" {
		t.Errorf("alerts without indicators (-want +got):\n%s", diff)
	}
	if a := c.Alerts[0]; a.Heuristic == nil || a.EventTime != "2021-04-13 09:50:00.000000" {
		t.Errorf("heuristic alert = %+v", a)
	}
	// MVT's test indicators hold the e-mail foobar@example.org.
	idx := indexA(t)
	c = mustRunC1(t, NewIDStatusCache(), bk, idx)
	wantIOC := []string{`CRITICAL Found a known suspicious email address foobar@example.org matching indicator "foobar@example.org" from "TestMalware"`, nul}
	if diff := cmp.Diff(wantIOC, messagesC1(c)); diff != "" {
		t.Errorf("alerts (-want +got):\n%s", diff)
	}
	if crit := c.AlertsAt(alert.Critical); len(crit) != 1 || crit[0].Indicator == nil || crit[0].Indicator.Type != "emails" {
		t.Errorf("critical = %+v", crit)
	}
	if diff := cmp.Diff(wantIOC, recheckC1(t, NewIDStatusCache(), c, idx)); diff != "" {
		t.Errorf("recheck (-want +got):\n%s", diff)
	}

	// A filesystem dump: both homes of the cache are read.
	newer := plistC1(t, map[string]any{"com.apple.madrid": map[string]any{
		"mailto:new@example.net": map[string]any{"LookupDate": 700000000, "IDStatus": 1}}}, plist.XMLFormat)
	d := dumpA(t, map[string][]byte{
		"private/var/mobile/Library/Preferences/com.apple.identityservices.idstatuscache.plist": idStatusCacheC1(t),
		"private/var/mobile/Library/IdentityServices/idstatuscache.plist":                       newer,
	})
	if c := mustRunC1(t, NewIDStatusCache(), d, nil); len(c.Records) != 5 {
		t.Errorf("dump: R=%d, want 5", len(c.Records))
	}
	bad := backupC1(t, backupFileC1{"HomeDomain", idStatusRel, []byte("<plist><dict><key>a</key>")})
	if _, err := runA(t, NewIDStatusCache(), bad, nil); err == nil || isNoData(err) || !strings.Contains(err.Error(), "idstatuscache.plist") {
		t.Errorf("corrupt: err = %v", err)
	}
}

func FuzzParseIDStatusCache(f *testing.F) {
	f.Add(idStatusCacheC1(f))
	f.Add(plistC1(f, map[string]any{"a": map[string]any{"mailto:b": map[string]any{"LookupDate": 1.5, "IDStatus": "x"}}}, plist.XMLFormat))
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, err := parseIDStatusCache(b)
		if err != nil {
			return
		}
		for _, r := range recs {
			discardC1{}.Record(r)
			idStatusCheck(nil, r, r.User, r.ISODate, discardC1{})
		}
	})
}
