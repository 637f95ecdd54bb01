package ios

import (
	"context"
	"fmt"
	"runtime/debug"
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
