package identity

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/crypto/argon2"

	"partnercenter/internal/platform/apperr"
)

// argon2id parameters: OWASP's 19 MiB, 2 passes, 1 lane — strong enough for
// stored passwords while keeping a sign-in under ~50 ms on a small machine.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// HashPassword returns an encoded argon2id hash of pw.
func HashPassword(pw string) string {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		panic(err)
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// CheckPassword reports whether pw matches an encoded hash, in constant time.
func CheckPassword(encoded, pw string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) == 0 || t < 1 || p < 1 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when an account does not exist, so a wrong
// account name costs as much time as a wrong password.
var dummyHash = HashPassword("not-a-real-password")

// ErrWeakPassword is returned when a password breaks the policy.
var ErrWeakPassword = apperr.New("CBC.99000036", "err.password_policy")

// CheckPasswordPolicy applies Huawei's account password rules: 8 to 32
// characters, at least two kinds of upper case, lower case, digits and
// special characters, and neither the account name nor its reverse.
func CheckPasswordPolicy(pw, accountName string) error {
	n := len([]rune(pw))
	if n < 8 || n > 32 {
		return ErrWeakPassword
	}
	var upper, lower, digit, special bool
	for _, r := range pw {
		switch {
		case r > unicode.MaxASCII || unicode.IsSpace(r):
			return ErrWeakPassword
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsDigit(r):
			digit = true
		default:
			special = true
		}
	}
	kinds := 0
	for _, k := range []bool{upper, lower, digit, special} {
		if k {
			kinds++
		}
	}
	if kinds < 2 {
		return ErrWeakPassword
	}
	if accountName != "" {
		lowerPW := strings.ToLower(pw)
		name := strings.ToLower(accountName)
		if lowerPW == name || lowerPW == reverse(name) {
			return ErrWeakPassword
		}
	}
	return nil
}

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

// NewPassword returns a random password that satisfies the policy, for
// one-time initial passwords.
func NewPassword() string {
	const (
		upper   = "ABCDEFGHJKLMNPQRSTUVWXYZ"
		lower   = "abcdefghijkmnpqrstuvwxyz"
		digits  = "23456789"
		special = "!@#%*-_"
	)
	return passwordFrom(randomBytes(14), upper, lower, digits, special)
}

// passwordFrom builds a 14-character password from seed bytes: one of each
// class first (so the policy always holds), then the rest from all classes.
func passwordFrom(seed []byte, classes ...string) string {
	all := strings.Join(classes, "")
	var b strings.Builder
	for i, c := range seed {
		set := all
		if i < len(classes) {
			set = classes[i]
		}
		b.WriteByte(set[int(c)%len(set)])
	}
	return b.String()
}

// DerivedPassword returns a policy-compliant password determined by seed,
// used where the same password must come back on every run (demo data).
func DerivedPassword(seed []byte) string {
	return passwordFrom(seed[:14], "ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnpqrstuvwxyz", "23456789", "!@#%*-_")
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return b
}
