package bugreport

import (
	"encoding/json"
	"fmt"
)

func unmarshal(raw []byte, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("reading a saved record: %w", err)
	}
	return nil
}
