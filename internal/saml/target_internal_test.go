package saml

import (
	"testing"
	"time"

	crewjam "github.com/crewjam/saml"
)

func TestLocalTarget(t *testing.T) {
	const base = "https://pc.example.com"
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"", "", true},
		{"/", "/", true},
		{"/customer/orders?id=1&x=%2F#top", "/customer/orders?id=1&x=%2F#top", true},
		{"https://pc.example.com/customer/", "/customer/", true},
		{"HTTPS://PC.EXAMPLE.COM", "/", true},
		{"https://pc.example.com.evil.com/", "", false},
		{"http://pc.example.com/customer/", "", false}, // another origin: the scheme differs
		{"https://evil.example.com/", "", false},
		{"//evil.example.com/", "", false},
		{`/\evil.example.com`, "", false},
		{"/%09/evil", "/%09/evil", true},
		{"/\t/evil", "", false},
		{"/ /evil", "", false},
		{"javascript:alert(1)", "", false},
		{"customer", "", false},
		{"https://user@pc.example.com/", "", false},
		{"/" + string(make([]byte, maxTarget)), "", false},
	}
	for _, tt := range tests {
		got, ok := localTarget(tt.in, base)
		if got != tt.want || ok != tt.ok {
			t.Errorf("localTarget(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestAttributes(t *testing.T) {
	attr := func(name, friendly, v string) crewjam.Attribute {
		return crewjam.Attribute{Name: name, FriendlyName: friendly, Values: []crewjam.AttributeValue{{Value: v}}}
	}
	a := &crewjam.Assertion{AttributeStatements: []crewjam.AttributeStatement{{Attributes: []crewjam.Attribute{
		attr("IAM_SAML_Attributes_xUserId", "", " u-1 "),
		attr("urn:oid:2.5.4.3", "domainName", "acme"),
		attr("IAM_SAML_Attributes_mobile", "", "86-13800000000"),
		{Name: "empty"},
	}}}}
	xUserID, attrs := attributes(a)
	if xUserID != "u-1" || attrs[AttrXUserID] != "u-1" || attrs[AttrName] != "acme" || attrs[AttrMobile] != "86-13800000000" ||
		attrs["urn:oid:2.5.4.3"] != "acme" {
		t.Fatalf("got %q, %v", xUserID, attrs)
	}
	if _, ok := attrs["empty"]; ok {
		t.Error("an attribute without values was kept")
	}
	for _, bad := range []string{"", "a\nb", string(make([]rune, 129))} {
		a := &crewjam.Assertion{AttributeStatements: []crewjam.AttributeStatement{{Attributes: []crewjam.Attribute{attr("xUserId", "", bad)}}}}
		if got, _ := attributes(a); got != "" {
			t.Errorf("xUserId %q accepted", bad)
		}
	}
}

func TestReplayUntil(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	floor := now.Add(crewjam.MaxIssueDelay + crewjam.MaxClockSkew)
	tests := []struct {
		name     string
		notAfter time.Time
		want     time.Time
	}{
		{"Floor", now.Add(time.Second), floor},
		{"NotOnOrAfter", now.Add(time.Hour), now.Add(time.Hour + crewjam.MaxClockSkew)},
		{"Capped", now.AddDate(1, 0, 0), now.Add(maxReplayWindow)},
	}
	for _, tt := range tests {
		a := &crewjam.Assertion{Conditions: &crewjam.Conditions{NotOnOrAfter: tt.notAfter},
			Subject: &crewjam.Subject{SubjectConfirmations: []crewjam.SubjectConfirmation{
				{SubjectConfirmationData: &crewjam.SubjectConfirmationData{NotOnOrAfter: now}}}}}
		if got := replayUntil(a, now); !got.Equal(tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}
