package secretbox

import (
	"crypto/hmac"
	"crypto/sha256"
)

func derive(key []byte, purpose string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("partnercenter/" + purpose))
	return m.Sum(nil)
}
