package phishing

import (
	"fmt"
	"sync"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/lookalike"
)

// defaultChecker is built once, on first use, from the embedded brand list: phone modules have
// no --protect flag, and building it per message would cost more than checking.
var defaultChecker = sync.OnceValue(func() *lookalike.Checker { return lookalike.New(lookalike.DefaultBrands()) })

// maxLinksPerMessage bounds the look-alike work on one hostile message full of links.
const maxLinksPerMessage = 256

// MessageLookalikeAlert checks the links of one message (SMS, iMessage, WhatsApp) for
// look-alikes of well-known services and returns a MEDIUM heuristic alert for the first one, or
// nil. Modules call it only when no indicator matched the message, so that one link never raises
// two alerts.
func MessageLookalikeAlert(links []string, when string, rec any) *alert.Alert {
	c := defaultChecker()
	for i, l := range links {
		if i == maxLinksPerMessage {
			break
		}
		if f := c.CheckURL(l); f != nil {
			return &alert.Alert{
				Level:     alert.Medium,
				Message:   fmt.Sprintf("A message contains a link that imitates %s (%s): %s", f.Brand, l, f.Sentence),
				EventTime: when,
				Event:     rec,
				Heuristic: HeuristicLookalike,
			}
		}
	}
	return nil
}
