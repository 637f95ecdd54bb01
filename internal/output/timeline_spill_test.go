package output

import (
	"cmp"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/module"
)

// TestCompareEventsOrder: the field-by-field comparison orders exactly as
// comparing all five fields with cmp.Or does.
func TestCompareEventsOrder(t *testing.T) {
	ref := func(a, b *event) int {
		return cmp.Or(cmp.Compare(a.Timestamp, b.Timestamp), cmp.Compare(a.job, b.job),
			cmp.Compare(a.Event, b.Event), cmp.Compare(a.Data, b.Data), cmp.Compare(a.Module, b.Module))
	}
	pick := func(r *rand.Rand, s ...string) string { return s[r.IntN(len(s))] }
	r := rand.New(rand.NewPCG(1, 2))
	ev := func() event {
		return event{job: r.IntN(3), TimelineEvent: module.TimelineEvent{
			Timestamp: pick(r, "", "2024-01-01 00:00:00.000000", "2024-01-01 00:00:00.000001", "2025"),
			Module:    pick(r, "SMS", "WhatsApp", ""), Event: pick(r, "sms_received", "sms_read", ""),
			Data: pick(r, "", "a", "ab", "b", "é"),
		}}
	}
	for i := 0; i < 20000; i++ {
		a, b := ev(), ev()
		if got, want := compareEvents(&a, &b), ref(&a, &b); got != want {
			t.Fatalf("compare(%+v, %+v) = %d, want %d", a, b, got, want)
		}
	}
}

// TestTimelineSpillErrorSurfaces: a run that cannot be written in the
// background is reported by the next add or by each, never lost.
func TestTimelineSpillErrorSurfaces(t *testing.T) {
	tl := &timeline{limit: 2, dir: filepath.Join(t.TempDir(), "missing")}
	defer tl.cleanup()
	var err error
	for i := 0; i < 10 && err == nil; i++ {
		err = tl.add(0, module.TimelineEvent{Timestamp: "t", Data: string(rune('a' + i))})
	}
	if err == nil {
		err = tl.each(func(*event) error { return nil })
	}
	if err == nil {
		t.Fatal("a run written to a missing folder reported no error")
	}
}

// TestTimelineMergesBackgroundRuns: events spilled while earlier runs are
// still being written all come out, once each, in order.
func TestTimelineMergesBackgroundRuns(t *testing.T) {
	tl := &timeline{limit: 5}
	defer tl.cleanup()
	r := rand.New(rand.NewPCG(3, 4))
	const n = 1000
	for i := 0; i < n; i++ {
		ts := r.IntN(n)
		ev := module.TimelineEvent{Timestamp: string(rune('0'+ts/100)) + string(rune('0'+ts/10%10)) + string(rune('0'+ts%10)), Data: string(rune('a' + i%26)), Module: "m"}
		if err := tl.add(i%2, ev); err != nil {
			t.Fatal(err)
		}
	}
	var got []event
	if err := tl.each(func(e *event) error { got = append(got, *e); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(tl.runs) < 100 {
		t.Fatalf("%d runs: the test does not exercise spilling", len(tl.runs))
	}
	for i := 1; i < len(got); i++ {
		if compareEvents(&got[i-1], &got[i]) >= 0 {
			t.Fatalf("event %d out of order or duplicated: %+v then %+v", i, got[i-1], got[i])
		}
	}
	// Exact duplicates (same job, time, data) are dropped; count the distinct ones.
	seen := map[event]bool{}
	r = rand.New(rand.NewPCG(3, 4))
	for i := 0; i < n; i++ {
		ts := r.IntN(n)
		seen[event{job: i % 2, TimelineEvent: module.TimelineEvent{Timestamp: string(rune('0'+ts/100)) + string(rune('0'+ts/10%10)) + string(rune('0'+ts%10)), Data: string(rune('a' + i%26)), Module: "m"}}] = true
	}
	if len(got) != len(seen) {
		t.Errorf("%d events out, want %d distinct", len(got), len(seen))
	}
}
