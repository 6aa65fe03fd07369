package customer

import (
	"crypto/rand"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Formats of registration data (reference/cbc-api.md §3).
var (
	// createNamePattern is CreateSubCustomer's account name rule.
	createNamePattern = regexp.MustCompile(`^[a-zA-Z_-][a-zA-Z0-9_-]*$`)
	// checkNamePattern is CheckUserIdentity's, which also bounds the length.
	checkNamePattern = regexp.MustCompile(`^[a-zA-Z-][a-zA-Z0-9_-]{4,31}$`)
	allDigits        = regexp.MustCompile(`^[0-9]+$`)
	// mobilePattern is a mainland China mobile, optionally with its country
	// code: 13800000000, 0086-13800000000, +8613800000000.
	mobilePattern = regexp.MustCompile(`^(?:(?:\+86|0086)-?)?(1[0-9]{10})$`)
	// checkMobilePattern is CheckUserIdentity's "00XX-XXXXXXXX".
	checkMobilePattern = regexp.MustCompile(`^[0-9]{4}-[0-9]+$`)
	emailPattern       = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	areaPattern        = regexp.MustCompile(`^[A-Za-z]{2}$`)
)

// ChinaCountryCode is the only country code mobiles may have.
const ChinaCountryCode = "0086"

// Field bounds.
const (
	maxXAccountID    = 128
	maxXAccountType  = 64
	maxIndirectID    = 64
	maxSearchValue   = 64
	maxEmail         = 64
	maxMobileField   = 32
	maxCustomerID    = 64
	maxFilterText    = 64
	maxReason        = 256
	maxFreezeIDs     = 10
	minDomainName    = 5
	maxDomainName    = 32
	randomNameLength = 32
	codeLength       = 6
)

// reservedName reports whether name starts with a prefix the cloud keeps for
// itself.
func reservedName(name string) bool {
	lower := strings.ToLower(name)
	return strings.HasPrefix(lower, "op_") || strings.HasPrefix(lower, "shadow_")
}

// CheckDomainName applies CreateSubCustomer's account-name rule: 5 to 32
// letters, digits, '_' and '-', not starting with a digit, not reserved, not
// all digits. Returns ErrDomainNameFormat.
func CheckDomainName(name string) error {
	n := utf8.RuneCountInString(name)
	if n < minDomainName || n > maxDomainName || !createNamePattern.MatchString(name) ||
		reservedName(name) || allDigits.MatchString(name) {
		return ErrDomainNameFormat
	}
	return nil
}

// checkSearchName applies CheckUserIdentity's (stricter) name rule.
func checkSearchName(name string) bool {
	return checkNamePattern.MatchString(name) && !reservedName(name) && !allDigits.MatchString(name)
}

// ParseMobile returns the national number of a mainland China mobile given
// as 13800000000, 0086-13800000000 or +8613800000000, and whether it is one.
func ParseMobile(s string) (string, bool) {
	m := mobilePattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return "", false
	}
	return m[1], true
}

// smsReceiver is where a mobile's codes go and what the send caps count: the
// international form, country code and number, "+8613800000000".
func smsReceiver(national string) string { return "+86" + national }

// normEmail lower-cases an address for storage and comparison.
func normEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// validEmail reports whether s looks like a whole e-mail address.
func validEmail(s string, maxLen int) bool {
	return len(s) <= maxLen && emailPattern.MatchString(s)
}

// randomName returns a 32-character account name that satisfies
// CheckDomainName: a lower-case letter, then letters and digits.
func randomName() string {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	const alnum = letters + "0123456789"
	b := make([]byte, randomNameLength)
	_, _ = rand.Read(b)
	out := make([]byte, randomNameLength)
	out[0] = letters[int(b[0])%len(letters)]
	for i := 1; i < len(b); i++ {
		out[i] = alnum[int(b[i])%len(alnum)]
	}
	return string(out)
}
