package netcap

import (
	"container/list"
	"net/netip"
)

// Flow table bounds: memory stays bounded by the flows open at one time,
// and by these limits when a capture holds more (10^6 half-open flows).
const (
	maxFlows       = 1 << 17  // flows remembered (connection events, reassembly)
	maxBuffered    = 64 << 20 // bytes held for reassembly across all flows
	maxStreamBytes = maxHello // bytes kept per direction
	maxPending     = 16       // out-of-order segments kept per direction
)

type flowKey struct {
	a, b   netip.Addr
	ap, bp uint16
	proto  uint8
}

// stream reassembles the first bytes of one direction of a TCP connection,
// only as far as the analysis needs them.
type stream struct {
	base    uint32 // sequence number of buf[0]
	started bool
	buf     []byte
	pending []pendingSeg
	done    bool
}

type pendingSeg struct {
	seq  uint32
	data []byte
}

type flow struct {
	key            flowKey
	client, server netip.AddrPort
	dirs           [2]stream    // 0: client to server
	done           bool         // nothing more to learn from payloads
	quicFrames     []pendingSeg // QUIC CRYPTO frames (client Initials)
	quicDCID       []byte
	quicInitials   int
	wantCert       bool // ClientHello read; the server's certificate is next
	elem           *list.Element
}

type flowTable struct {
	m        map[flowKey]*flow
	lru      *list.List
	buffered int
}

func newFlowTable() *flowTable {
	return &flowTable{m: make(map[flowKey]*flow), lru: list.New()}
}

func keyOf(s *segment) flowKey {
	if s.Src.Less(s.Dst) || (s.Src == s.Dst && s.SrcPort < s.DstPort) {
		return flowKey{s.Src, s.Dst, s.SrcPort, s.DstPort, s.Proto}
	}
	return flowKey{s.Dst, s.Src, s.DstPort, s.SrcPort, s.Proto}
}

// get returns the flow of s, and whether it is new.
func (t *flowTable) get(s *segment) (*flow, bool) {
	k := keyOf(s)
	if f, ok := t.m[k]; ok {
		t.lru.MoveToFront(f.elem)
		return f, false
	}
	f := &flow{key: k}
	src, dst := netip.AddrPortFrom(s.Src, s.SrcPort), netip.AddrPortFrom(s.Dst, s.DstPort)
	// The sender of the first packet seen is the client, unless it is a
	// SYN-ACK or comes from a well-known port to an ephemeral one.
	if (s.Proto == protoTCP && s.Flags&(flagSYN|flagACK) == flagSYN|flagACK) ||
		(s.SrcPort < 1024 && s.DstPort >= 1024 && !(s.Proto == protoTCP && s.Flags&flagSYN != 0)) {
		src, dst = dst, src
	}
	f.client, f.server = src, dst
	f.elem = t.lru.PushFront(f)
	t.m[k] = f
	for len(t.m) > maxFlows {
		t.evict()
	}
	return f, true
}

func (t *flowTable) evict() {
	e := t.lru.Back()
	if e == nil {
		return
	}
	f := e.Value.(*flow)
	t.release(f)
	t.lru.Remove(e)
	delete(t.m, f.key)
}

// release drops a flow's reassembly buffers.
func (t *flowTable) release(f *flow) {
	for i := range f.dirs {
		t.releaseDir(&f.dirs[i])
	}
	for _, p := range f.quicFrames {
		t.buffered -= cap(p.data)
	}
	f.quicFrames = nil
}

func (t *flowTable) releaseDir(d *stream) {
	t.buffered -= cap(d.buf)
	for _, p := range d.pending {
		t.buffered -= cap(p.data)
	}
	d.buf, d.pending = nil, nil
}

// add places a segment's payload into d; it returns whether the
// contiguous prefix grew.
func (t *flowTable) add(d *stream, seq uint32, syn bool, payload []byte) bool {
	if syn {
		d.base, d.started = seq+1, true
		return false
	}
	if len(payload) == 0 || d.done {
		return false
	}
	if !d.started {
		d.base, d.started = seq, true
	}
	rel := int64(int32(seq - d.base))
	if rel < 0 { // starts before what we have: keep only the new part
		if -rel >= int64(len(payload)) {
			return false
		}
		payload, rel = payload[-rel:], 0
	}
	if rel >= maxStreamBytes {
		return false
	}
	if rel > int64(len(d.buf)) {
		if len(d.pending) < maxPending {
			c := append([]byte(nil), payload[:min(len(payload), maxStreamBytes)]...)
			t.buffered += cap(c)
			d.pending = append(d.pending, pendingSeg{seq, c})
		}
		return false
	}
	grew := t.appendAt(d, int(rel), payload)
	for progress := true; progress; {
		progress = false
		for i := 0; i < len(d.pending); i++ {
			p := d.pending[i]
			r := int64(int32(p.seq - d.base))
			if r <= int64(len(d.buf)) {
				if r+int64(len(p.data)) > int64(len(d.buf)) {
					t.appendAt(d, int(max(r, 0)), p.data[max(0, -r):])
				}
				t.buffered -= cap(p.data)
				d.pending = append(d.pending[:i], d.pending[i+1:]...)
				progress = true
				i--
			}
		}
	}
	return grew
}

// appendAt appends the part of data (placed at rel) beyond the buffer:
// overlapping bytes already held win, as most stacks do.
func (t *flowTable) appendAt(d *stream, rel int, data []byte) bool {
	skip := len(d.buf) - rel
	if skip >= len(data) {
		return false
	}
	data = data[skip:]
	if room := maxStreamBytes - len(d.buf); len(data) > room {
		data = data[:room]
	}
	if len(data) == 0 {
		return false
	}
	before := cap(d.buf)
	d.buf = append(d.buf, data...)
	t.buffered += cap(d.buf) - before
	for t.buffered > maxBuffered && t.lru.Len() > 1 {
		t.evict()
	}
	return true
}
