// Package logging sets up spyglass's two log streams: a short one on the
// console and a complete one in the results folder's command.log, in MVT's
// line format ("time - logger - LEVEL - message").
package logging

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
)

// Handler writes records as "2006-01-02 15:04:05,000 - spyglass.sms - INFO -
// message key=value". Attributes are appended as key=value pairs.
type Handler struct {
	mu     *sync.Mutex
	w      io.Writer
	level  slog.Leveler
	prefix string // the logger name: spyglass or spyglass.<module>
	attrs  []slog.Attr
	short  bool // console form: "LEVEL message" without time and logger
}

// NewFileHandler logs everything at level and above in MVT's format.
func NewFileHandler(w io.Writer, level slog.Leveler) *Handler {
	return &Handler{mu: &sync.Mutex{}, w: w, level: level, prefix: "spyglass"}
}

// NewConsoleHandler logs a short form for people watching the terminal.
func NewConsoleHandler(w io.Writer, level slog.Leveler) *Handler {
	return &Handler{mu: &sync.Mutex{}, w: w, level: level, prefix: "spyglass", short: true}
}

// Enabled implements slog.Handler.
func (h *Handler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level.Level() }

// Handle implements slog.Handler.
func (h *Handler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	name := h.prefix
	var rest []slog.Attr
	for _, a := range h.attrs {
		if a.Key == "module" {
			name = "spyglass." + Escape(a.Value.String())
			if h.short {
				rest = append(rest, a)
			}
			continue
		}
		rest = append(rest, a)
	}
	r.Attrs(func(a slog.Attr) bool { rest = append(rest, a); return true })
	if h.short {
		if r.Level != slog.LevelInfo {
			b.WriteString(r.Level.String())
			b.WriteString(": ")
		}
	} else {
		t := r.Time
		fmt.Fprintf(&b, "%s,%03d - %s - %s - ", t.Format("2006-01-02 15:04:05"), t.Nanosecond()/1e6, name, r.Level.String())
	}
	// Messages and values often quote the evidence (a device name, a file
	// name in a dump): both are escaped here, at the one sink every log line
	// goes through, so that no caller has to remember.
	b.WriteString(Escape(r.Message))
	for _, a := range rest {
		v := a.Value.Resolve().String()
		if strings.ContainsAny(v, " \t\n\"") {
			v = `"` + Escape(quoteInner.Replace(v)) + `"`
		} else {
			v = Escape(v)
		}
		fmt.Fprintf(&b, " %s=%s", Escape(a.Key), v)
	}
	b.WriteByte('\n')
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := io.WriteString(h.w, b.String())
	return err
}

// quoteInner escapes what would end or confuse a quoted value; Escape does
// the rest.
var quoteInner = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

// WithAttrs implements slog.Handler.
func (h *Handler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(append([]slog.Attr(nil), h.attrs...), as...)
	return &c
}

// WithGroup implements slog.Handler; groups are flattened.
func (h *Handler) WithGroup(string) slog.Handler { return h }

// Fanout sends each record to several handlers.
type Fanout []slog.Handler

// Enabled implements slog.Handler.
func (f Fanout) Enabled(ctx context.Context, l slog.Level) bool {
	for _, h := range f {
		if h.Enabled(ctx, l) {
			return true
		}
	}
	return false
}

// Handle implements slog.Handler.
func (f Fanout) Handle(ctx context.Context, r slog.Record) error {
	var first error
	for _, h := range f {
		if h.Enabled(ctx, r.Level) {
			if err := h.Handle(ctx, r.Clone()); err != nil && first == nil {
				first = err
			}
		}
	}
	return first
}

// WithAttrs implements slog.Handler.
func (f Fanout) WithAttrs(as []slog.Attr) slog.Handler {
	out := make(Fanout, len(f))
	for i, h := range f {
		out[i] = h.WithAttrs(as)
	}
	return out
}

// WithGroup implements slog.Handler.
func (f Fanout) WithGroup(n string) slog.Handler {
	out := make(Fanout, len(f))
	for i, h := range f {
		out[i] = h.WithGroup(n)
	}
	return out
}
