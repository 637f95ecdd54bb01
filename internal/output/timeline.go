package output

import (
	"bufio"
	"cmp"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/spyglass-forensics/spyglass/internal/module"
)

// spillAt is how many timeline events are held in memory before a sorted run
// is written to a temporary file. It bounds memory on cases with millions of
// messages (about 100 MB at this size) while keeping small runs in memory.
const spillAt = 250_000

// event is a timeline row with what orders it: time, then the job's place in
// the module list, then the row's content (so the order is deterministic
// though modules run concurrently).
type event struct {
	job int
	module.TimelineEvent
}

func compareEvents(a, b *event) int {
	return cmp.Or(
		cmp.Compare(a.Timestamp, b.Timestamp),
		cmp.Compare(a.job, b.job),
		cmp.Compare(a.Event, b.Event),
		cmp.Compare(a.Data, b.Data),
		cmp.Compare(a.Module, b.Module),
	)
}

// timeline gathers every module's events and writes them sorted and without
// per-module duplicates (MVT deduplicates each module's timeline). Beyond
// spillAt events it sorts what it holds into a run on disk and merges the
// runs at the end: memory stays bounded whatever the evidence size.
type timeline struct {
	dir  string // private temporary folder for runs
	mem  []event
	runs []string
	n    int
	// limit overrides spillAt (tests use a small one).
	limit int
}

func (t *timeline) add(job int, ev module.TimelineEvent) error {
	t.mem = append(t.mem, event{job: job, TimelineEvent: ev})
	t.n++
	limit := t.limit
	if limit == 0 {
		limit = spillAt
	}
	if len(t.mem) >= limit {
		return t.spill()
	}
	return nil
}

func (t *timeline) spill() error {
	if t.dir == "" {
		d, err := os.MkdirTemp("", "spyglass-timeline-")
		if err != nil {
			return fmt.Errorf("creating a temporary folder for the timeline: %w", err)
		}
		t.dir = d
	}
	slices.SortFunc(t.mem, func(a, b event) int { return compareEvents(&a, &b) })
	name := filepath.Join(t.dir, fmt.Sprintf("run-%04d", len(t.runs)))
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for i := range t.mem {
		writeEvent(w, &t.mem[i])
	}
	if err := errors.Join(w.Flush(), f.Close()); err != nil {
		return fmt.Errorf("writing a timeline run: %w", err)
	}
	t.runs = append(t.runs, name)
	t.mem = t.mem[:0]
	return nil
}

// cleanup removes the temporary runs.
func (t *timeline) cleanup() {
	if t.dir != "" {
		os.RemoveAll(t.dir)
	}
}

// each calls fn for every event in order, skipping exact duplicates of the
// same job.
func (t *timeline) each(fn func(*event) error) error {
	slices.SortFunc(t.mem, func(a, b event) int { return compareEvents(&a, &b) })
	h := &mergeHeap{}
	var files []*os.File
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	for _, name := range t.runs {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		files = append(files, f)
		src := &runReader{r: bufio.NewReaderSize(f, 256<<10)}
		if err := src.next(); err == nil {
			heap.Push(h, src)
		} else if err != io.EOF {
			return err
		}
	}
	memSrc := &runReader{mem: t.mem, memPos: -1}
	if err := memSrc.next(); err == nil {
		heap.Push(h, memSrc)
	}
	var last *event
	var lastCopy event
	for h.Len() > 0 {
		src := (*h)[0]
		cur := src.cur
		if last == nil || compareEvents(&cur, last) != 0 {
			if err := fn(&cur); err != nil {
				return err
			}
			lastCopy = cur
			last = &lastCopy
		}
		if err := src.next(); err == io.EOF {
			heap.Pop(h)
		} else if err != nil {
			return err
		} else {
			heap.Fix(h, 0)
		}
	}
	return nil
}

func writeEvent(w *bufio.Writer, e *event) {
	var b [binary.MaxVarintLen64]byte
	w.Write(b[:binary.PutUvarint(b[:], uint64(e.job))])
	for _, s := range []string{e.Timestamp, e.Module, e.Event, e.Data} {
		w.Write(b[:binary.PutUvarint(b[:], uint64(len(s)))])
		w.WriteString(s)
	}
}

// runReader yields the events of one sorted run, from disk or memory.
type runReader struct {
	r      *bufio.Reader
	mem    []event
	memPos int
	cur    event
}

func (s *runReader) next() error {
	if s.r == nil {
		s.memPos++
		if s.memPos >= len(s.mem) {
			return io.EOF
		}
		s.cur = s.mem[s.memPos]
		return nil
	}
	job, err := binary.ReadUvarint(s.r)
	if err != nil {
		return err
	}
	var f [4]string
	for i := range f {
		n, err := binary.ReadUvarint(s.r)
		if err != nil {
			return io.ErrUnexpectedEOF
		}
		buf := make([]byte, n)
		if _, err := io.ReadFull(s.r, buf); err != nil {
			return io.ErrUnexpectedEOF
		}
		f[i] = string(buf)
	}
	s.cur = event{job: int(job), TimelineEvent: module.TimelineEvent{Timestamp: f[0], Module: f[1], Event: f[2], Data: f[3]}}
	return nil
}

type mergeHeap []*runReader

func (h mergeHeap) Len() int           { return len(h) }
func (h mergeHeap) Less(i, j int) bool { return compareEvents(&h[i].cur, &h[j].cur) < 0 }
func (h mergeHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *mergeHeap) Push(x any)        { *h = append(*h, x.(*runReader)) }
func (h *mergeHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
