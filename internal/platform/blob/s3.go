package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// DefaultS3Region is used when S3Config.Region is empty.
const DefaultS3Region = "us-east-1"

// S3Config locates an S3-compatible bucket. Environment: PC_S3_ENDPOINT,
// PC_S3_REGION, PC_S3_BUCKET, PC_S3_ACCESS_KEY, PC_S3_SECRET_KEY (see
// S3ConfigFromEnv).
type S3Config struct {
	Endpoint  string // e.g. http://127.0.0.1:7070; empty means AWS itself
	Region    string // default DefaultS3Region
	Bucket    string
	AccessKey string
	SecretKey string
}

// S3ConfigFromEnv reads the PC_S3_* variables through getenv (os.Getenv
// when nil).
func S3ConfigFromEnv(getenv func(string) string) S3Config {
	if getenv == nil {
		getenv = os.Getenv
	}
	return S3Config{
		Endpoint:  getenv("PC_S3_ENDPOINT"),
		Region:    getenv("PC_S3_REGION"),
		Bucket:    getenv("PC_S3_BUCKET"),
		AccessKey: getenv("PC_S3_ACCESS_KEY"),
		SecretKey: getenv("PC_S3_SECRET_KEY"),
	}
}

// S3 is a Store in one bucket of an S3-compatible service, addressed
// path-style (http://endpoint/bucket/key) with static credentials.
type S3 struct {
	client *s3.Client
	bucket string
}

var _ Store = (*S3)(nil)

// NewS3 connects to the bucket, creating it if it does not exist.
func NewS3(ctx context.Context, cfg S3Config) (*S3, error) {
	if cfg.Bucket == "" {
		return nil, errors.New("open s3 blob store: no bucket configured")
	}
	if cfg.AccessKey == "" || cfg.SecretKey == "" {
		return nil, errors.New("open s3 blob store: access key and secret key are required")
	}
	region := cfg.Region
	if region == "" {
		region = DefaultS3Region
	}
	client := s3.New(s3.Options{
		Region:      region,
		Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(cfg.AccessKey, cfg.SecretKey, "")),
	}, func(o *s3.Options) {
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
		}
		o.UsePathStyle = true
	})
	s := &S3{client: client, bucket: cfg.Bucket}
	if err := s.ensureBucket(ctx, region); err != nil {
		return nil, fmt.Errorf("open s3 blob store: bucket %s: %w", cfg.Bucket, err)
	}
	return s, nil
}

// ensureBucket creates the bucket unless HeadBucket finds it, so
// credentials without s3:CreateBucket work with a provisioned bucket.
func (s *S3) ensureBucket(ctx context.Context, region string) error {
	_, err := s.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(s.bucket)})
	if err == nil {
		return nil
	}
	if !hasCode(err, "NotFound", "NoSuchBucket") {
		return err
	}
	return s.createBucket(ctx, region)
}

// createBucket creates the bucket; one we already own (a concurrent
// NewS3 won the race) is fine.
func (s *S3) createBucket(ctx context.Context, region string) error {
	in := &s3.CreateBucketInput{Bucket: aws.String(s.bucket)}
	if region != DefaultS3Region {
		in.CreateBucketConfiguration = &types.CreateBucketConfiguration{
			LocationConstraint: types.BucketLocationConstraint(region),
		}
	}
	_, err := s.client.CreateBucket(ctx, in)
	if err != nil && !hasCode(err, "BucketAlreadyOwnedByYou") {
		return err
	}
	return nil
}

// Put uploads the object. A reader that cannot seek (a pipe, a stream) is
// first spooled to a temp file so the request can be signed, checksummed and
// retried.
func (s *S3) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if err := s.put(ctx, key, r, size, contentType); err != nil {
		return fmt.Errorf("put blob %s: %w", key, err)
	}
	return nil
}

func (s *S3) put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if err := ValidKey(key); err != nil {
		return err
	}
	body, length, ok := seekableBody(r)
	if !ok {
		f, n, err := spool(ctx, r)
		if err != nil {
			return err
		}
		defer func() {
			f.Close()
			os.Remove(f.Name())
		}()
		body, length = f, n
	}
	if size >= 0 && length != size {
		return sizeMismatch(length, size)
	}
	_, err := s.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:        aws.String(s.bucket),
		Key:           aws.String(key),
		Body:          body,
		ContentLength: aws.Int64(length),
		ContentType:   aws.String(contentTypeOrDefault(contentType)),
	})
	return err
}

