package content

import "encoding/json"

// Parse decodes a résumé from data; name is used in error messages and to
// pick the format by extension. TEMPORARY: JSON only, no validation yet.
func Parse(name string, data []byte) (*Resume, error) {
	var r Resume
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, err
	}
	return &r, nil
}
