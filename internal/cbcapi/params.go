package cbcapi

import (
	"net/url"
	"strconv"

	"partnercenter/internal/platform/apperr"
)

// errParam is CBC.0100 naming the parameter at fault.
func errParam(name string) error {
	return apperr.New(apperr.InvalidParam.Code, "err.invalid_param_named").With("field", name)
}

// intParam reads an optional integer query parameter within [lo, hi]; absent
// or empty means def (reference/cbc-api.md §1.7).
func intParam(q url.Values, name string, def, lo, hi int) (int, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, errParam(name)
	}
	return n, nil
}

// Paging bounds of the catalogue APIs (ListServiceTypes, ListResourceTypes).
const (
	defaultLimit     = 10
	maxCatalogLimit  = 1000
	maxCatalogOffset = 1_000_000_000
)

// paging reads limit (1..maxLimit, default 10) and offset (0..maxOffset,
// default 0).
func paging(q url.Values, maxLimit, maxOffset int) (limit, offset int, err error) {
	if limit, err = intParam(q, "limit", defaultLimit, 1, maxLimit); err != nil {
		return 0, 0, err
	}
	if offset, err = intParam(q, "offset", 0, 0, maxOffset); err != nil {
		return 0, 0, err
	}
	return limit, offset, nil
}
