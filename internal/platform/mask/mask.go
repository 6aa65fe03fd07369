// Package mask hides personal data (names, mobile numbers, e-mail addresses,
// account names) before it reaches logs, audit trails, exports and screens
// of people who only need to recognise a record, not read it in full.
//
// All functions work on runes, not bytes, so a Chinese name is masked
// character by character and a multi-byte character is never cut in half
// into invalid UTF-8. They trim surrounding white space first, so padding
// neither shows up as a "kept" character nor changes the result. Where the
// rules use a fixed number of stars, that is on purpose: the masked form
// should not reveal how long the hidden part was.
//
// Masking is for display. It is not anonymisation: a masked value may still
// identify a person together with other data.
package mask

import (
	"strings"
	"unicode/utf8"
)

// Name keeps the first character and replaces every other one with '*':
// "张三丰" → "张**", "Alice" → "A****". A single character becomes "*".
// One star per character is the usual Chinese convention for names, where
// the length (two or three characters) says little.
func Name(s string) string {
	r := []rune(strings.TrimSpace(s))
	switch len(r) {
	case 0:
		return ""
	case 1:
		return "*"
	}
	return string(r[0]) + strings.Repeat("*", len(r)-1)
}

// Mobile keeps the first 3 and last 4 digits of a phone number with exactly
// four stars between: "13812345678" → "138****5678". A country-code prefix
// ("+86-", "0086 ", "(+852) ", or "+86" glued to an 11-digit mainland number)
// is kept as given and only the national number is masked. Separators inside
// the national number are dropped. Numbers of 7 or fewer digits keep only the
// last 2 ("12345" → "***45"); 2 or fewer keep nothing.
func Mobile(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	prefix, national := splitCountryCode(s)
	digits := make([]byte, 0, len(national))
	for i := 0; i < len(national); i++ {
		if isDigit(national[i]) {
			digits = append(digits, national[i])
		}
	}
	n := len(digits)
	switch {
	case n > 7:
		return prefix + string(digits[:3]) + "****" + string(digits[n-4:])
	case n > 2:
		return prefix + "***" + string(digits[n-2:])
	default:
		return prefix + "***"
	}
}

// splitCountryCode splits an international prefix off a phone number. A
// prefix is "+" or "00" (optionally in parentheses) and 1–3 digits, followed
// by a separator, because without one the boundary between country code and
// national number is ambiguous. The one exception is the mainland form
// "+8613812345678", common enough to recognise. For other glued forms only
// the "+" or "00" is split off and the digits are all treated as the number.
func splitCountryCode(s string) (prefix, national string) {
	i := 0
	paren := strings.HasPrefix(s, "(")
	if paren {
		i++
	}
	switch {
	case strings.HasPrefix(s[i:], "+"):
		i++
	case strings.HasPrefix(s[i:], "00"):
		i += 2
	default:
		return "", s
	}
	start := i
	for i < len(s) && i-start < 3 && isDigit(s[i]) {
		i++
	}
	if i == start {
		return "", s
	}
	if paren {
		if i >= len(s) || s[i] != ')' {
			return "", s
		}
		i++
	}
	j := i
	for j < len(s) && isSeparator(s[j]) {
		j++
	}
	if j > i || paren {
		return s[:j], s[j:]
	}
	if rest, ok := strings.CutPrefix(s[start:], "86"); ok && len(rest) == 11 && rest[0] == '1' && allDigits(rest) {
		return s[:start+2], rest
	}
	return s[:start], s[start:]
}

// Email keeps the first character of the local part and the whole domain,
// with exactly "***" in between: "zhangsan@example.com" → "z***@example.com".
// The domain stays readable because it is usually a company or a public mail
// provider, and support staff need it to tell accounts apart. A value
// without '@' is masked as an account name.
func Email(s string) string {
	s = strings.TrimSpace(s)
	at := strings.LastIndexByte(s, '@') // the domain never contains '@'; a quoted local part may
	if at < 0 {
		return AccountName(s)
	}
	local, domain := s[:at], s[at:]
	first, size := utf8.DecodeRuneInString(local)
	if size == 0 {
		return "***" + domain
	}
	// string(first), not local[:size]: a stray invalid byte comes out as
	// U+FFFD, like the other maskers, instead of as broken UTF-8.
	return string(first) + "***" + domain
}

// AccountName keeps the first 2 and last 2 characters with exactly four
// stars between: "huawei_partner01" → "hu****01". Names of 4 or fewer
// characters keep only the first character: "ab" → "a***". Keeping both ends
// lets an operator match an account against what the partner reads out on
// the phone without seeing the whole name.
func AccountName(s string) string {
	r := []rune(strings.TrimSpace(s))
	n := len(r)
	switch {
	case n == 0:
		return ""
	case n <= 4:
		return string(r[0]) + "***"
	default:
		return string(r[:2]) + "****" + string(r[n-2:])
	}
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isSeparator(c byte) bool { return c == ' ' || c == '-' || c == '.' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}
