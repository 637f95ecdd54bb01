package backup

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// A link imitating a well-known service raises one MEDIUM heuristic alert naming the brand,
// with no indicator loaded; the service's real links raise nothing.
func TestSMSLookalikeLink(t *testing.T) {
	idx := indicators(t)
	for _, tc := range []struct {
		body  string
		brand string
	}{
		{"Security alert: sign in at https://accounts.google.com.security-check.xyz/login", "Google"},
		{"Your Outlook mailbox is full https://protect-outlook.com/x", "Microsoft"},
		{"sign in at https://accounts.google.com/ and https://www.google.com.br/", ""},
		{"see https://ok.test/a", ""},
	} {
		raw := fmt.Sprintf(`{"address":"+15555550123","body":%q,"date":"1700000000000","isodate":"2023-11-14 22:13:20.000000","direction":"received"}`, tc.body)
		c := &module.Collector{}
		if err := (SMS{}).Recheck(context.Background(), idx, []byte(raw), c); err != nil {
			t.Fatal(err)
		}
		if tc.brand == "" {
			if len(c.Alerts) != 0 {
				t.Errorf("%q: unexpected alerts %+v", tc.body, c.Alerts)
			}
			continue
		}
		if len(c.Alerts) != 1 {
			t.Fatalf("%q: %d alerts, want 1", tc.body, len(c.Alerts))
		}
		a := c.Alerts[0]
		if a.Level != alert.Medium || a.Heuristic == nil || a.Heuristic.ID != "phishing.lookalike" || !strings.Contains(a.Message, tc.brand) {
			t.Errorf("%q: alert %+v", tc.body, a)
		}
	}
}
