package netcap

import "testing"

func TestHeuristics(t *testing.T) {
	for _, tc := range []struct {
		e    Event
		want string
	}{
		{Event{Type: EventTLS, Name: "www.example.org", DstPort: 443}, ""},
		{Event{Type: EventTLS, Name: "c2.example.org", DstIP: "203.0.113.5", DstPort: 4444}, "netcap.tls.nonstandard_port"},
		{Event{Type: EventTLS, Name: "dns.google", DstPort: 443}, "netcap.dns.doh_resolver"},
		{Event{Type: EventTLS, Name: "", DstIP: "1.1.1.1", DstPort: 853}, "netcap.dns.doh_resolver"},
		{Event{Type: EventQUIC, Name: "mozilla.cloudflare-dns.com", DstPort: 443}, "netcap.dns.doh_resolver"},
		{Event{Type: EventCertificate, Name: "nas.local", SelfSigned: true}, "netcap.tls.self_signed"},
		{Event{Type: EventCertificate, Name: "www.example.org"}, ""},
		{Event{Type: EventDNSQuery, Name: "dns.google"}, ""},
	} {
		got := Heuristics(tc.e)
		if tc.want == "" && len(got) != 0 || tc.want != "" && (len(got) != 1 || got[0].Heuristic.ID != tc.want) {
			t.Errorf("%+v: got %+v, want %s", tc.e, got, tc.want)
		}
	}
}
