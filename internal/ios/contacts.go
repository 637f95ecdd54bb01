package ios

import (
	"context"

	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
	"github.com/spyglass-forensics/spyglass/internal/sqlitedb"
)

var contactsDB = source.IOSQuery{
	DomainPaths: []string{"HomeDomain-Library/AddressBook/AddressBook.sqlitedb"},
	FSGlobs:     []string{"private/var/mobile/Library/AddressBook/AddressBook.sqlitedb"},
}

// The address book layout has been the same since iOS 4: people in
// ABPerson, their phone numbers, e-mail addresses and URLs in ABMultiValue.
var contactsVariants = []sqlitedb.Variant{
	{Name: "ABPerson with ABMultiValue", Requires: []string{
		"ABPerson.First", "ABPerson.Middle", "ABPerson.Last", "ABPerson.Organization",
		"ABMultiValue.record_id", "ABMultiValue.value",
	}},
}

// contactsQuery gives one row per value (number, address, URL) of each
// person. The column names are the ones MVT's records carry: SQLite names
// an unaliased column after its declaration, so "First", "Middle"… keep
// their capital.
const contactsQuery = `SELECT multi.value AS "value", person.First AS "First", person.Middle AS "Middle",
	person.Last AS "Last", person.Organization AS "Organization"
	FROM ABPerson person, ABMultiValue multi
	WHERE person.ROWID = multi.record_id AND multi.value IS NOT NULL
	ORDER BY person.ROWID, multi.ROWID`

// Contacts reads the phone's address book (AddressBook.sqlitedb). MVT keeps
// it to put names on numbers; it runs no check on it, and neither does
// spyglass.
type Contacts struct{}

// NewContacts returns the contacts module.
func NewContacts() *Contacts { return &Contacts{} }

// Describe implements module.Module.
func (*Contacts) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "contacts",
		MVTName:     "Contacts",
		Description: "Address book contacts and their numbers and addresses (AddressBook.sqlitedb)",
		Artifact:    "Address book (AddressBook.sqlitedb)",
		Evidence:    iosBoth,
		Sensitive:   module.Fields{"value": module.Phone, "First": module.Name, "Middle": module.Name, "Last": module.Name, "Organization": module.Name},
		Version:     1,
	}
}

// Run implements module.Module.
func (*Contacts) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	f, err := findOneByID(in, contactsDB, "AddressBook.sqlitedb (HomeDomain Library/AddressBook)")
	if err != nil {
		return err
	}
	db, err := openDB(in, f)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := pickSchema(in, db, f, contactsVariants...); err != nil {
		return err
	}
	n := 0
	err = streamRows(ctx, db, f, contactsQuery, func(r *sqlRow) error {
		out.Record(r)
		n++
		return nil
	})
	logger(in).Debug("extracted contacts", "file", fileLabel(f), "values", n)
	return err
}
