// Package alert holds what a module reports when a record deserves attention:
// the severity levels MVT uses, the alert record itself, and the heuristics
// that explain an alert raised without an indicator.
package alert

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Level is an alert's severity. The zero value is not a valid level so that a
// forgotten level is caught by tests instead of silently becoming the lowest.
type Level int

// The five levels, in MVT's order and with MVT's names.
const (
	Informational Level = iota + 1
	Low
	Medium
	High
	Critical
)

// Levels lists every level from the least to the most severe.
var Levels = []Level{Informational, Low, Medium, High, Critical}

func (l Level) String() string {
	switch l {
	case Informational:
		return "INFORMATIONAL"
	case Low:
		return "LOW"
	case Medium:
		return "MEDIUM"
	case High:
		return "HIGH"
	case Critical:
		return "CRITICAL"
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

// ParseLevel reads a level name as MVT writes it (case-insensitive; "INFO" is
// accepted because MVT's log level for informational alerts is named so).
func ParseLevel(s string) (Level, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "INFORMATIONAL", "INFO":
		return Informational, nil
	case "LOW":
		return Low, nil
	case "MEDIUM":
		return Medium, nil
	case "HIGH":
		return High, nil
	case "CRITICAL":
		return Critical, nil
	}
	return 0, fmt.Errorf("unknown alert level %q", s)
}

// MarshalJSON writes the level by name, as MVT's alerts.json does.
func (l Level) MarshalJSON() ([]byte, error) { return json.Marshal(l.String()) }

// UnmarshalJSON reads a level name.
func (l *Level) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := ParseLevel(s)
	if err != nil {
		return err
	}
	*l = v
	return nil
}
