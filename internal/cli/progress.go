package cli

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/term"

	"github.com/spyglass-forensics/spyglass/internal/module"
)

// progress shows, once a second on a terminal, which modules are running,
// how many records each has read and how fast. It wraps the output sink so
// that modules need not know about it; command.log keeps the full story.
type progress struct {
	module.Sink
	w     io.Writer
	total int
	color bool

	mu      sync.Mutex
	running map[int]*counted
	done    int
	stop    chan struct{}
	stopped chan struct{}
}

// newProgress returns nil (no progress) unless w is a terminal and the user
// did not ask for quiet.
func newProgress(app *App, inner module.Sink, total int, quiet bool) *progress {
	if quiet || !isTerminal(app.Stderr) {
		return nil
	}
	return &progress{Sink: inner, w: app.Stderr, total: total, color: app.Getenv("NO_COLOR") == "",
		running: map[int]*counted{}, stop: make(chan struct{}), stopped: make(chan struct{})}
}

type counted struct {
	module.ModuleOutput
	name    string
	start   time.Time
	records atomic.Int64
	p       *progress
	job     int
}

func (c *counted) Record(r any) { c.records.Add(1); c.ModuleOutput.Record(r) }

func (c *counted) End(st *module.Status) error {
	c.p.mu.Lock()
	delete(c.p.running, c.job)
	c.p.done++
	c.p.mu.Unlock()
	return c.ModuleOutput.End(st)
}

// Begin implements module.Sink.
func (p *progress) Begin(job int, j module.Job) module.ModuleOutput {
	c := &counted{ModuleOutput: p.Sink.Begin(job, j), name: j.Module.Describe().Slug, start: time.Now(), p: p, job: job}
	p.mu.Lock()
	p.running[job] = c
	p.mu.Unlock()
	return c
}

func (p *progress) run() {
	defer close(p.stopped)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	shown := false
	for {
		select {
		case <-p.stop:
			if shown {
				fmt.Fprint(p.w, "\r\033[K")
			}
			return
		case <-t.C:
			fmt.Fprint(p.w, "\r\033[K"+p.line())
			shown = true
		}
	}
}

func (p *progress) line() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	jobs := make([]int, 0, len(p.running))
	for j := range p.running {
		jobs = append(jobs, j)
	}
	sort.Ints(jobs)
	var parts []string
	for _, j := range jobs {
		c := p.running[j]
		n := c.records.Load()
		rate := float64(n) / time.Since(c.start).Seconds()
		parts = append(parts, fmt.Sprintf("%s %d records (%.0f/s)", c.name, n, rate))
	}
	head := fmt.Sprintf("[%d/%d modules]", p.done, p.total)
	if p.color {
		head = "\033[1m" + head + "\033[0m"
	}
	return head + " " + strings.Join(parts, ", ")
}

func (p *progress) start() {
	if p != nil {
		go p.run()
	}
}

func (p *progress) finish() {
	if p != nil {
		close(p.stop)
		<-p.stopped
	}
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// lineClearing clears the progress line before each log line on a terminal,
// so the two never mix.
type lineClearing struct{ w io.Writer }

func (l lineClearing) Write(b []byte) (int, error) {
	if _, err := io.WriteString(l.w, "\r\033[K"); err != nil {
		return 0, err
	}
	return l.w.Write(b)
}
