package identity_test

import (
	"context"
	"slices"
	"testing"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
)

// mustOperatorBy creates an operator through CreateOperatorBy and returns it
// with its one-time password.
func mustOperatorBy(tb testing.TB, f fixture, roles ...identity.OperatorRole) (identity.Operator, string) {
	tb.Helper()
	op, pw, err := f.svc.CreateOperatorBy(context.Background(), f.admin, identity.NewOperator{
		Username: uniqueName("op"), Roles: roles, Email: "ops@example.com"})
	if err != nil {
		tb.Fatalf("create operator: %v", err)
	}
	return op, pw
}

func TestCreateOperatorBy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)

		t.Run("OK", func(t *testing.T) {
			op, pw, err := f.svc.CreateOperatorBy(ctx, f.admin, identity.NewOperator{Username: " pdm.li ", DisplayName: "李生态",
				Password: "ignored-Passw0rd", Roles: []identity.OperatorRole{identity.RoleReviewer, identity.RoleEcoManager, identity.RoleReviewer}})
			assertErr(t, err, nil)
			if op.Username != "pdm.li" || !op.MustChangePassword || op.Status != identity.OperatorActive ||
				!slices.Equal(op.Roles, []identity.OperatorRole{identity.RoleEcoManager, identity.RoleReviewer}) {
				t.Fatalf("got %+v", op)
			}
			got, err := f.svc.SignInOperator(ctx, "pdm.li", pw)
			assertErr(t, err, nil)
			if !got.MustChangePassword || got.DisplayName != "李生态" {
				t.Fatalf("signed in as %+v", got)
			}
			_, err = f.svc.SignInOperator(ctx, "pdm.li", "ignored-Passw0rd")
			assertErr(t, err, identity.ErrBadCredentials)
		})

		t.Run("Errors", func(t *testing.T) {
			mustOperatorBy(t, f, identity.RoleReviewer)
			eco := mustOperator(t, f, uniqueName("eco"), identity.RoleEcoManager)
			tests := []struct {
				name  string
				actor identity.Actor
				in    identity.NewOperator
				want  error
			}{
				{"ErrUserNameFormat", f.admin, identity.NewOperator{Username: "9x", Roles: []identity.OperatorRole{identity.RoleReviewer}}, identity.ErrUserNameFormat},
				{"ErrUsernameTaken", f.admin, identity.NewOperator{Username: "admin", Roles: []identity.OperatorRole{identity.RoleReviewer}}, identity.ErrUsernameTaken},
				{"ErrOperatorRoles/None", f.admin, identity.NewOperator{Username: "x1"}, identity.ErrOperatorRoles},
				{"ErrOperatorRoles/Unknown", f.admin, identity.NewOperator{Username: "x1", Roles: []identity.OperatorRole{"root"}}, identity.ErrOperatorRoles},
				{"ErrEmailFormat", f.admin, identity.NewOperator{Username: "x1", Email: "x", Roles: []identity.OperatorRole{identity.RoleReviewer}}, identity.ErrEmailFormat},
				{"ErrForbidden/EcoManager", eco, identity.NewOperator{Username: "x1", Roles: []identity.OperatorRole{identity.RoleReviewer}}, identity.ErrForbidden},
				{"ErrForbidden/PartnerMain", mustOrg(t, f).main, identity.NewOperator{Username: "x1", Roles: []identity.OperatorRole{identity.RoleReviewer}}, identity.ErrForbidden},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					_, _, err := f.svc.CreateOperatorBy(ctx, tt.actor, tt.in)
					assertErr(t, err, tt.want)
				})
			}
		})
	})
}

