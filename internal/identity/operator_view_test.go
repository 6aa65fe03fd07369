package identity_test

import (
	"context"
	"testing"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
)

func TestOperator(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)
		op, _ := mustOperatorBy(t, f, identity.RoleReviewer)

		t.Run("OK", func(t *testing.T) {
			v, err := f.svc.Operator(ctx, f.admin, op.ID)
			assertErr(t, err, nil)
			if v.ID != op.ID || v.Username != op.Username || !v.MustChangePassword || v.Status != identity.OperatorActive ||
				len(v.Roles) != 1 || v.Roles[0] != identity.RoleReviewer {
				t.Errorf("got %+v, want the operator %+v", v, op)
			}
			if v.Email == op.Email || v.Email == "" {
				t.Errorf("e-mail %q, want %q masked", v.Email, op.Email)
			}
		})
		eco := mustOperator(t, f, uniqueName("eco"), identity.RoleEcoManager)
		tests := []struct {
			name  string
			actor identity.Actor
			id    string
			want  error
		}{
			{"ErrNotFound", f.admin, "00000000000000000000000000000000", apperr.NotFound},
			{"ErrForbidden/EcoManager", eco, op.ID, identity.ErrForbidden},
			{"ErrForbidden/PartnerMain", mustOrg(t, f).main, op.ID, identity.ErrForbidden},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := f.svc.Operator(ctx, tt.actor, tt.id)
				assertErr(t, err, tt.want)
			})
		}
	})
}
