package ios

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const contactsRel = "Library/AddressBook/AddressBook.sqlitedb"

// addressBookC1 is an AddressBook.sqlitedb with the real ABPerson and
// ABMultiValue columns (a subset of ABPerson's): two people, three values
// (property 3 = phone, 4 = e-mail) and a NULL value, which is skipped.
func addressBookC1(t *testing.T) []byte {
	return sqliteBytes(t,
		`CREATE TABLE ABPerson (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, First TEXT, Last TEXT, Middle TEXT, FirstPhonetic TEXT, MiddlePhonetic TEXT, LastPhonetic TEXT, Organization TEXT, Department TEXT, Note TEXT, Kind INTEGER, Birthday TEXT, JobTitle TEXT, Nickname TEXT, Prefix TEXT, Suffix TEXT, FirstSort TEXT, LastSort TEXT, CreationDate INTEGER, ModificationDate INTEGER)`,
		`CREATE TABLE ABMultiValue (UID INTEGER PRIMARY KEY, record_id INTEGER, property INTEGER, identifier INTEGER, label INTEGER, value TEXT, guid TEXT)`,
		`INSERT INTO ABPerson (ROWID, First, Last, Middle, Organization, CreationDate) VALUES (1, 'Alice', 'Example', NULL, 'Example Org', 600000000)`,
		`INSERT INTO ABPerson (ROWID, First, Last, Middle, Organization) VALUES (2, 'Bob', 'Sample', 'J', NULL)`,
		`INSERT INTO ABMultiValue VALUES (1, 2, 3, 0, 1, '+14155550101', 'g1')`,
		`INSERT INTO ABMultiValue VALUES (2, 1, 3, 0, 1, '+14155550100', 'g2')`,
		`INSERT INTO ABMultiValue VALUES (3, 1, 4, 1, 2, 'alice@example.org', 'g3')`,
		`INSERT INTO ABMultiValue VALUES (4, 1, 22, 2, 3, NULL, 'g4')`,
	)
}

func TestContacts(t *testing.T) {
	// MVT's fixture lists AddressBook.sqlitedb in Manifest.db but does not
	// hold the file.
	if _, err := runA(t, NewContacts(), fixtureBackupA(t), nil); !isNoData(err) || !strings.Contains(err.Error(), "AddressBook.sqlitedb") {
		t.Fatalf("fixture: err = %v, want no data naming AddressBook.sqlitedb", err)
	}
	// Key names and order as MVT's records have them (SQLite names the
	// unaliased person.first after its declaration, "First").
	want := []string{
		`{"value":"+14155550100","First":"Alice","Middle":null,"Last":"Example","Organization":"Example Org"}`,
		`{"value":"alice@example.org","First":"Alice","Middle":null,"Last":"Example","Organization":"Example Org"}`,
		`{"value":"+14155550101","First":"Bob","Middle":"J","Last":"Sample","Organization":null}`,
	}
	db := addressBookC1(t)
	for _, src := range []struct {
		name string
		c    func() []string
	}{
		{"backup", func() []string {
			return recordsJSONC1(t, mustRunC1(t, NewContacts(), backupC1(t, backupFileC1{"HomeDomain", contactsRel, db}), nil))
		}},
		{"dump", func() []string {
			d := dumpA(t, map[string][]byte{"private/var/mobile/Library/AddressBook/AddressBook.sqlitedb": db})
			c := mustRunC1(t, NewContacts(), d, nil)
			if len(c.Events) != 0 || len(c.Alerts) != 0 {
				t.Errorf("T=%d A=%d, want 0/0 (MVT has neither)", len(c.Events), len(c.Alerts))
			}
			return recordsJSONC1(t, c)
		}},
	} {
		if diff := cmp.Diff(want, src.c()); diff != "" {
			t.Errorf("%s: records (-want +got):\n%s", src.name, diff)
		}
	}
	other := sqliteBytes(t, `CREATE TABLE ABStore (ROWID INTEGER PRIMARY KEY)`, `CREATE TABLE Contacts (id)`)
	_, err := runA(t, NewContacts(), backupC1(t, backupFileC1{"HomeDomain", contactsRel, other}), nil)
	if err == nil || isNoData(err) || !strings.Contains(err.Error(), "tables found: ABStore, Contacts") || !strings.Contains(err.Error(), "AddressBook.sqlitedb") {
		t.Errorf("unknown schema: err = %v", err)
	}
	_, err = runA(t, NewContacts(), backupC1(t, backupFileC1{"HomeDomain", contactsRel, []byte(strings.Repeat("x", 4096))}), nil)
	if err == nil || isNoData(err) || !strings.Contains(err.Error(), "AddressBook.sqlitedb") {
		t.Errorf("corrupt: err = %v", err)
	}
}
