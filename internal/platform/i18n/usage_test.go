package i18n_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"partnercenter/internal/platform/i18n"
)

// keyUses finds message keys written literally in the code: error
// declarations, direct translations and template calls. Keys built at run
// time (e.g. "partner.type." + type) are checked by their own tests.
var keyUses = []*regexp.Regexp{
	regexp.MustCompile(`apperr\.New\("[^"]*",\s*"([^"]+)"\)`),
	regexp.MustCompile(`i18n\.T\([^,()]+,\s*"([^"]+)"`),
	regexp.MustCompile(`\.T "([a-z][a-z0-9_.]*)"`),
	regexp.MustCompile(`Title:\s*"([a-z][a-z0-9_.]*)"`),
	regexp.MustCompile(`Menu:\s*"([a-z][a-z0-9_.]*)"`),
}

// TestEveryUsedKeyExists fails when code or a template names a message key
// that either catalog lacks.
func TestEveryUsedKeyExists(t *testing.T) {
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	err = filepath.WalkDir(filepath.Join(root, "internal"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasSuffix(path, "_test.go") || (!strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, ".html")) {
			return nil
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, re := range keyUses {
			for _, m := range re.FindAllStringSubmatch(string(raw), -1) {
				checked++
				if !i18n.Has(m[1]) {
					rel, _ := filepath.Rel(root, path)
					t.Errorf("%s uses message key %q, missing from a catalog", rel, m[1])
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 50 {
		t.Fatalf("only %d key uses found: the patterns no longer match the code", checked)
	}
}
