package identity_test

import (
	"bytes"
	"crypto/rand"
	"strings"
	"testing"

	"partnercenter/internal/identity"
)

func TestHashPassword(t *testing.T) {
	hash := identity.HashPassword(testPassword)

	t.Run("OK", func(t *testing.T) {
		if !identity.CheckPassword(hash, testPassword) {
			t.Fatal("the password does not match its own hash")
		}
		if !strings.HasPrefix(hash, "$argon2id$") {
			t.Errorf("hash %q is not argon2id", hash)
		}
		if strings.Contains(hash, testPassword) {
			t.Errorf("hash %q contains the password", hash)
		}
	})

	t.Run("OKSaltedHashesDiffer", func(t *testing.T) {
		other := identity.HashPassword(testPassword)
		if other == hash {
			t.Fatal("two hashes of one password are equal: no random salt")
		}
		if !identity.CheckPassword(other, testPassword) {
			t.Fatal("the second hash does not match")
		}
	})

	t.Run("WrongPassword", func(t *testing.T) {
		for _, pw := range []string{"", "Passw0rd!X", testPassword + " ", testPassword[:len(testPassword)-1]} {
			if identity.CheckPassword(hash, pw) {
				t.Errorf("%q matches the hash of %q", pw, testPassword)
			}
		}
	})

	// A stored hash that is damaged must never match and never crash the
	// sign-in that reads it.
	parts := strings.Split(hash, "$") // "", argon2id, v=19, m=..,t=..,p=.., salt, key
	malformed := []struct{ name, hash string }{
		{"Empty", ""},
		{"Plain", testPassword},
		{"OtherAlgorithm", "$argon2i$" + strings.Join(parts[2:], "$")},
		{"MissingKey", strings.Join(parts[:5], "$")},
		{"ExtraField", hash + "$x"},
		{"BadParams", "$argon2id$v=19$m=x,t=2,p=1$" + parts[4] + "$" + parts[5]},
		{"BadSalt", "$argon2id$v=19$" + parts[3] + "$!!!$" + parts[5]},
		{"BadKey", "$argon2id$v=19$" + parts[3] + "$" + parts[4] + "$!!!"},
		{"EmptyKey", "$argon2id$v=19$" + parts[3] + "$" + parts[4] + "$"},
		{"ZeroTime", "$argon2id$v=19$m=19456,t=0,p=1$" + parts[4] + "$" + parts[5]},
		{"ZeroThreads", "$argon2id$v=19$m=19456,t=2,p=0$" + parts[4] + "$" + parts[5]},
	}
	for _, tt := range malformed {
		t.Run("Malformed/"+tt.name, func(t *testing.T) {
			defer func() {
				if p := recover(); p != nil {
					t.Fatalf("CheckPassword panicked on %q: %v", tt.hash, p)
				}
			}()
			if identity.CheckPassword(tt.hash, testPassword) {
				t.Fatalf("malformed hash %q matches", tt.hash)
			}
		})
	}
}

func TestCheckPasswordPolicy(t *testing.T) {
	const account = "Acme-Cloud1"
	tests := []struct {
		name, pw string
		want     error
	}{
		{"ErrWeakPassword/Length7", "Abcdef1", identity.ErrWeakPassword},
		{"OKLength8", "Abcdefg1", nil},
		{"OKLength32", "Abcdefg1" + strings.Repeat("x", 24), nil},
		{"ErrWeakPassword/Length33", "Abcdefg1" + strings.Repeat("x", 25), identity.ErrWeakPassword},
		{"ErrWeakPassword/Empty", "", identity.ErrWeakPassword},
		{"ErrWeakPassword/LowerOnly", "abcdefghij", identity.ErrWeakPassword},
		{"ErrWeakPassword/UpperOnly", "ABCDEFGHIJ", identity.ErrWeakPassword},
		{"ErrWeakPassword/DigitsOnly", "1234567890", identity.ErrWeakPassword},
		{"ErrWeakPassword/SpecialOnly", "!@#$%^&*()", identity.ErrWeakPassword},
		{"OKLowerAndDigit", "abcdefg1", nil},
		{"OKUpperAndLower", "ABCDefgh", nil},
		{"OKDigitAndSpecial", "1234567!", nil},
		{"OKAllFour", "Aa1!Aa1!", nil},
		{"ErrWeakPassword/EqualsAccount", account, identity.ErrWeakPassword},
		{"ErrWeakPassword/EqualsAccountOtherCase", "aCME-cLOUD1", identity.ErrWeakPassword},
		{"ErrWeakPassword/EqualsReversedAccount", "1duolC-emcA", identity.ErrWeakPassword},
		{"ErrWeakPassword/EqualsReversedAccountOtherCase", "1DUOLC-EMCA", identity.ErrWeakPassword},
		{"OKContainsAccount", account + "!", nil},
		{"ErrWeakPassword/NonASCII", "Pässword1", identity.ErrWeakPassword},
		{"ErrWeakPassword/Chinese", "密码Password1", identity.ErrWeakPassword},
		{"ErrWeakPassword/Space", "Pass word1", identity.ErrWeakPassword},
		{"ErrWeakPassword/Tab", "Pass\tword1", identity.ErrWeakPassword},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertErr(t, identity.CheckPasswordPolicy(tt.pw, account), tt.want)
		})
	}

	t.Run("OKNoAccountName", func(t *testing.T) {
		assertErr(t, identity.CheckPasswordPolicy("Acme-Cloud1", ""), nil)
	})
}

func TestNewPassword(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		pw := identity.NewPassword()
		if err := identity.CheckPasswordPolicy(pw, "acme-cloud"); err != nil {
			t.Fatalf("NewPassword %q breaks the policy: %v", pw, err)
		}
		if seen[pw] {
			t.Fatalf("NewPassword repeated %q", pw)
		}
		seen[pw] = true
	}
}

func TestDerivedPassword(t *testing.T) {
	t.Run("OKSatisfiesPolicy", func(t *testing.T) {
		seed := make([]byte, 32)
		for range 1000 {
			_, _ = rand.Read(seed)
			if pw := identity.DerivedPassword(seed); identity.CheckPasswordPolicy(pw, "demo-sp") != nil {
				t.Fatalf("DerivedPassword(%x) = %q breaks the policy", seed, pw)
			}
		}
	})

	t.Run("OKDeterministic", func(t *testing.T) {
		seed := bytes.Repeat([]byte{42}, 32)
		first := identity.DerivedPassword(seed)
		if got := identity.DerivedPassword(bytes.Clone(seed)); got != first {
			t.Fatalf("DerivedPassword changed: %q then %q", first, got)
		}
		other := bytes.Clone(seed)
		other[0]++
		if identity.DerivedPassword(other) == first {
			t.Fatalf("another seed gave the same password %q", first)
		}
	})

	t.Run("OKEdgeSeeds", func(t *testing.T) {
		for _, b := range []byte{0, 255} {
			seed := bytes.Repeat([]byte{b}, 14)
			if pw := identity.DerivedPassword(seed); identity.CheckPasswordPolicy(pw, "") != nil {
				t.Errorf("DerivedPassword(%x) = %q breaks the policy", seed, pw)
			}
		}
	})
}
