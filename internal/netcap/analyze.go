package netcap

import (
	"encoding/binary"
	"net/netip"
	"strconv"
	"time"
)

// Event types.
const (
	EventConnection = "connection"
	EventDNSQuery   = "dns_query"
	EventDNSAnswer  = "dns_answer"
	EventTLS        = "tls_client_hello"
	EventQUIC       = "quic_initial"
	EventHTTP       = "http_request"
)

// Event is one record of the analysis: a connection or a lookup.
type Event struct {
	Timestamp string `json:"timestamp"`
	Type      string `json:"type"`
	Capture   string `json:"capture"`
	Protocol  string `json:"protocol"`
	SrcIP     string `json:"src_ip"`
	SrcPort   uint16 `json:"src_port"`
	DstIP     string `json:"dst_ip"`
	DstPort   uint16 `json:"dst_port"`
	// Name is the DNS question, the TLS/QUIC SNI or the HTTP Host.
	Name string `json:"name,omitempty"`
	// Names are the CNAME owners and targets of a DNS answer.
	Names []string `json:"names,omitempty"`
	// Addresses are the A/AAAA answers of a DNS answer.
	Addresses []string `json:"addresses,omitempty"`
	Method    string   `json:"method,omitempty"`
	// Certificate fields (TLS 1.2 servers, Zeek x509.log).
	CertSHA1   string `json:"cert_sha1,omitempty"`
	CertSHA256 string `json:"cert_sha256,omitempty"`
	CertIssuer string `json:"cert_issuer,omitempty"`
	SelfSigned bool   `json:"self_signed,omitempty"`
	URL        string `json:"url,omitempty"`
}

// Analyzer turns packets into events. It is not safe for concurrent use.
type Analyzer struct {
	Capture string
	Emit    func(Event)
	flows   *flowTable
	seg     segment
}

// NewAnalyzer returns an analyzer emitting events to emit.
func NewAnalyzer(capture string, emit func(Event)) *Analyzer {
	return &Analyzer{Capture: capture, Emit: emit, flows: newFlowTable()}
}

// Packet analyses one captured frame.
func (a *Analyzer) Packet(p Packet) {
	s := &a.seg
	*s = segment{}
	if !decode(p.LinkType, p.Data, s) {
		return
	}
	f, isNew := a.flows.get(s)
	if isNew {
		a.emit(p.Time, EventConnection, f, func(*Event) {})
	}
	if f.done {
		return
	}
	fromClient := netip.AddrPortFrom(s.Src, s.SrcPort) == f.client
	switch s.Proto {
	case protoUDP:
		a.udp(p.Time, f, fromClient, s.Payload)
	case protoTCP:
		a.tcp(p.Time, f, fromClient, s)
	}
}

func (a *Analyzer) emit(ts time.Time, typ string, f *flow, fill func(*Event)) {
	proto := "udp"
	if f.key.proto == protoTCP {
		proto = "tcp"
	}
	e := Event{
		Timestamp: ts.UTC().Format("2006-01-02 15:04:05.000000"), Type: typ, Capture: a.Capture, Protocol: proto,
		SrcIP: f.client.Addr().Unmap().String(), SrcPort: f.client.Port(),
		DstIP: f.server.Addr().Unmap().String(), DstPort: f.server.Port(),
	}
	fill(&e)
	a.Emit(e)
}

func isDNSPort(f *flow) bool { return f.server.Port() == 53 || f.client.Port() == 53 }

func (a *Analyzer) udp(ts time.Time, f *flow, fromClient bool, b []byte) {
	switch {
	case isDNSPort(f):
		a.dns(ts, f, b)
	case !fromClient: // the server's packets say nothing the client's do not
	case len(b) > 0 && b[0]&0x80 != 0:
		a.quicPacket(ts, f, b)
	default:
		f.done = true
	}
}

