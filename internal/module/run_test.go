package module

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/ioc"
)

type fake struct {
	name string
	run  func(ctx context.Context, out Emitter) error
}

func (f fake) Describe() Descriptor { return Descriptor{Slug: f.name, Description: "reads x"} }
func (f fake) Run(ctx context.Context, _ *Input, out Emitter) error {
	return f.run(ctx, out)
}

// collectSink gives each job a Collector.
type collectSink struct {
	mu   sync.Mutex
	outs map[int]*endCollector
}

type endCollector struct{ Collector }

func (e *endCollector) End(st *Status) error {
	st.Records = len(e.Records)
	return nil
}

func (s *collectSink) Begin(job int, j Job) ModuleOutput {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &endCollector{Collector{Module: j.Module.Describe().Slug}}
	s.outs[job] = c
	return c
}

func TestRunContainsFailuresAndKeepsOrder(t *testing.T) {
	var running, peak atomic.Int32
	slow := func(name string, records int) Module {
		return fake{name, func(ctx context.Context, out Emitter) error {
			if n := running.Add(1); n > peak.Load() {
				peak.Store(n)
			}
			defer running.Add(-1)
			time.Sleep(10 * time.Millisecond)
			for i := 0; i < records; i++ {
				out.Record(i)
			}
			return nil
		}}
	}
	jobs := []Job{
		{Module: slow("a", 2), Input: &Input{}},
		{Module: fake{"absent", func(context.Context, Emitter) error { return NoData("x.db not found") }}, Input: &Input{}},
		{Module: fake{"broken", func(context.Context, Emitter) error { return errors.New("x.db: not a database") }}, Input: &Input{}},
		{Module: fake{"panics", func(context.Context, Emitter) error { panic("boom") }}, Input: &Input{}},
		{Module: slow("b", 3), Input: &Input{}},
		{Module: slow("c", 1), Input: &Input{}},
	}
	sink := &collectSink{outs: map[int]*endCollector{}}
	st := Run(context.Background(), jobs, sink, 2, nil)
	want := []struct {
		name    string
		outcome Outcome
		records int
	}{{"a", OutcomeOK, 2}, {"absent", OutcomeNoData, 0}, {"broken", OutcomeFailed, 0}, {"panics", OutcomeFailed, 0}, {"b", OutcomeOK, 3}, {"c", OutcomeOK, 1}}
	for i, w := range want {
		if st[i].Name != w.name || st[i].Outcome != w.outcome || st[i].Records != w.records {
			t.Errorf("status %d = %+v, want %+v", i, st[i], w)
		}
	}
	if st[3].Stack == "" {
		t.Error("panic stack not kept")
	}
	if p := peak.Load(); p > 2 {
		t.Errorf("%d modules ran at once with 2 workers", p)
	}
}

func TestRunSkipsJobsAfterCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	st := Run(ctx, []Job{{Module: fake{"x", func(context.Context, Emitter) error { ran = true; return nil }}, Input: &Input{}}},
		&collectSink{outs: map[int]*endCollector{}}, 1, nil)
	if ran || st[0].Outcome != OutcomeFailed {
		t.Errorf("ran=%v status=%+v", ran, st[0])
	}
}

type recheckable struct{ fake }

func (recheckable) Recheck(_ context.Context, _ *ioc.Index, raw []byte, out Emitter) error {
	out.Record(string(raw))
	return nil
}

func TestRenamedKeepsBehaviour(t *testing.T) {
	m := Renamed(recheckable{fake{"dumpsys_appops", nil}}, "bugreport_dumpsys_appops", "")
	if d := m.Describe(); d.Slug != "bugreport_dumpsys_appops" || d.Description != "reads x" {
		t.Errorf("descriptor %+v", d)
	}
	var c Collector
	if err := m.(Rechecker).Recheck(context.Background(), nil, []byte("r"), &c); err != nil || len(c.Records) != 1 {
		t.Errorf("recheck: %v %v", err, c.Records)
	}
}

type large struct{ fake }

func (l large) Describe() Descriptor { d := l.fake.Describe(); d.Large = true; return d }

// Large-artifact modules start first; results keep the job order.
func TestRunStartsLargeArtifactsFirst(t *testing.T) {
	var order []string
	var mu sync.Mutex
	mk := func(name string) fake {
		return fake{name, func(context.Context, Emitter) error {
			mu.Lock()
			order = append(order, name)
			mu.Unlock()
			return nil
		}}
	}
	jobs := []Job{{Module: mk("a"), Input: &Input{}}, {Module: mk("b"), Input: &Input{}}, {Module: large{mk("big")}, Input: &Input{}}}
	st := Run(context.Background(), jobs, &collectSink{outs: map[int]*endCollector{}}, 1, nil)
	if order[0] != "big" {
		t.Errorf("start order %v", order)
	}
	if st[0].Name != "a" || st[2].Name != "big" {
		t.Errorf("statuses not in job order: %v %v %v", st[0].Name, st[1].Name, st[2].Name)
	}
}
