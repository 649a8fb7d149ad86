package server

import (
	"encoding/json"
	"fmt"
	"io"
)

func jsonEncode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	return enc.Encode(v)
}

func toString(v any) string { return fmt.Sprint(v) }
