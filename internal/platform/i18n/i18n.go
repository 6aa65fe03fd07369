// Package i18n translates message keys into zh-CN and en-US. Catalogs are
// flat JSON files embedded in the binary; a placeholder {name} is replaced
// by the argument of that name. Keys are resolved only at the edge (pages,
// API error messages); domain code deals in keys.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

// Lang is a supported language tag.
type Lang string

const (
	ZH Lang = "zh-CN"
	EN Lang = "en-US"
)

// Default is the language used when nothing else is known: Partner Center's
// users work in Chinese first.
const Default = ZH

// Langs lists the supported languages.
var Langs = []Lang{ZH, EN}

//go:embed locales/*.json
var files embed.FS

var catalogs = mustLoad()

// mustLoad merges, per language, locales/<lang>.json and every
// locales/<lang>.<area>.json, so each area of the product keeps its messages
// in its own file. A key defined twice is a mistake and stops the program.
func mustLoad() map[Lang]map[string]string {
	out := map[Lang]map[string]string{}
	for _, l := range Langs {
		names, err := fs.Glob(files, "locales/"+string(l)+".*json")
		if err != nil || len(names) == 0 {
			panic(fmt.Sprintf("i18n: no catalog for %s", l))
		}
		all := map[string]string{}
		for _, name := range names {
			raw, err := files.ReadFile(name)
			if err != nil {
				panic(fmt.Sprintf("i18n: %v", err))
			}
			m := map[string]string{}
			if err := json.Unmarshal(raw, &m); err != nil {
				panic(fmt.Sprintf("i18n: %s: %v", name, err))
			}
			for k, v := range m {
				if _, dup := all[k]; dup {
					panic(fmt.Sprintf("i18n: %s: key %q defined twice", name, k))
				}
				all[k] = v
			}
		}
		out[l] = all
	}
	return out
}

// Key is a message key passed as a placeholder's argument: T translates it
// in the same language, so a domain error can name a reason by key and
// every face shows it translated.
type Key string

// T translates key into lang, filling {name} placeholders from args (a Key
// argument translated too). An
// unknown key comes back as itself so a missing translation is visible, not
// blank (and the parity test catches it first).
func T(lang Lang, key string, args map[string]any) string {
	msg, ok := catalogs[lang][key]
	if !ok {
		if msg, ok = catalogs[Default][key]; !ok {
			return key
		}
	}
	if len(args) == 0 || !strings.Contains(msg, "{") {
		return msg
	}
	pairs := make([]string, 0, 2*len(args))
	for k, v := range args {
		if nested, ok := v.(Key); ok {
			v = T(lang, string(nested), nil)
		}
		pairs = append(pairs, "{"+k+"}", fmt.Sprint(v))
	}
	return strings.NewReplacer(pairs...).Replace(msg)
}

// Has reports whether key exists in every catalog.
func Has(key string) bool {
	for _, l := range Langs {
		if _, ok := catalogs[l][key]; !ok {
			return false
		}
	}
	return true
}

// Keys returns the sorted keys of lang's catalog.
func Keys(lang Lang) []string {
	keys := make([]string, 0, len(catalogs[lang]))
	for k := range catalogs[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Parse maps a tag in any common spelling ("zh", "zh_CN", "en-us") to a
// supported Lang.
func Parse(tag string) (Lang, bool) {
	t := strings.ToLower(strings.TrimSpace(strings.ReplaceAll(tag, "_", "-")))
	switch {
	case t == "":
		return "", false
	case strings.HasPrefix(t, "zh"):
		return ZH, true
	case strings.HasPrefix(t, "en"):
		return EN, true
	}
	return "", false
}

// Negotiate picks the language from an explicit choice (a cookie), else the
// Accept-Language header (first supported tag by quality order as sent),
// else Default.
func Negotiate(choice, acceptLanguage string) Lang {
	if l, ok := Parse(choice); ok {
		return l
	}
	type tagQ struct {
		tag string
		q   float64
	}
	var tags []tagQ
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if _, err := fmt.Sscanf(v, "%g", &q); err != nil {
				q = 0
			}
		}
		tags = append(tags, tagQ{tag, q})
	}
	sort.SliceStable(tags, func(i, j int) bool { return tags[i].q > tags[j].q })
	for _, t := range tags {
		if t.q <= 0 {
			continue
		}
		if l, ok := Parse(t.tag); ok {
			return l
		}
	}
	return Default
}

// APILang maps the open API's X-Language header (zh_CN default, en_US).
func APILang(header string) Lang {
	if l, ok := Parse(header); ok {
		return l
	}
	return Default
}
