package ios

import (
	"strings"
	"testing"
)

func TestBackupInfoFixture(t *testing.T) {
	c, err := runA(t, NewBackupInfo(), fixtureBackupA(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	rec, ok := c.Single.(*orderedMap)
	if !ok || len(c.Records) != 0 {
		t.Fatalf("backup_info must be one dict: single %T, %d list records", c.Single, len(c.Records))
	}
	// EXPECTED.md test_backup_info.py.
	if rec.get("Build Version") != "18C66" || rec.get("IMEI") != "42" {
		t.Errorf("Build Version %v IMEI %v", rec.get("Build Version"), rec.get("IMEI"))
	}
	if rec.get("Product Type") != "iPhone9,3" || rec.get("Product Version") != "14.3" {
		t.Errorf("product %v %v", rec.get("Product Type"), rec.get("Product Version"))
	}
	j := mustJSON(t, rec)
	if !strings.HasPrefix(j, `{"Build Version":"18C66","Device Name":`) || !strings.Contains(j, `"MEID":null`) {
		t.Errorf("json = %s", j)
	}
	// Not a backup: no data.
	d := dumpA(t, map[string][]byte{"Info.plist": []byte("<plist/>")})
	if _, err := runA(t, NewBackupInfo(), d, nil); !isNoData(err) {
		t.Errorf("dump: err = %v", err)
	}
	// Broken plist: an error naming the file.
	bad := dumpA(t, map[string][]byte{"Info.plist": []byte("<plist><dict><key>x</dict>")})
	if _, err := runA(t, NewBackupInfo(), backupView{IOS: bad}, nil); err == nil || !strings.Contains(err.Error(), "Info.plist") {
		t.Errorf("broken: err = %v", err)
	}
}