func TestListOperators(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)
		rev, _ := mustOperatorBy(t, f, identity.RoleReviewer)
		eco, _ := mustOperatorBy(t, f, identity.RoleEcoManager, identity.RoleReviewer)
		assertErr(t, f.svc.SetOperatorStatus(ctx, f.admin, rev.ID, identity.OperatorDisabled), nil)

		tests := []struct {
			name      string
			filter    identity.OperatorFilter
			want      []string
			wantTotal int
		}{
			{"OKAll", identity.OperatorFilter{}, []string{f.admin.ID, rev.ID, eco.ID}, 3},
			{"OKRole", identity.OperatorFilter{Role: orgPtr(identity.RoleReviewer)}, []string{rev.ID, eco.ID}, 2},
			{"OKRoleEco", identity.OperatorFilter{Role: orgPtr(identity.RoleEcoManager)}, []string{eco.ID}, 1},
			{"OKStatus", identity.OperatorFilter{Status: orgPtr(identity.OperatorDisabled)}, []string{rev.ID}, 1},
			{"OKQuery", identity.OperatorFilter{Query: "ADM"}, []string{f.admin.ID}, 1},
			{"OKPage", identity.OperatorFilter{Limit: 1, Offset: 2}, []string{eco.ID}, 3},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				list, total, err := f.svc.ListOperators(ctx, f.admin, tt.filter)
				assertErr(t, err, nil)
				var got []string
				for _, v := range list {
					got = append(got, v.ID)
				}
				if !slices.Equal(got, tt.want) || total != tt.wantTotal {
					t.Fatalf("got %v (%d), want %v (%d)", got, total, tt.want, tt.wantTotal)
				}
			})
		}

		t.Run("OKMasked", func(t *testing.T) {
			list, _, err := f.svc.ListOperators(ctx, f.admin, identity.OperatorFilter{Query: eco.Username})
			assertErr(t, err, nil)
			if len(list) != 1 || list[0].Email != "o***@example.com" || !list[0].MustChangePassword {
				t.Fatalf("got %+v", list)
			}
		})

		t.Run("ErrForbidden", func(t *testing.T) {
			_, _, err := f.svc.ListOperators(ctx, mustOperator(t, f, uniqueName("rev"), identity.RoleReviewer), identity.OperatorFilter{})
			assertErr(t, err, identity.ErrForbidden)
		})
	})
}

func TestSetOperatorStatusAndRoles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)

		t.Run("OKDisable", func(t *testing.T) {
			op, pw := mustOperatorBy(t, f, identity.RoleReviewer)
			assertErr(t, f.svc.SetOperatorStatus(ctx, f.admin, op.ID, identity.OperatorDisabled), nil)
			assertErr(t, f.svc.SetOperatorStatus(ctx, f.admin, op.ID, identity.OperatorDisabled), nil)
			_, err := f.svc.SignInOperator(ctx, op.Username, pw)
			assertErr(t, err, identity.ErrAccountDisable)
			if epoch, _ := f.svc.OperatorSessionEpoch(ctx, op.ID); epoch != 1 {
				t.Errorf("epoch %d, want 1", epoch)
			}
			assertErr(t, f.svc.SetOperatorStatus(ctx, f.admin, op.ID, identity.OperatorActive), nil)
			_, err = f.svc.SignInOperator(ctx, op.Username, pw)
			assertErr(t, err, nil)
		})

		t.Run("OKRoles", func(t *testing.T) {
			op, _ := mustOperatorBy(t, f, identity.RoleReviewer)
			assertErr(t, f.svc.SetOperatorRoles(ctx, f.admin, op.ID, []identity.OperatorRole{identity.RolePlatformAdmin, identity.RoleEcoManager}), nil)
			got, _ := f.svc.OperatorByID(ctx, op.ID)
			if !slices.Equal(got.Roles, []identity.OperatorRole{identity.RolePlatformAdmin, identity.RoleEcoManager}) {
				t.Fatalf("roles %v", got.Roles)
			}
			// Keeping one's own platform_admin role is fine.
			assertErr(t, f.svc.SetOperatorRoles(ctx, f.admin, f.admin.ID, []identity.OperatorRole{identity.RolePlatformAdmin, identity.RoleReviewer}), nil)
		})

		t.Run("Errors", func(t *testing.T) {
			op, _ := mustOperatorBy(t, f, identity.RoleReviewer)
			eco := mustOperator(t, f, uniqueName("eco"), identity.RoleEcoManager)
			assertErr(t, f.svc.SetOperatorStatus(ctx, f.admin, f.admin.ID, identity.OperatorDisabled), identity.ErrOperatorSelfDisable)
			assertErr(t, f.svc.SetOperatorStatus(ctx, f.admin, op.ID, "gone"), identity.ErrOperatorStatus)
			assertErr(t, f.svc.SetOperatorStatus(ctx, f.admin, "nobody", identity.OperatorDisabled), apperr.NotFound)
			assertErr(t, f.svc.SetOperatorStatus(ctx, eco, op.ID, identity.OperatorDisabled), identity.ErrForbidden)
			assertErr(t, f.svc.SetOperatorRoles(ctx, f.admin, f.admin.ID, []identity.OperatorRole{identity.RoleReviewer}), identity.ErrOperatorSelfAdmin)
			assertErr(t, f.svc.SetOperatorRoles(ctx, f.admin, op.ID, nil), identity.ErrOperatorRoles)
			assertErr(t, f.svc.SetOperatorRoles(ctx, f.admin, "nobody", []identity.OperatorRole{identity.RoleReviewer}), apperr.NotFound)
			assertErr(t, f.svc.SetOperatorRoles(ctx, eco, op.ID, []identity.OperatorRole{identity.RolePlatformAdmin}), identity.ErrForbidden)
		})
	})
}

