package lookalike

import "sync"

// cacheSize bounds the host cache. Phone evidence repeats the same few hosts across millions
// of messages; remembering the last few thousand answers makes the check nearly free there.
const cacheSize = 4096

// hostCache remembers the finding (or nil) for recently seen raw hosts. When full it starts
// over, which keeps memory bounded without tracking recency.
type hostCache struct {
	mu sync.Mutex
	m  map[string]*Finding
}

func (c *hostCache) get(host string) (*Finding, bool) {
	c.mu.Lock()
	f, ok := c.m[host]
	c.mu.Unlock()
	if f != nil {
		cp := *f // callers may keep or change their copy
		return &cp, true
	}
	return nil, ok
}

func (c *hostCache) put(host string, f *Finding) {
	if len(host) > 255 {
		return
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= cacheSize {
		c.m = make(map[string]*Finding, 256)
	}
	if f != nil {
		cp := *f
		f = &cp
	}
	c.m[host] = f
	c.mu.Unlock()
}
