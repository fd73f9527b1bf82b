package content

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// JSON renders the résumé as an indented JSON Resume document, with the
// keys the model does not know kept as they were loaded.
func (r *Resume) JSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return nil, fmt.Errorf("render json: %w", err)
	}
	return buf.Bytes(), nil
}