// seekableBody returns r with the number of bytes left in it when r can
// seek (bytes.Reader, strings.Reader, regular files).
func seekableBody(r io.Reader) (io.ReadSeeker, int64, bool) {
	rs, ok := r.(io.ReadSeeker)
	if !ok {
		return nil, 0, false
	}
	cur, err := rs.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, 0, false
	}
	end, err := rs.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, 0, false
	}
	if _, err := rs.Seek(cur, io.SeekStart); err != nil {
		return nil, 0, false
	}
	return rs, end - cur, true
}

// spool copies r into a temp file, rewound to its start; the caller closes
// and removes it.
func spool(ctx context.Context, r io.Reader) (*os.File, int64, error) {
	f, err := os.CreateTemp("", "blob-put-*")
	if err != nil {
		return nil, 0, err
	}
	n, err := io.Copy(f, ctxReader{ctx, r})
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, 0, err
	}
	return f, n, nil
}

// Get downloads the object; the body streams from the service.
func (s *S3) Get(ctx context.Context, key string) (io.ReadCloser, Info, error) {
	if err := ValidKey(key); err != nil {
		return nil, Info{}, fmt.Errorf("get blob %s: %w", key, err)
	}
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{
		Bucket: aws.String(s.bucket),
		Key:    aws.String(key),
	})
	if err != nil {
		return nil, Info{}, fmt.Errorf("get blob %s: %w", key, s3NotFound(err))
	}
	return out.Body, Info{
		Key:         key,
		Size:        aws.ToInt64(out.ContentLength),
		ContentType: aws.ToString(out.ContentType),
		ModTime:     aws.ToTime(out.LastModified),
	}, nil
}

// Stat issues a HEAD request.
func (s *S3) Stat(ctx context.Context, key string) (Info, error) {
	if err := ValidKey(key); err != nil {
		return Info{}, fmt.Errorf("stat blob %s: %w", key, err)
	}
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{
		Bucket: aws.String(s.bucket),
		Key:    aws.String(key),
	})
	if err != nil {
		return Info{}, fmt.Errorf("stat blob %s: %w", key, s3NotFound(err))
	}
	return Info{
		Key:         key,
		Size:        aws.ToInt64(out.ContentLength),
		ContentType: aws.ToString(out.ContentType),
		ModTime:     aws.ToTime(out.LastModified),
	}, nil
}

// Delete removes the object; S3 reports success for a missing key, and a
// NoSuchKey answer from a stricter service is treated the same.
func (s *S3) Delete(ctx context.Context, key string) error {
	if err := ValidKey(key); err != nil {
		return fmt.Errorf("delete blob %s: %w", key, err)
	}
	_, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{
		Bucket: aws.String(s.bucket),
		Key:    aws.String(key),
	})
	if err != nil && !errors.Is(s3NotFound(err), ErrNotFound) {
		return fmt.Errorf("delete blob %s: %w", key, err)
	}
	return nil
}

// List pages through ListObjectsV2.
func (s *S3) List(ctx context.Context, prefix string) ([]Info, error) {
	if err := validPrefix(prefix); err != nil {
		return nil, fmt.Errorf("list blobs %s: %w", prefix, err)
	}
	in := &s3.ListObjectsV2Input{Bucket: aws.String(s.bucket)}
	if prefix != "" {
		in.Prefix = aws.String(prefix)
	}
	infos := []Info{}
	pages := s3.NewListObjectsV2Paginator(s.client, in)
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list blobs %s: %w", prefix, err)
		}
		for _, o := range page.Contents {
			infos = append(infos, Info{
				Key:     aws.ToString(o.Key),
				Size:    aws.ToInt64(o.Size),
				ModTime: aws.ToTime(o.LastModified),
			})
		}
	}
	slices.SortFunc(infos, func(a, b Info) int { return strings.Compare(a.Key, b.Key) })
	return infos, nil
}

// s3NotFound replaces a missing-object error by ErrNotFound.
func s3NotFound(err error) error {
	if hasCode(err, "NoSuchKey", "NotFound") {
		return ErrNotFound
	}
	return err
}

// hasCode reports whether err is an S3 API error with one of codes.
func hasCode(err error, codes ...string) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && slices.Contains(codes, apiErr.ErrorCode())
}
