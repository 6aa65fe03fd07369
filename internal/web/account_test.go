package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/platform/outbox"
)

func TestForcedPasswordChange(t *testing.T) {
	s := mustSite(t)
	sp := s.partner(t, "sp")
	admin := s.browser(t)
	admin.mustSignIn(sp.DomainName, sp.Admin.Password)
	_, pw := mustCreateMember(t, admin, url.Values{"account_name": {"new1"}, "display_name": {"新人"},
		"roles": {identity.PresetFinance}})

	b := s.browser(t)
	b.mustMemberSignIn(sp.DomainName, "new1", pw, "/account/password")
	for _, path := range []string{"/", "/account/profile", "/account/keys"} {
		resp, body := b.get(path)
		mustRedirect(t, resp, body, "/account/password")
	}
	resp, body := b.get("/account/password")
	mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "account.password.must_change"), "新人")
	if strings.Contains(body, `class="menu"`) {
		t.Error("the menu is shown before the password is changed")
	}

	t.Run("ErrPasswordMismatch", func(t *testing.T) {
		resp, body := b.submit("/account/password", "/account/password",
			url.Values{"old_password": {pw}, "new_password": {"Changed-pass1"}, "confirm_password": {"Changed-pass2"}})
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.password_mismatch"))
	})
	t.Run("ErrOldPasswordWrong", func(t *testing.T) {
		resp, body := b.submit("/account/password", "/account/password",
			url.Values{"old_password": {"Wrong-pass1"}, "new_password": {"Changed-pass1"}, "confirm_password": {"Changed-pass1"}})
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.old_password_wrong"))
	})
	t.Run("ErrWeakPassword", func(t *testing.T) {
		resp, body := b.submit("/account/password", "/account/password",
			url.Values{"old_password": {pw}, "new_password": {"short"}, "confirm_password": {"short"}})
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.password_policy"))
	})
	t.Run("ErrCSRF", func(t *testing.T) {
		resp, body := b.post("/account/password", url.Values{"csrf_token": {"forged"}, "old_password": {pw},
			"new_password": {"Changed-pass1"}, "confirm_password": {"Changed-pass1"}})
		mustStatus(t, resp, body, http.StatusForbidden, tr(i18n.ZH, "err.csrf"))
	})
	t.Run("OK", func(t *testing.T) {
		b.mustChangePassword(pw, "Changed-pass1", "/")
		resp, body := b.get("/")
		mustStatus(t, resp, body, http.StatusOK, `class="menu"`)
		resp, body = b.get("/account/profile")
		mustStatus(t, resp, body, http.StatusOK, "new1", "新人", "财务")
	})
}

// TestPasswordChangeEndsOtherSessions: the session that changes the
// password goes on, every other one of the member ends.
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	s := mustSite(t)
	sp := s.partner(t, "sp")
	one, two := s.browser(t), s.browser(t)
	one.mustSignIn(sp.DomainName, sp.Admin.Password)
	two.mustSignIn(sp.DomainName, sp.Admin.Password)
	before := one.sessionCookie()

	one.mustChangePassword(sp.Admin.Password, "Changed-pass1", "/account/profile?changed=1")
	resp, body := one.get("/account/profile?changed=1")
	mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "account.password.changed"))
	if one.sessionCookie() == before {
		t.Error("the session token was not renewed")
	}
	mustSignedOut(t, two)

	fresh := s.browser(t)
	fresh.mustSignIn(sp.DomainName, "Changed-pass1")
}

var resetCode = regexp.MustCompile(`验证码为：(\d{6})`)

