package blob

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// s3TestConfig returns a config for a fresh bucket on the S3 service at
// TEST_S3_ENDPOINT, skipping the test when it is unset (failing it under
// CI=true, which must never skip a dependency).
func s3TestConfig(t *testing.T) S3Config {
	t.Helper()
	endpoint := os.Getenv("TEST_S3_ENDPOINT")
	if endpoint == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("TEST_S3_ENDPOINT is not set; CI must test the S3 store")
		}
		t.Skip("TEST_S3_ENDPOINT not set: S3 store not tested")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return S3Config{
		Endpoint:  endpoint,
		Region:    os.Getenv("TEST_S3_REGION"),
		Bucket:    "blobtest-" + hex.EncodeToString(b),
		AccessKey: os.Getenv("TEST_S3_ACCESS_KEY"),
		SecretKey: os.Getenv("TEST_S3_SECRET_KEY"),
	}
}

// newS3 opens a store on a new bucket, emptied and removed at cleanup.
func newS3(t *testing.T) (*S3, S3Config) {
	t.Helper()
	cfg := s3TestConfig(t)
	s, err := NewS3(t.Context(), cfg)
	if err != nil {
		t.Fatalf("NewS3: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		infos, err := s.List(ctx, "")
		if err != nil {
			t.Logf("cleanup: %v", err)
			return
		}
		for _, in := range infos {
			if err := s.Delete(ctx, in.Key); err != nil {
				t.Logf("cleanup: %v", err)
			}
		}
		if _, err := s.client.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(cfg.Bucket)}); err != nil {
			t.Logf("cleanup: delete bucket %s: %v", cfg.Bucket, err)
		}
	})
	return s, cfg
}

func TestS3(t *testing.T) {
	s, _ := newS3(t)
	testStore(t, s)
}

func TestS3ExistingBucket(t *testing.T) {
	s, cfg := newS3(t)
	mustPut(t, s, "kept", "v", "text/plain")
	// Opening an existing bucket keeps its objects.
	again, err := NewS3(t.Context(), cfg)
	if err != nil {
		t.Fatalf("NewS3 on an existing bucket: %v", err)
	}
	if got, _ := mustGet(t, again, "kept"); string(got) != "v" {
		t.Errorf("content = %q", got)
	}
	// Losing a creation race to ourselves is not an error.
	region := cfg.Region
	if region == "" {
		region = DefaultS3Region
	}
	if err := again.createBucket(t.Context(), region); err != nil {
		t.Errorf("createBucket on an owned bucket: %v", err)
	}
}

func TestNewS3Errors(t *testing.T) {
	if _, err := NewS3(t.Context(), S3Config{AccessKey: "a", SecretKey: "b"}); err == nil {
		t.Error("NewS3 without bucket succeeded")
	}
	if _, err := NewS3(t.Context(), S3Config{Bucket: "b"}); err == nil {
		t.Error("NewS3 without credentials succeeded")
	}
}

func TestS3WrongCredentials(t *testing.T) {
	cfg := s3TestConfig(t)
	cfg.SecretKey = "wrong-" + cfg.SecretKey
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if _, err := NewS3(ctx, cfg); err == nil {
		t.Error("NewS3 with a wrong secret key succeeded")
	}
}

func TestS3ConfigFromEnv(t *testing.T) {
	env := map[string]string{
		"PC_S3_ENDPOINT":   "http://127.0.0.1:7070",
		"PC_S3_REGION":     "eu-west-1",
		"PC_S3_BUCKET":     "pc",
		"PC_S3_ACCESS_KEY": "ak",
		"PC_S3_SECRET_KEY": "sk",
	}
	got := S3ConfigFromEnv(func(k string) string { return env[k] })
	want := S3Config{Endpoint: "http://127.0.0.1:7070", Region: "eu-west-1", Bucket: "pc", AccessKey: "ak", SecretKey: "sk"}
	if got != want {
		t.Errorf("S3ConfigFromEnv = %+v, want %+v", got, want)
	}
	t.Setenv("PC_S3_BUCKET", "from-os")
	if got := S3ConfigFromEnv(nil); got.Bucket != "from-os" {
		t.Errorf("S3ConfigFromEnv(nil).Bucket = %q", got.Bucket)
	}
}
