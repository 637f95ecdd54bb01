package alert

import (
	"encoding/json"
	"testing"
)

func TestLevelNamesRoundTrip(t *testing.T) {
	for _, l := range Levels {
		b, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		var back Level
		if err := json.Unmarshal(b, &back); err != nil || back != l {
			t.Errorf("%s: round trip gave %v, %v", b, back, err)
		}
	}
	if got, _ := ParseLevel("info"); got != Informational {
		t.Errorf(`ParseLevel("info") = %v (MVT names its informational log level INFO)`, got)
	}
	if _, err := ParseLevel("SEVERE"); err == nil {
		t.Error("unknown level accepted")
	}
	if !(Informational < Low && Low < Medium && Medium < High && High < Critical) {
		t.Error("levels out of order")
	}
}

func TestAlertJSONKeepsMVTShape(t *testing.T) {
	a := Alert{Level: High, Module: "sms", Message: "m", Event: map[string]string{"k": "v"}}
	b, _ := json.Marshal(a)
	var m map[string]any
	json.Unmarshal(b, &m)
	for _, k := range []string{"level", "module", "message", "event_time", "event", "matched_indicator"} {
		if _, ok := m[k]; !ok {
			t.Errorf("key %q missing from %s", k, b)
		}
	}
	if m["matched_indicator"] != nil || m["level"] != "HIGH" {
		t.Errorf("got %s", b)
	}
	if _, ok := m["heuristic"]; ok {
		t.Errorf("empty heuristic written: %s", b)
	}
}
