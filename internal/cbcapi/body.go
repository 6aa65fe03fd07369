package cbcapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"partnercenter/internal/platform/apperr"
)

// maxJSONBody bounds the JSON bodies of the customer and coupon calls; real
// ones are a few hundred bytes.
const maxJSONBody = 64 << 10

// decodeJSON reads a JSON request body into v. An empty body is an empty
// object (every field absent). A value of the wrong type is CBC.0100 naming
// its field; other malformed JSON is CBC.0100.
func decodeJSON(r *http.Request, v any) error {
	var body []byte
	if r.Body != nil {
		var err error
		body, err = io.ReadAll(io.LimitReader(r.Body, maxJSONBody+1))
		if err != nil {
			return apperr.InvalidParam.Wrap(fmt.Errorf("read body: %w", err))
		}
	}
	if len(body) > maxJSONBody {
		return ErrBodyTooLarge
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return errParam(te.Field)
		}
		return apperr.InvalidParam.Wrap(err)
	}
	return nil
}

// str returns *p, or "" when p is nil.
func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
