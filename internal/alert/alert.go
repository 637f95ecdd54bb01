package alert

// Indicator is the indicator an alert matched, in MVT's matched_indicator
// shape so that existing scripts reading alerts.json keep working.
type Indicator struct {
	Value string `json:"value"`
	// Type is MVT's bucket name: domains, urls, processes, emails,
	// file_names, file_paths, files_sha256, app_ids, app_cert_hashes,
	// ios_profile_ids, android_property_names, ...
	Type string `json:"type"`
	// Name is the collection: the malware family ("Pegasus") or report.
	Name          string `json:"name"`
	STIX2FileName string `json:"stix2_file_name"`
}

// Alert is one finding. Exactly one of Indicator and Heuristic is set.
type Alert struct {
	Level   Level  `json:"level"`
	Module  string `json:"module"`
	Message string `json:"message"`
	// EventTime is the record's time as text ("2021-07-18 10:00:00.000000"),
	// or "" when the record has none.
	EventTime string `json:"event_time"`
	// Event is the record that raised the alert, serialised as the module
	// writes it in <module>.json.
	Event     any        `json:"event"`
	Indicator *Indicator `json:"matched_indicator"`
	// Heuristic is spyglass's addition: which check fired and why it matters.
	Heuristic *Heuristic `json:"heuristic,omitempty"`
}
