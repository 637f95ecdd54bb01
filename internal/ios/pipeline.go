package ios

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/spyglass-forensics/spyglass/internal/source"
	"github.com/spyglass-forensics/spyglass/internal/sqlitedb"
)

// pipelineBatch is how many rows travel together between the goroutines;
// batching keeps the channel's cost per row negligible.
const pipelineBatch = 256

// pipeline runs consume on a goroutine of its own, fed in order with the
// rows produce yields. On a large database the module's two halves — SQLite
// decoding rows, and records being checked, encoded and written — then run
// on both cores instead of one after the other (a million-message sms.db
// takes half the time). Memory stays bounded by a few batches.
//
// A panic in consume is turned into an error, as the run loop does for the
// module's own goroutine, so crafted evidence cannot crash the process here.
func pipeline(ctx context.Context, produce func(yield func(*sqlRow) error) error, consume func(*sqlRow) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []*sqlRow, 8)
	done := make(chan error, 1)
	go func() {
		var err error
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("internal error while reading the artifact (please report it): %v\n%s", r, debug.Stack())
			}
			if err != nil {
				cancel()
				for range batches { // let the producer finish its send
				}
			}
			done <- err
		}()
		for batch := range batches {
			for _, r := range batch {
				if err = consume(r); err != nil {
					return
				}
			}
		}
	}()
	batch := make([]*sqlRow, 0, pipelineBatch)
	perr := produce(func(r *sqlRow) error {
		batch = append(batch, r)
		if len(batch) == pipelineBatch {
			select {
			case batches <- batch:
			case <-ctx.Done():
				return ctx.Err()
			}
			batch = make([]*sqlRow, 0, pipelineBatch)
		}
		return nil
	})
	if perr == nil && len(batch) > 0 {
		select {
		case batches <- batch:
		case <-ctx.Done():
		}
	}
	close(batches)
	cerr := <-done
	if cerr != nil {
		return cerr
	}
	return perr
}

// streamRowsDirect is streamRows reading through sqlitedb's Stream, which
// skips database/sql and SQLite's per-call connection mutex: for the
// modules whose tables reach millions of rows (sms: 80 columns per
// message). The records are the same; a query Stream cannot read exactly as
// the driver would goes through streamRows instead.
//
// prep, if not nil, runs on the reading goroutine before fn: work that only
// transforms a row (derived fields, its JSON) moves off fn's goroutine, which
// is the slower of the two on a big sms.db.
func streamRowsDirect(ctx context.Context, db *sqlitedb.DB, f source.IOSFile, query string, prep func(*sqlRow), fn func(*sqlRow) error) error {
	err := pipeline(ctx, func(yield func(*sqlRow) error) error {
		var shared *keyList
		var quoted [][]byte
		err := db.Stream(ctx, query, 4, func(cols []string, vals []any) error {
			if shared == nil {
				shared = &keyList{keys: append(make([]string, 0, len(cols)+8), cols...)}
				quoted = quoteKeys(cols)
			}
			// Rows share the column names (and what prep adds, through
			// shared); the full-capacity slice makes any other addition
			// copy them first.
			r := &sqlRow{keys: shared.keys[:len(cols):len(cols)], vals: vals, shared: shared, quoted: quoted}
			if prep != nil {
				prep(r)
			}
			r.shared = nil // fn runs on another goroutine
			return yield(r)
		})
		if err != nil && !errors.Is(err, sqlitedb.ErrStreamUnsupported) && ctx.Err() == nil {
			return fmt.Errorf("%s: %w", fileLabel(f), err)
		}
		return err
	}, fn)
	if errors.Is(err, sqlitedb.ErrStreamUnsupported) {
		// Returned before any row: nothing was passed to fn yet.
		return streamRows(ctx, db, f, query, func(r *sqlRow) error {
			if prep != nil {
				prep(r)
			}
			return fn(r)
		})
	}
	return err
}
