package module

import (
	"sync"

	"github.com/spyglass-forensics/spyglass/internal/alert"
)

// Collector is an Emitter that keeps everything in memory. Tests use it to
// assert on a module's output; it is also handy for small nested runs.
type Collector struct {
	mu      sync.Mutex
	Module  string
	Records []any
	Single  any
	Events  []TimelineEvent
	Alerts  []alert.Alert
	URLs    []URL
}

// Record implements Emitter.
func (c *Collector) Record(rec any) {
	c.mu.Lock()
	c.Records = append(c.Records, rec)
	c.mu.Unlock()
}

// SetRecord implements Emitter.
func (c *Collector) SetRecord(v any) {
	c.mu.Lock()
	c.Single = v
	c.mu.Unlock()
}

// Timeline implements Emitter.
func (c *Collector) Timeline(ev TimelineEvent) {
	c.mu.Lock()
	c.Events = append(c.Events, ev)
	c.mu.Unlock()
}

// Alert implements Emitter.
func (c *Collector) Alert(a alert.Alert) {
	c.mu.Lock()
	if a.Module == "" {
		a.Module = c.Module
	}
	c.Alerts = append(c.Alerts, a)
	c.mu.Unlock()
}

// URL implements Emitter.
func (c *Collector) URL(u URL) {
	c.mu.Lock()
	c.URLs = append(c.URLs, u)
	c.mu.Unlock()
}

// AlertsAt returns the alerts of one level.
func (c *Collector) AlertsAt(l alert.Level) []alert.Alert {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []alert.Alert
	for _, a := range c.Alerts {
		if a.Level == l {
			out = append(out, a)
		}
	}
	return out
}