func TestChangeOperatorPassword(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)

		t.Run("OKFirstSignIn", func(t *testing.T) {
			op, initial := mustOperatorBy(t, f, identity.RoleReviewer)
			epoch, err := f.svc.ChangeOperatorPassword(ctx, op.Actor(), initial, newPassword)
			assertErr(t, err, nil)
			if epoch != 1 {
				t.Fatalf("epoch %d", epoch)
			}
			got, err := f.svc.SignInOperator(ctx, op.Username, newPassword)
			assertErr(t, err, nil)
			if got.MustChangePassword || got.SessionEpoch != 1 {
				t.Fatalf("got %+v", got)
			}
		})

		t.Run("OKResetByAdmin", func(t *testing.T) {
			op, _ := mustOperatorBy(t, f, identity.RoleReviewer)
			pw, err := f.svc.ResetOperatorPassword(ctx, f.admin, op.ID)
			assertErr(t, err, nil)
			got, err := f.svc.SignInOperator(ctx, op.Username, pw)
			assertErr(t, err, nil)
			if !got.MustChangePassword || got.SessionEpoch != 1 {
				t.Fatalf("got %+v", got)
			}
			_, err = f.svc.ResetOperatorPassword(ctx, f.admin, f.admin.ID)
			assertErr(t, err, identity.ErrForbidden)
		})

		t.Run("Errors", func(t *testing.T) {
			op, initial := mustOperatorBy(t, f, identity.RoleReviewer)
			tests := []struct {
				name     string
				actor    identity.Actor
				old, new string
				want     error
			}{
				{"ErrWeakPassword", op.Actor(), initial, op.Username, identity.ErrWeakPassword},
				{"ErrOldPasswordWrong", op.Actor(), wrongPassword, newPassword, identity.ErrOldPasswordWrong},
				{"ErrPasswordUnchanged", op.Actor(), initial, initial, identity.ErrPasswordUnchanged},
				{"ErrForbidden/Member", mustOrg(t, f).main, initial, newPassword, identity.ErrForbidden},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					_, err := f.svc.ChangeOperatorPassword(ctx, tt.actor, tt.old, tt.new)
					assertErr(t, err, tt.want)
				})
			}
		})
	})
}
