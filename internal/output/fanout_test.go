package output

import (
	"errors"
	"strconv"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/module"
)

func TestSortedFanOutKeepsOrderAcrossBatches(t *testing.T) {
	var got []string
	f := newSortedFanOut(func(ev module.TimelineEvent) error {
		got = append(got, ev.Data)
		return nil
	})
	n := 3*fanOutBatch + 17
	for i := range n {
		f.add(module.TimelineEvent{Data: strconv.Itoa(i)})
	}
	if err := f.close(); err != nil {
		t.Fatal(err)
	}
	if len(got) != n {
		t.Fatalf("got %d events, want %d", len(got), n)
	}
	for i, d := range got {
		if d != strconv.Itoa(i) {
			t.Fatalf("event %d is %q: order lost", i, d)
		}
	}
}

func TestSortedFanOutReportsFirstErrorWithoutBlocking(t *testing.T) {
	calls := 0
	boom := errors.New("disk full")
	f := newSortedFanOut(func(module.TimelineEvent) error {
		calls++
		if calls == 5 {
			return boom
		}
		return nil
	})
	// Many more events than the channel holds: the sender must not block
	// on a receiver that stopped working.
	for range 20 * fanOutBatch {
		f.add(module.TimelineEvent{})
	}
	if err := f.close(); !errors.Is(err, boom) {
		t.Fatalf("close = %v, want the first error", err)
	}
	if calls != 5 {
		t.Fatalf("fn called %d times after failing; want it to stop at 5", calls)
	}
}