func TestForgotPassword(t *testing.T) {
	s := mustSite(t)
	sp := s.partner(t, "sp")
	admin := s.browser(t)
	admin.mustSignIn(sp.DomainName, sp.Admin.Password)
	const email = "forgot1@partner.example.com"
	mustCreateMember(t, admin, url.Values{"account_name": {"forgot1"}, "email": {email}, "roles": {identity.PresetSA}})

	t.Run("OK/SignInPageLinks", func(t *testing.T) {
		resp, body := s.browser(t).get("/signin")
		mustStatus(t, resp, body, http.StatusOK, `href="/password/forgot"`, tr(i18n.ZH, "signin.forgot"))
	})

	sent := tr(i18n.ZH, "password.forgot.sent")
	t.Run("OK/SameAnswerForUnknown", func(t *testing.T) {
		for _, member := range []string{"nobody", ""} {
			b := s.browser(t)
			resp, body := b.submit("/password/forgot", "/password/forgot", url.Values{"account": {sp.DomainName}, "member": {member}})
			mustStatus(t, resp, body, http.StatusOK, sent)
		}
		b := s.browser(t)
		resp, body := b.submit("/password/forgot", "/password/forgot", url.Values{"account": {"no-such-partner"}, "member": {"x"}})
		mustStatus(t, resp, body, http.StatusOK, sent)
	})

	t.Run("ErrAccountRequired", func(t *testing.T) {
		resp, body := s.browser(t).submit("/password/forgot", "/password/forgot", url.Values{"member": {"forgot1"}})
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.account_required"), `value="forgot1"`)
	})

	b := s.browser(t)
	resp, body := b.submit("/password/forgot", "/password/forgot", url.Values{"account": {sp.DomainName}, "member": {"forgot1"}})
	mustStatus(t, resp, body, http.StatusOK, sent, `/password/reset?account=`+sp.DomainName+`&member=forgot1`)
	msgs, err := s.app.Outbox.List(t.Context(), outbox.Filter{To: email})
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 {
		t.Fatalf("%d messages to %s, want 1", len(msgs), email)
	}
	m := resetCode.FindStringSubmatch(msgs[0].Body)
	if m == nil {
		t.Fatalf("no code in %q", msgs[0].Body)
	}
	code := m[1]
	resetPage := "/password/reset?account=" + sp.DomainName + "&member=forgot1"

	t.Run("ErrResetCodeInvalid/KeepsInput", func(t *testing.T) {
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		resp, body := b.submit(resetPage, "/password/reset", url.Values{"account": {sp.DomainName}, "member": {"forgot1"},
			"code": {wrong}, "new_password": {"Reset-pass1"}, "confirm_password": {"Reset-pass1"}})
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.reset_code_invalid"),
			`value="`+sp.DomainName+`"`, `value="forgot1"`)
		if strings.Contains(body, "Reset-pass1") {
			t.Error("the page echoes the password")
		}
	})
	t.Run("ErrPasswordMismatch", func(t *testing.T) {
		resp, body := b.submit(resetPage, "/password/reset", url.Values{"account": {sp.DomainName}, "member": {"forgot1"},
			"code": {code}, "new_password": {"Reset-pass1"}, "confirm_password": {"Reset-pass2"}})
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.password_mismatch"))
	})
	t.Run("OK", func(t *testing.T) {
		resp, body := b.submit(resetPage, "/password/reset", url.Values{"account": {sp.DomainName}, "member": {"forgot1"},
			"code": {code}, "new_password": {"Reset-pass1"}, "confirm_password": {"Reset-pass1"}})
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "password.reset.done"), `id="signin-link"`)
		// The reset cleared the initial-password mark: straight home.
		s.browser(t).mustMemberSignIn(sp.DomainName, "forgot1", "Reset-pass1", "/")
	})
	t.Run("ErrResetCodeUsed", func(t *testing.T) {
		resp, body := b.submit(resetPage, "/password/reset", url.Values{"account": {sp.DomainName}, "member": {"forgot1"},
			"code": {code}, "new_password": {"Reset-pass2"}, "confirm_password": {"Reset-pass2"}})
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.reset_code_used"))
	})
}

var keyRow = regexp.MustCompile(`<tr data-ak="([A-Z0-9]{20})">`)

