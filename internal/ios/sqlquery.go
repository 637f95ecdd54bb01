package ios

import (
	"context"
	"fmt"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/source"
	"github.com/spyglass-forensics/spyglass/internal/sqlitedb"
)

// sqlCol is one output column of a module query: the SQL expression, the
// record key (MVT's name), and the "table.column" it needs. Columns whose
// source is missing in an older or newer schema are left out instead of
// failing the whole query, which is how one query covers every iOS version.
type sqlCol struct {
	expr, alias, needs string
}

// buildSelect keeps the columns the schema has and returns the SELECT list.
func buildSelect(s *sqlitedb.Schema, cols []sqlCol) (string, int) {
	var parts []string
	missing := 0
	for _, c := range cols {
		ok := true
		for _, n := range strings.Split(c.needs, ",") {
			if n != "" && !s.Has(n) {
				ok = false
			}
		}
		if !ok {
			missing++
			continue
		}
		parts = append(parts, c.expr+` AS "`+c.alias+`"`)
	}
	return strings.Join(parts, ", "), missing
}

// streamRows runs query and calls fn for each row, in order, without
// holding the rows; fn runs on a second goroutine (see pipeline).
func streamRows(ctx context.Context, db *sqlitedb.DB, f source.IOSFile, query string, fn func(*sqlRow) error) error {
	return pipeline(ctx, func(yield func(*sqlRow) error) error {
		rows, err := db.QueryContext(ctx, query)
		if err != nil {
			return fmt.Errorf("%s: %w", fileLabel(f), err)
		}
		defer rows.Close()
		sc, err := newRowScanner(rows)
		if err != nil {
			return fmt.Errorf("%s: %w", fileLabel(f), err)
		}
		for rows.Next() {
			r, err := sc.scan(rows, 4)
			if err != nil {
				return fmt.Errorf("%s: %w", fileLabel(f), err)
			}
			if err := yield(r); err != nil {
				return err
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("%s: %w", fileLabel(f), err)
		}
		return nil
	}, fn)
}
