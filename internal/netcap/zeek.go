package netcap

import (
	"encoding/json"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// zeekTSV reads Zeek's tab-separated logs: "#separator" and "#fields"
// header lines name the columns of the data lines.
type zeekTSV struct {
	sep    string
	fields map[string]int
}

func (z *zeekTSV) line(kind, line string) (Event, bool) {
	if strings.HasPrefix(line, "#") {
		switch {
		case strings.HasPrefix(line, "#separator "):
			if s := unescapeZeek(strings.TrimPrefix(line, "#separator ")); s != "" {
				z.sep = s
			}
		case strings.HasPrefix(line, "#fields"):
			cols := strings.Split(line, z.sep)[1:]
			z.fields = make(map[string]int, len(cols))
			for i, c := range cols {
				z.fields[c] = i
			}
		}
		return Event{}, false
	}
	if z.fields == nil {
		return Event{}, false
	}
	vals := strings.Split(line, z.sep)
	get := func(k string) string {
		if i, ok := z.fields[k]; ok && i < len(vals) && vals[i] != "-" && vals[i] != "(empty)" {
			return vals[i]
		}
		return ""
	}
	list := func(k string) []string {
		if v := get(k); v != "" {
			return strings.Split(v, ",")
		}
		return nil
	}
	return zeekEvent(kind, get, list)
}

// unescapeZeek reads the "\x09" form of the separator line.
func unescapeZeek(s string) string {
	if strings.HasPrefix(s, `\x`) && len(s) == 4 {
		if b, err := strconv.ParseUint(s[2:], 16, 8); err == nil {
			return string(rune(b))
		}
	}
	return s
}

// zeekJSON reads one line of a Zeek log written with LogAscii::use_json.
func zeekJSON(kind, line string) (Event, bool) {
	var m map[string]any
	if json.Unmarshal([]byte(line), &m) != nil {
		return Event{}, false
	}
	get := func(k string) string {
		switch v := m[k].(type) {
		case string:
			return v
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
		return ""
	}
	list := func(k string) []string {
		arr, _ := m[k].([]any)
		var out []string
		for _, a := range arr {
			if s, ok := a.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return zeekEvent(kind, get, list)
}

// zeekEvent maps one Zeek record (read through get and list) to an event.
func zeekEvent(kind string, get func(string) string, list func(string) []string) (Event, bool) {
	e := Event{
		Timestamp: zeekTime(get("ts")), SrcIP: get("id.orig_h"), DstIP: get("id.resp_h"),
		SrcPort: port(get("id.orig_p")), DstPort: port(get("id.resp_p")), Protocol: get("proto"),
	}
	switch kind {
	case "dns":
		e.Type, e.Name = EventDNSAnswer, cleanHost(get("query"))
		splitAnswers(&e, list("answers"))
	case "ssl":
		e.Type, e.Protocol, e.Name = EventTLS, "tcp", cleanHost(get("server_name"))
	case "http":
		e.Type, e.Protocol, e.Name, e.Method = EventHTTP, "tcp", cleanHost(get("host")), get("method")
		e.URL = httpURL(e.Name, get("uri"), e.DstPort)
	case "conn":
		e.Type = EventConnection
	case "x509":
		e.Type = EventCertificate
		e.Names = list("san.dns")
		if cn := commonName(get("certificate.subject")); cn != "" {
			e.Name = cleanHost(cn)
		}
	default:
		return Event{}, false
	}
	return e, e.Name != "" || len(e.Names) > 0 || e.DstIP != ""
}

// splitAnswers files DNS answers as addresses or names (CNAME targets).
func splitAnswers(e *Event, answers []string) {
	for _, a := range answers {
		a = strings.TrimSpace(a)
		if ip, err := netip.ParseAddr(a); err == nil {
			e.Addresses = append(e.Addresses, ip.String())
		} else if a != "" && !strings.Contains(a, " ") {
			e.Names = append(e.Names, cleanHost(a))
		}
	}
}

func commonName(subject string) string {
	for _, part := range strings.Split(subject, ",") {
		if k, v, ok := strings.Cut(part, "="); ok && strings.TrimSpace(k) == "CN" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func port(s string) uint16 {
	n, _ := strconv.ParseUint(s, 10, 16)
	return uint16(n)
}

// zeekTime renders Zeek's epoch seconds (with a fraction) in UTC.
func zeekTime(s string) string {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f <= 0 || f > 1e11 || math.IsNaN(f) {
		return ""
	}
	sec := math.Floor(f)
	return time.Unix(int64(sec), int64((f-sec)*1e9)).UTC().Format("2006-01-02 15:04:05.000000")
}
