package ios

import (
	"strings"
	"testing"
)

// The fixture backup has no call history: synthetic database with the real
// ZCALLRECORD layout (number stored as a blob, as iOS does).
func TestCalls(t *testing.T) {
	db := sqliteBytes(t,
		`CREATE TABLE ZCALLRECORD (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZANSWERED INTEGER, ZCALLTYPE INTEGER, ZORIGINATED INTEGER, ZDATE TIMESTAMP, ZDURATION FLOAT, ZLOCATION VARCHAR, ZSERVICE_PROVIDER VARCHAR, ZADDRESS BLOB)`,
		`INSERT INTO ZCALLRECORD (Z_PK, ZDATE, ZDURATION, ZLOCATION, ZSERVICE_PROVIDER, ZADDRESS) VALUES (1, 600000000.5, 42.0, 'Paris, France', 'com.apple.Telephony', CAST('+33100000000' AS BLOB))`,
		`INSERT INTO ZCALLRECORD (Z_PK, ZDATE, ZDURATION, ZLOCATION, ZSERVICE_PROVIDER, ZADDRESS) VALUES (2, NULL, 0, NULL, 'net.whatsapp.WhatsApp', NULL)`,
	)
	for _, src := range []struct {
		name string
		run  func() (int, int, string, error)
	}{
		{"dump", func() (int, int, string, error) {
			d := dumpA(t, map[string][]byte{"private/var/mobile/Library/CallHistoryDB/CallHistory.storedata": db})
			c, err := runA(t, NewCalls(), d, nil)
			if err != nil {
				return 0, 0, "", err
			}
			return len(c.Records), len(c.Events), mustJSON(t, c.Records[0]) + " " + c.Events[0].Data, nil
		}},
	} {
		r, ev, first, err := src.run()
		if err != nil {
			t.Fatalf("%s: %v", src.name, err)
		}
		if r != 2 || ev != 1 {
			t.Errorf("%s: R=%d T=%d, want 2/1", src.name, r, ev)
		}
		want := `{"isodate":"2020-01-06 10:40:00.500000","duration":42,"location":"Paris, France","number":"+33100000000","provider":"com.apple.Telephony"} Call +33100000000, duration 42 s, via com.apple.Telephony`
		if first != want {
			t.Errorf("%s:\n got %s\nwant %s", src.name, first, want)
		}
	}
	// The fixture backup has none: no data, not an error.
	if _, err := runA(t, NewCalls(), fixtureBackupA(t), nil); !isNoData(err) {
		t.Errorf("fixture: err = %v", err)
	}
	bad := dumpA(t, map[string][]byte{"private/var/mobile/Library/CallHistoryDB/CallHistory.storedata": []byte(strings.Repeat("junk", 100))})
	if _, err := runA(t, NewCalls(), bad, nil); err == nil || !strings.Contains(err.Error(), "CallHistory.storedata") {
		t.Errorf("corrupt: err = %v", err)
	}
}
