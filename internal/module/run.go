package module

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"runtime/debug"
	"sync"
	"time"
)

// Job is one module to run on one input. A command usually runs every module
// of a platform on one input; nested evidence (the bugreport inside an
// AndroidQF acquisition) adds jobs with their own input.
type Job struct {
	Module Module
	Input  *Input
	// Group names the evidence the job reads ("androidqf", "bugreport"),
	// shown in logs and the summary when a command has nested evidence.
	Group string
}

// Outcome is how a module's run ended.
type Outcome string

// The outcomes a module can have.
const (
	OutcomeOK     Outcome = "ok"
	OutcomeNoData Outcome = "no_data"
	OutcomeFailed Outcome = "failed"
)

// Status reports one module's run, for the console, command.log and
// summary.json.
type Status struct {
	Name string
	// Module is the descriptor of the module that ran.
	Module   Descriptor
	Group    string
	Outcome  Outcome
	Reason   string // why no data, or the error
	Records  int
	Events   int
	Alerts   int
	Duration time.Duration
	// Stack is set when the module panicked; it goes to command.log only.
	Stack string
}

// Sink receives the output of each job. Begin is called from the job's
// goroutine; the returned ModuleOutput is used by that goroutine only.
type Sink interface {
	Begin(job int, j Job) ModuleOutput
}

// ModuleOutput is the Emitter of one job plus the end of its run.
type ModuleOutput interface {
	Emitter
	// End is called once after Run returns; it flushes the module's files
	// and fills the counts of st.
	End(st *Status) error
}

// Run runs jobs with at most workers in parallel (0 means GOMAXPROCS) and
// returns one Status per job, in job order. A module that fails or panics is
// reported and never stops the others. Cancelling ctx stops modules that
// honour it and skips those not started.
func Run(ctx context.Context, jobs []Job, sink Sink, workers int, log *slog.Logger) []Status {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	statuses := make([]Status, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				statuses[i] = runOne(ctx, i, jobs[i], sink, log)
			}
		}()
	}
	for _, i := range dispatchOrder(jobs) {
		next <- i
	}
	close(next)
	wg.Wait()
	return statuses
}

// dispatchOrder is the job indexes with large-artifact modules first, the
// rest in their order: a module whose artifact is typically the largest of
// the evidence (a million messages in sms.db) starts first, so that the
// longest module does not begin last and leave a core idle at the end;
// results keep the job order regardless.
func dispatchOrder(jobs []Job) []int {
	var first, rest []int
	for i, j := range jobs {
		if j.Module.Describe().Large {
			first = append(first, i)
		} else {
			rest = append(rest, i)
		}
	}
	return append(first, rest...)
}

func runOne(ctx context.Context, i int, j Job, sink Sink, log *slog.Logger) (st Status) {
	d := j.Module.Describe()
	st = Status{Name: d.Slug, Module: d, Group: j.Group}
	mlog := log.With("module", st.Name)
	if j.Group != "" {
		mlog = mlog.With("evidence", j.Group)
	}
	if err := ctx.Err(); err != nil {
		st.Outcome, st.Reason = OutcomeFailed, "not run: "+err.Error()
		return st
	}
	in := *j.Input
	in.Log = mlog
	out := sink.Begin(i, j)
	start := time.Now()
	err := protect(ctx, j.Module, &in, out, &st)
	st.Duration = time.Since(start)
	endErr := out.End(&st)
	switch {
	case err == nil:
		st.Outcome = OutcomeOK
	case errors.Is(err, ErrNoData):
		st.Outcome, st.Reason = OutcomeNoData, err.Error()
	default:
		st.Outcome, st.Reason = OutcomeFailed, err.Error()
	}
	if endErr != nil && st.Outcome != OutcomeFailed {
		st.Outcome, st.Reason = OutcomeFailed, "writing results: "+endErr.Error()
	}
	switch st.Outcome {
	case OutcomeOK:
		mlog.Info("module finished", "records", st.Records, "alerts", st.Alerts, "duration", st.Duration.Round(time.Millisecond))
	case OutcomeNoData:
		// Debug: the console shows it with -v only; command.log always.
		mlog.Debug("module has no data", "reason", st.Reason)
	default:
		mlog.Error("module failed", "reason", st.Reason)
		if st.Stack != "" {
			mlog.Debug("panic stack", "stack", st.Stack)
		}
	}
	return st
}

// protect runs the module and turns a panic into an error, so that a crafted
// artifact that trips a bug costs one module, not the run.
func protect(ctx context.Context, m Module, in *Input, out Emitter, st *Status) (err error) {
	defer func() {
		if r := recover(); r != nil {
			st.Stack = string(debug.Stack())
			err = fmt.Errorf("internal error while reading the artifact (please report it): %v", r)
		}
	}()
	return m.Run(ctx, in, out)
}