func (a *Analyzer) dns(ts time.Time, f *flow, b []byte) {
	m, ok := parseDNS(b)
	if !ok {
		return
	}
	if !m.Response {
		for _, n := range m.Names {
			a.emit(ts, EventDNSQuery, f, func(e *Event) { e.Name = n })
		}
		return
	}
	a.emit(ts, EventDNSAnswer, f, func(e *Event) {
		e.Name = m.Names[0]
		e.Names = m.Names[1:]
		for _, ip := range m.IPs {
			e.Addresses = append(e.Addresses, ip.Unmap().String())
		}
	})
}

func (a *Analyzer) tcp(ts time.Time, f *flow, fromClient bool, s *segment) {
	dir := 1
	if fromClient {
		dir = 0
	}
	d := &f.dirs[dir]
	if !a.flows.add(d, s.Seq, s.Flags&flagSYN != 0, s.Payload) {
		return
	}
	if isDNSPort(f) {
		a.dnsTCP(ts, f, d)
		return
	}
	if dir != 0 {
		if f.wantCert {
			a.certificate(ts, f, d.buf)
		}
		return
	}
	if f.dirs[0].done {
		return
	}
	b := d.buf
	switch {
	case len(b) > 0 && b[0] == 0x16:
		sni, st := tlsRecordsSNI(b)
		if st == helloNeedMore {
			return
		}
		if st == helloDone {
			a.emit(ts, EventTLS, f, func(e *Event) { e.Name = sni })
			// TLS 1.2 servers send their certificate in the clear next.
			f.wantCert, d.done = true, true
			a.flows.releaseDir(d)
			if sb := f.dirs[1].buf; len(sb) > 0 {
				a.certificate(ts, f, sb)
			}
			return
		}
	case looksHTTP(b):
		method, target, host, done := httpRequest(b)
		if !done {
			return
		}
		a.emit(ts, EventHTTP, f, func(e *Event) {
			e.Name, e.Method, e.URL = host, method, httpURL(host, target, f.server.Port())
		})
	}
	a.finish(f)
}

// certificate looks for the server's certificate once the ClientHello
// was read.
func (a *Analyzer) certificate(ts time.Time, f *flow, b []byte) {
	c, st := serverCertificate(b)
	switch st {
	case helloNeedMore:
		if len(b) < maxStreamBytes {
			return
		}
	case helloDone:
		a.emit(ts, EventCertificate, f, func(e *Event) {
			if len(c.Names) > 0 {
				e.Name, e.Names = c.Names[0], c.Names[1:]
			}
			e.CertSHA1, e.CertSHA256, e.CertIssuer, e.SelfSigned = c.SHA1, c.SHA256, c.Issuer, c.Self
		})
	}
	a.finish(f)
}

// finish stops payload analysis of a flow and frees its buffers.
func (a *Analyzer) finish(f *flow) {
	f.done = true
	a.flows.release(f)
}

// dnsTCP reads length-prefixed DNS messages from a TCP stream.
func (a *Analyzer) dnsTCP(ts time.Time, f *flow, d *stream) {
	for len(d.buf) >= 2 {
		n := int(binary.BigEndian.Uint16(d.buf))
		if len(d.buf) < 2+n {
			if 2+n > maxStreamBytes {
				a.finish(f)
			}
			return
		}
		a.dns(ts, f, d.buf[2:2+n])
		// Keep the sequence space: advance base past the consumed message.
		d.base += uint32(2 + n)
		d.buf = append(d.buf[:0], d.buf[2+n:]...)
	}
}

func httpURL(host, target string, port uint16) string {
	if len(target) > 0 && target[0] != '/' {
		return target // absolute form (proxies) or authority (CONNECT)
	}
	if host == "" {
		return ""
	}
	if port != 80 && !hasPort(host) {
		host += ":" + strconv.Itoa(int(port))
	}
	return "http://" + host + target
}

func hasPort(h string) bool {
	for i := len(h) - 1; i >= 0; i-- {
		if h[i] == ':' {
			return h[len(h)-1] != ']'
		}
		if h[i] == ']' {
			return false
		}
	}
	return false
}
