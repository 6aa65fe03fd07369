package saml

import (
	"net/url"
	"strings"
	"unicode"
)

// maxTarget bounds a service or RelayState.
const maxTarget = 2048

// localTarget returns raw as a path on this site ("" stays ""), or false if
// it leads anywhere else. An absolute URL on base's own origin is reduced
// to its path, since Huawei's partners pass service as a full URL. No
// scheme-relative "//host", no backslashes, no control characters or
// spaces: never an open redirect.
func localTarget(raw, base string) (string, bool) {
	if raw == "" {
		return "", true
	}
	if len(raw) > maxTarget || strings.ContainsRune(raw, '\\') ||
		strings.IndexFunc(raw, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) >= 0 {
		return "", false
	}
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" || u.User != nil {
		return "", false
	}
	if u.Scheme != "" || u.Host != "" {
		b, err := url.Parse(base)
		if err != nil || !strings.EqualFold(u.Scheme, b.Scheme) || !strings.EqualFold(u.Host, b.Host) {
			return "", false
		}
		u.Scheme, u.Host = "", ""
		if u.Path == "" {
			u.Path = "/"
		}
	}
	out := u.String()
	if !strings.HasPrefix(out, "/") || strings.HasPrefix(out, "//") {
		return "", false
	}
	return out, true
}
