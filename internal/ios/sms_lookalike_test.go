package ios

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// Links imitating a service in SMS/iMessage and WhatsApp raise one MEDIUM heuristic alert naming
// the brand, with no indicator loaded; real links of the same services raise nothing.
func TestMessageLookalikeLinks(t *testing.T) {
	idx := ioc.NewIndex()
	for _, tc := range []struct {
		text  string
		brand string
	}{
		{"Your Apple ID is locked: https://appleid.apple.com.verify-login.top/", "Apple"},
		{"WhatsApp web: https://whatsuppweb.me/", "WhatsApp"},
		{"https://support.apple.com/ and https://web.whatsapp.com/", ""},
	} {
		raw := []byte(fmt.Sprintf(`{"text":%q,"isodate":"2023-11-14 22:13:20.000000"}`, tc.text))
		for name, m := range map[string]module.Rechecker{"sms": NewSMS(), "whatsapp": NewWhatsapp()} {
			c := &module.Collector{}
			var err error
			if name == "whatsapp" {
				links, _ := json.Marshal(findLinks(tc.text))
				raw = []byte(fmt.Sprintf(`{"ZTEXT":%q,"links":%s,"isodate":"2023-11-14 22:13:20.000000"}`, tc.text, links))
			}
			if err = m.Recheck(context.Background(), idx, raw, c); err != nil {
				t.Fatal(err)
			}
			if tc.brand == "" {
				if len(c.Alerts) != 0 {
					t.Errorf("%s %q: unexpected %+v", name, tc.text, c.Alerts)
				}
				continue
			}
			if len(c.Alerts) != 1 {
				t.Fatalf("%s %q: %d alerts, want 1", name, tc.text, len(c.Alerts))
			}
			if a := c.Alerts[0]; a.Level != alert.Medium || a.Heuristic == nil || !strings.Contains(a.Message, tc.brand) {
				t.Errorf("%s %q: %+v", name, tc.text, a)
			}
		}
	}
}
