package alert

// Heuristic describes a check that raises alerts without an indicator. Every
// heuristic explains itself, for the person reading the report and for the
// expert deciding what to do next (the scorecard idea: why, then what).
type Heuristic struct {
	// ID is stable across versions: "ios.tcc.suspicious_permission".
	ID string `json:"id"`
	// Title is a short name: "Process without a binary".
	Title string `json:"title"`
	// Why says, for a non-expert, what this trace can mean and how often it
	// is innocent.
	Why string `json:"why"`
	// Action says what to do about it.
	Action string `json:"action,omitempty"`
}
