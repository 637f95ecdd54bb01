package netcap

import (
	"encoding/json"
	"time"
)

// eveRecord holds the eve.json fields the analysis reads (Suricata 6 and 7
// shapes of the dns object both fit).
type eveRecord struct {
	Timestamp string `json:"timestamp"`
	EventType string `json:"event_type"`
	SrcIP     string `json:"src_ip"`
	SrcPort   uint16 `json:"src_port"`
	DestIP    string `json:"dest_ip"`
	DestPort  uint16 `json:"dest_port"`
	Proto     string `json:"proto"`
	DNS       *struct {
		Type    string `json:"type"`
		RRName  string `json:"rrname"`
		RData   string `json:"rdata"`
		Queries []struct {
			RRName string `json:"rrname"`
		} `json:"queries"`
		Answers []struct {
			RRName string `json:"rrname"`
			RData  string `json:"rdata"`
		} `json:"answers"`
	} `json:"dns"`
	TLS *struct {
		SNI string `json:"sni"`
	} `json:"tls"`
	QUIC *struct {
		SNI string `json:"sni"`
	} `json:"quic"`
	HTTP *struct {
		Hostname string `json:"hostname"`
		URL      string `json:"url"`
		Method   string `json:"http_method"`
	} `json:"http"`
}

// eveEvent maps one eve.json line to an event.
func eveEvent(line string) (Event, bool) {
	var r eveRecord
	if json.Unmarshal([]byte(line), &r) != nil {
		return Event{}, false
	}
	e := Event{Timestamp: eveTime(r.Timestamp), SrcIP: r.SrcIP, SrcPort: r.SrcPort, DstIP: r.DestIP, DstPort: r.DestPort, Protocol: r.Proto}
	switch {
	case r.EventType == "dns" && r.DNS != nil:
		e.Type, e.Name = EventDNSQuery, cleanHost(r.DNS.RRName)
		for _, q := range r.DNS.Queries {
			if e.Name == "" {
				e.Name = cleanHost(q.RRName)
			}
		}
		var answers []string
		if r.DNS.RData != "" {
			answers = append(answers, r.DNS.RData)
		}
		for _, a := range r.DNS.Answers {
			answers = append(answers, a.RData)
			if n := cleanHost(a.RRName); n != "" && n != e.Name {
				e.Names = append(e.Names, n)
			}
		}
		if r.DNS.Type == "answer" || len(answers) > 0 {
			e.Type = EventDNSAnswer
			splitAnswers(&e, answers)
		}
	case r.EventType == "tls" && r.TLS != nil:
		e.Type, e.Name = EventTLS, cleanHost(r.TLS.SNI)
	case r.EventType == "quic" && r.QUIC != nil:
		e.Type, e.Name = EventQUIC, cleanHost(r.QUIC.SNI)
	case r.EventType == "http" && r.HTTP != nil:
		e.Type, e.Name, e.Method = EventHTTP, cleanHost(r.HTTP.Hostname), r.HTTP.Method
		e.URL = httpURL(e.Name, r.HTTP.URL, e.DstPort)
	case r.EventType == "flow" || r.EventType == "netflow":
		e.Type = EventConnection
	default:
		return Event{}, false
	}
	return e, true
}

// eveTime renders eve.json's "2026-03-01T10:00:00.123456+0000" in UTC.
func eveTime(s string) string {
	for _, layout := range []string{"2006-01-02T15:04:05.999999-0700", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC().Format("2006-01-02 15:04:05.000000")
		}
	}
	return ""
}