func TestAccessKeys(t *testing.T) {
	s := mustSite(t)
	sp := s.partner(t, "sp")
	admin := s.browser(t)
	admin.mustSignIn(sp.DomainName, sp.Admin.Password)
	_, pw := mustCreateMember(t, admin, url.Values{"account_name": {"apiuser"}, "roles": {identity.PresetSA}})
	b := s.browser(t)
	b.mustMemberSignIn(sp.DomainName, "apiuser", pw, "/account/password")
	b.mustChangePassword(pw, "Changed-pass1", "/")

	var ak, sk string
	t.Run("OK/Create", func(t *testing.T) {
		resp, body := b.get("/account/keys")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "account.keys.empty"))
		if strings.Contains(body, sp.AccessKey) {
			t.Error("a member sees the main account's key")
		}
		resp, body = b.submit("/account/keys", "/account/keys", url.Values{"description": {"销售平台"}})
		mustStatus(t, resp, body, http.StatusCreated, tr(i18n.ZH, "account.keys.created"), "销售平台")
		m := regexp.MustCompile(`id="new-ak">([A-Z0-9]{20})<`).FindStringSubmatch(body)
		n := regexp.MustCompile(`id="new-sk">([A-Za-z0-9]{40})<`).FindStringSubmatch(body)
		if m == nil || n == nil {
			t.Fatalf("no AK/SK shown:\n%s", body)
		}
		ak, sk = m[1], n[1]
		resp, body = b.get("/account/keys")
		mustStatus(t, resp, body, http.StatusOK, ak, tr(i18n.ZH, "account.keys.status.active"))
		if strings.Contains(body, sk) {
			t.Error("the list shows the secret again")
		}
	})

	t.Run("ErrTooManyAccessKeys", func(t *testing.T) {
		resp, body := b.submit("/account/keys", "/account/keys", url.Values{"description": {"second"}})
		mustStatus(t, resp, body, http.StatusCreated)
		resp, body = b.submit("/account/keys", "/account/keys", url.Values{"description": {"third"}})
		mustStatus(t, resp, body, http.StatusConflict, tr(i18n.ZH, "err.too_many_access_keys"), `value="third"`)
		if got := len(keyRow.FindAllString(body, -1)); got != 2 {
			t.Errorf("%d keys listed, want 2", got)
		}
	})

	t.Run("OK/DisableEnable", func(t *testing.T) {
		resp, body := b.submit("/account/keys", "/account/keys/"+ak+"/status", url.Values{"status": {"inactive"}})
		mustRedirect(t, resp, body, "/account/keys?saved=1")
		resp, body = b.get("/account/keys")
		mustStatus(t, resp, body, http.StatusOK, `id="enable-`+ak+`"`)
		_, _, err := s.app.Identity.AccessKeyActor(t.Context(), ak)
		if err == nil {
			t.Error("the disabled key still resolves")
		}
		resp, body = b.submit("/account/keys", "/account/keys/"+ak+"/status", url.Values{"status": {"active"}})
		mustRedirect(t, resp, body, "/account/keys?saved=1")
		resp, body = b.get("/account/keys")
		mustStatus(t, resp, body, http.StatusOK, `id="disable-`+ak+`"`)
	})

	t.Run("ErrNotFound/AnotherMembersKey", func(t *testing.T) {
		resp, body := b.submit("/account/keys", "/account/keys/"+sp.AccessKey+"/status", url.Values{"status": {"inactive"}})
		mustStatus(t, resp, body, http.StatusNotFound)
		resp, body = b.get("/account/keys/" + sp.AccessKey + "/delete")
		mustStatus(t, resp, body, http.StatusNotFound)
		resp, body = b.submit("/account/keys", "/account/keys/"+sp.AccessKey+"/delete", url.Values{})
		mustStatus(t, resp, body, http.StatusNotFound)
	})

	t.Run("OK/Delete", func(t *testing.T) {
		resp, body := b.get("/account/keys/" + ak + "/delete")
		mustStatus(t, resp, body, http.StatusOK, ak, `id="confirm-delete"`)
		resp, body = b.submit("/account/keys/"+ak+"/delete", "/account/keys/"+ak+"/delete", url.Values{})
		mustRedirect(t, resp, body, "/account/keys?deleted=1")
		resp, body = b.get("/account/keys?deleted=1")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "account.keys.deleted"))
		if strings.Contains(body, ak) {
			t.Error("the deleted key is still listed")
		}
	})
}
