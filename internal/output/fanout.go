package output

import "github.com/spyglass-forensics/spyglass/internal/module"

// fanOutBatch is how many sorted events travel together to the
// OnSortedEvent goroutine: large enough that the channel costs nothing per
// event, small enough to hold little memory.
const fanOutBatch = 4096

// sortedFanOut hands the sorted timeline to OnSortedEvent on a goroutine of
// its own, so that timeline.jsonl is formatted while timeline.csv is: on a
// case with millions of events the two formatters were the run's last,
// single-threaded seconds. Order is kept: one goroutine, batches in order.
type sortedFanOut struct {
	fn      func(module.TimelineEvent) error
	batch   []module.TimelineEvent
	batches chan []module.TimelineEvent
	// free returns emptied batches for reuse.
	free chan []module.TimelineEvent
	done chan error
}

func newSortedFanOut(fn func(module.TimelineEvent) error) *sortedFanOut {
	f := &sortedFanOut{
		fn:      fn,
		batches: make(chan []module.TimelineEvent, 4),
		free:    make(chan []module.TimelineEvent, 6),
		done:    make(chan error, 1),
	}
	f.batch = make([]module.TimelineEvent, 0, fanOutBatch)
	go f.run()
	return f
}

// run calls fn for each event in order. After a failure it keeps draining
// (the sender must never block) and reports the first error.
func (f *sortedFanOut) run() {
	var first error
	for b := range f.batches {
		for _, ev := range b {
			if first == nil {
				first = f.fn(ev)
			}
		}
		clear(b)
		select {
		case f.free <- b[:0]:
		default:
		}
	}
	f.done <- first
}

// add queues one event.
func (f *sortedFanOut) add(ev module.TimelineEvent) {
	f.batch = append(f.batch, ev)
	if len(f.batch) == fanOutBatch {
		f.batches <- f.batch
		select {
		case f.batch = <-f.free:
		default:
			f.batch = make([]module.TimelineEvent, 0, fanOutBatch)
		}
	}
}

// close sends what is left, waits for fn to have seen every event and
// returns its first error.
func (f *sortedFanOut) close() error {
	if len(f.batch) > 0 {
		f.batches <- f.batch
	}
	close(f.batches)
	return <-f.done
}
