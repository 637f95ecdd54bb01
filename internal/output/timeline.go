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
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/module"
)

// spillAt is how many timeline events are held in memory before a sorted run
// is written to a temporary file. It bounds memory on cases with millions of
// messages while keeping small runs in memory; two batches may be in memory
// at once (one being written in the background), about 100 MB at this size.
const spillAt = 150_000

// event is a timeline row with what orders it: time, then the job's place in
// the module list, then the row's content (so the order is deterministic
// though modules run concurrently).
type event struct {
	job int
	module.TimelineEvent
}

// compareEvents orders by time, job, event, data, module. The fields are
// compared one after the other, only while equal (cmp.Or would compare all
// five strings every time: a third of the sort's cost on a large case).
func compareEvents(a, b *event) int {
	if c := strings.Compare(a.Timestamp, b.Timestamp); c != 0 {
		return c
	}
	if c := cmp.Compare(a.job, b.job); c != 0 {
		return c
	}
	if c := strings.Compare(a.Event, b.Event); c != 0 {
		return c
	}
	if c := strings.Compare(a.Data, b.Data); c != 0 {
		return c
	}
	return strings.Compare(a.Module, b.Module)
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
	// spilling is the run being sorted and written on a goroutine of its
	// own, so that the module adding events (the sms module, holding the
	// writer's lock) does not wait for it; nil when none is. Memory holds at
	// most two batches.
	spilling chan spillResult
}

// spillResult is what a background spill hands back: its run's file, the
// batch (emptied, for reuse) and any error.
type spillResult struct {
	name string
	buf  []event
	err  error
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

// spill starts writing what memory holds as a sorted run, after the
// previous spill has finished.
func (t *timeline) spill() error {
	free, err := t.wait()
	if err != nil {
		return err
	}
	if t.dir == "" {
		d, err := os.MkdirTemp("", "spyglass-timeline-")
		if err != nil {
			return fmt.Errorf("creating a temporary folder for the timeline: %w", err)
		}
		t.dir = d
	}
	name := filepath.Join(t.dir, fmt.Sprintf("run-%04d", len(t.runs)))
	t.runs = append(t.runs, name)
	batch := t.mem
	t.mem = free
	done := make(chan spillResult, 1)
	t.spilling = done
	go func() {
		done <- spillResult{name: name, buf: batch[:0], err: writeRun(name, batch)}
	}()
	return nil
}

// wait lets a background spill finish; it returns its emptied batch.
func (t *timeline) wait() ([]event, error) {
	if t.spilling == nil {
		return nil, nil
	}
	r := <-t.spilling
	t.spilling = nil
	clear(r.buf[:cap(r.buf)]) // drop the strings it held
	return r.buf, r.err
}

// writeRun sorts batch and writes it to a new file name.
func writeRun(name string, batch []event) error {
	slices.SortFunc(batch, func(a, b event) int { return compareEvents(&a, &b) })
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("writing a timeline run: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for i := range batch {
		writeEvent(w, &batch[i])
	}
	if err := errors.Join(w.Flush(), f.Close()); err != nil {
		return fmt.Errorf("writing a timeline run: %w", err)
	}
	return nil
}

// cleanup removes the temporary runs.
func (t *timeline) cleanup() {
	t.wait()
	if t.dir != "" {
		os.RemoveAll(t.dir)
	}
}

// each calls fn for every event in order, skipping exact duplicates of the
// same job.
func (t *timeline) each(fn func(*event) error) error {
	if _, err := t.wait(); err != nil {
		return err
	}
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
	// scratch holds the fields of the event being read.
	scratch []byte
}

// maxRunField bounds a field length read back from a run (a run is our own
// file, but a corrupted one must not make us allocate without limit).
const maxRunField = 1 << 30

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
	// The four fields are read into a reused buffer and become one string
	// that they slice: one allocation per event instead of eight.
	var ends [4]int
	s.scratch = s.scratch[:0]
	for i := range ends {
		n, err := binary.ReadUvarint(s.r)
		if err != nil || n > maxRunField {
			return io.ErrUnexpectedEOF
		}
		start := len(s.scratch)
		s.scratch = slices.Grow(s.scratch, int(n))[:start+int(n)]
		if _, err := io.ReadFull(s.r, s.scratch[start:]); err != nil {
			return io.ErrUnexpectedEOF
		}
		ends[i] = len(s.scratch)
	}
	all := string(s.scratch)
	s.cur = event{job: int(job), TimelineEvent: module.TimelineEvent{
		Timestamp: all[:ends[0]], Module: all[ends[0]:ends[1]], Event: all[ends[1]:ends[2]], Data: all[ends[2]:ends[3]]}}
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
