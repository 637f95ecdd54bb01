package sqlitedb

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// ErrUnknownSchema means none of the schema variants a module knows matched
// the database.
var ErrUnknownSchema = errors.New("unknown schema")

// Tables lists the database's tables, sorted.
func Tables(db *DB) ([]string, error) {
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("listing tables: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("listing tables: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// Columns lists a table's column names in declaration order; a missing table
// gives an empty list.
func Columns(db *DB, table string) ([]string, error) {
	rows, err := db.Query(`SELECT name FROM pragma_table_info(?)`, table)
	if err != nil {
		return nil, fmt.Errorf("listing columns of %s: %w", table, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("listing columns of %s: %w", table, err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// Schema is what a module knows about the tables of one artifact.
type Schema struct {
	tables map[string]map[string]bool
	names  []string
	// notTables are the views and virtual tables, by lower-case name,
	// with the sentence refusing them (guard.go).
	notTables map[string]string
}

// ReadSchema loads every table with its columns (case-insensitively).
func ReadSchema(db *DB) (*Schema, error) {
	names, err := Tables(db)
	if err != nil {
		return nil, err
	}
	s := &Schema{tables: map[string]map[string]bool{}, names: names, notTables: db.policy.notTables()}
	for _, t := range names {
		cols, err := Columns(db, t)
		if err != nil {
			return nil, err
		}
		m := map[string]bool{}
		for _, c := range cols {
			m[strings.ToLower(c)] = true
		}
		s.tables[strings.ToLower(t)] = m
	}
	return s, nil
}

// Has reports whether the schema has "table" or "table.column".
func (s *Schema) Has(req string) bool {
	t, c, hasCol := strings.Cut(strings.ToLower(req), ".")
	cols, ok := s.tables[t]
	if !ok {
		return false
	}
	return !hasCol || cols[c]
}

// Tables lists the table names, sorted.
func (s *Schema) Tables() []string { return s.names }

// Variant is one known layout of an artifact's database.
type Variant struct {
	// Name says which layout it is ("iOS 14+").
	Name string
	// Requires lists "table" or "table.column" that must all exist.
	Requires []string
}

// Pick returns the first variant whose requirements the schema meets, or an
// ErrUnknownSchema listing the tables found.
func (s *Schema) Pick(variants ...Variant) (Variant, error) {
	for _, v := range variants {
		ok := true
		for _, r := range v.Requires {
			if !s.Has(r) {
				ok = false
				break
			}
		}
		if ok {
			return v, nil
		}
	}
	// A view or virtual table standing where a variant needs a table is
	// the file's author at work: say so rather than "unknown schema".
	for _, v := range variants {
		for _, r := range v.Requires {
			t, _, _ := strings.Cut(strings.ToLower(r), ".")
			if why, ok := s.notTables[t]; ok {
				return Variant{}, fmt.Errorf("%w: %s; spyglass does not run it", ErrCrafted, why)
			}
		}
	}
	tables := append([]string(nil), s.names...)
	sort.Strings(tables)
	found := strings.Join(tables, ", ")
	if found == "" {
		found = "none"
	}
	return Variant{}, fmt.Errorf("%w: tables found: %s", ErrUnknownSchema, found)
}

// PickVariant reads db's schema and picks the first matching variant.
func PickVariant(db *DB, variants ...Variant) (Variant, error) {
	s, err := ReadSchema(db)
	if err != nil {
		return Variant{}, err
	}
	return s.Pick(variants...)
}
