package dumpsys

// Activity is one entry of the package section's Activity Resolver Table
// (Non-Data Actions): an app component that answers an intent action.
type Activity struct {
	Intent      string `json:"intent"`
	PackageName string `json:"package_name"`
	Activity    string `json:"activity"`
}

// ParseActivities reads the activity resolver table of the package section.
func ParseActivities(l *Lines) ([]Activity, error) {
	var out []Activity
	err := parseNonDataActions(l, "Activity", func(key, comp string) {
		if comp != "" {
			out = append(out, Activity{Intent: key, PackageName: packageOf(comp), Activity: comp})
		}
	})
	return out, err
}
