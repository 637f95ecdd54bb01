package dumpsys

import (
	"bytes"
	"encoding/json"
)

// Receiver is a broadcast receiver registered for an intent action.
type Receiver struct {
	PackageName string `json:"package_name"`
	Receiver    string `json:"receiver"`
}

// IntentReceivers is the receivers of one intent action.
type IntentReceivers struct {
	Intent    string
	Receivers []Receiver
}

// Receivers maps intent actions to their receivers in the order of the dump.
// It marshals as a JSON object keyed by intent (MVT's dumpsys_receivers.json
// shape) while keeping the dump's order, which a Go map would lose.
type Receivers []IntentReceivers

// MarshalJSON writes {"intent": [receivers…], …} in order.
func (r Receivers) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, ir := range r {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(ir.Intent)
		if err != nil {
			return nil, err
		}
		recv := ir.Receivers
		if recv == nil {
			recv = []Receiver{}
		}
		v, err := json.Marshal(recv)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// ParseReceivers reads the receiver resolver table of the package section.
func ParseReceivers(l *Lines) (Receivers, error) {
	var out Receivers
	err := parseNonDataActions(l, "Receiver", func(key, comp string) {
		if comp == "" {
			out = append(out, IntentReceivers{Intent: key})
			return
		}
		last := &out[len(out)-1]
		last.Receivers = append(last.Receivers, Receiver{PackageName: packageOf(comp), Receiver: comp})
	})
	return out, err
}
