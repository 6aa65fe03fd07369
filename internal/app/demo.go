package app

import (
	"context"
	"errors"
	"fmt"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
)

// Demo is what `partnercenter demo --json` prints: the contract of
// design.md §5. Later features add keys; none are removed.
type Demo struct {
	Operator  Login          `json:"operator"`
	Partners  []DemoPartner  `json:"partners"`
	Customers []DemoCustomer `json:"customers"`
}

// Login is a user name and password.
type Login struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// DemoPartner is one demo partner with its main account and access key.
type DemoPartner struct {
	Key          string `json:"key"`
	Type         string `json:"type"`
	Parent       string `json:"parent,omitempty"`
	PartnerID    string `json:"partner_id"`
	DomainID     string `json:"domain_id"`
	DomainName   string `json:"domain_name"`
	XAccountType string `json:"xaccount_type"`
	Admin        Login  `json:"admin"`
	AccessKey    string `json:"access_key"`
	SecretKey    string `json:"secret_key"`
}

// DemoCustomer is one demo customer account, associated with a demo
// partner, with its password.
type DemoCustomer struct {
	Key string `json:"key"`
	// Partner is the key of the partner it is associated with.
	Partner string `json:"partner"`
	// AssociationType is "reseller" (代售) or "referral" (顾问销售).
	AssociationType string `json:"association_type"`
	DomainID        string `json:"domain_id"`
	DomainName      string `json:"domain_name"`
	Password        string `json:"password"`
}

type demoPartnerSpec struct {
	key, parent, domainName, name string
	typ                           identity.PartnerType
	eco                           identity.EcoManager
}

var demoPartners = []demoPartnerSpec{
	{key: "sp", domainName: "demo-sp", name: "华云智联解决方案有限公司", typ: identity.SolutionProvider,
		eco: identity.EcoManager{Name: "李明", Email: "liming@eco.example.com", Mobile: "13800000001"}},
	{key: "sp2", domainName: "demo-sp2", name: "青松数科有限公司", typ: identity.SolutionProvider,
		eco: identity.EcoManager{Name: "王芳", Email: "wangfang@eco.example.com", Mobile: "13800000002"}},
	{key: "dist", domainName: "demo-dist", name: "远航云总经销有限公司", typ: identity.Distributor,
		eco: identity.EcoManager{Name: "陈刚", Email: "chengang@eco.example.com", Mobile: "13800000003"}},
	{key: "reseller", parent: "dist", domainName: "demo-reseller", name: "星河云服务有限公司", typ: identity.CloudReseller,
		eco: identity.EcoManager{Name: "陈刚", Email: "chengang@eco.example.com", Mobile: "13800000003"}},
}

// demoCustomerSpec is a demo customer; creator is the partner whose API
// call creates it (a distributor creates its reseller's).
type demoCustomerSpec struct {
	key, partner, creator, domainName string
	typ                               customer.AssociationType
}

var demoCustomers = []demoCustomerSpec{
	{key: "sp-reseller", partner: "sp", creator: "sp", domainName: "demo-sp-resale-customer", typ: customer.Reseller},
	{key: "sp-referral", partner: "sp", creator: "sp", domainName: "demo-sp-referral-customer", typ: customer.Referral},
	{key: "reseller-reseller", partner: "reseller", creator: "dist", domainName: "demo-reseller-customer", typ: customer.Reseller},
}

const demoOperator = "operator"

// demoPassword is the same on every run for one server key, so seeding twice
// prints the same credentials without storing them in clear.
func (a *App) demoPassword(who string) string {
	return identity.DerivedPassword(a.Box.Derive("demo-password:" + who))
}

// SeedDemo creates the demo operator and partners if they are missing and
// returns their credentials. Idempotent: a second run finds and returns the
// same partners, passwords and keys; two nodes seeding at once converge.
func (a *App) SeedDemo(ctx context.Context) (Demo, error) {
	out := Demo{Operator: Login{Username: demoOperator, Password: a.demoPassword(demoOperator)}}
	op, err := a.Identity.OperatorByUsername(ctx, demoOperator)
	if errors.Is(err, apperr.NotFound) {
		op, err = a.Identity.CreateOperator(ctx, identity.NewOperator{
			Username: demoOperator, DisplayName: "平台管理员", Password: out.Operator.Password,
			Roles: []identity.OperatorRole{identity.RolePlatformAdmin}, Email: "operator@cloud.example.com",
		})
		if errors.Is(err, identity.ErrUsernameTaken) {
			op, err = a.Identity.OperatorByUsername(ctx, demoOperator)
		}
	}
	if err != nil {
		return Demo{}, fmt.Errorf("demo operator: %w", err)
	}
	ids := map[string]string{}
	partners := map[string]DemoPartner{}
	for _, spec := range demoPartners {
		dp, err := a.seedDemoPartner(ctx, op.Actor(), spec, ids[spec.parent])
		if err != nil {
			return Demo{}, fmt.Errorf("demo partner %s: %w", spec.key, err)
		}
		ids[spec.key] = dp.PartnerID
		partners[spec.key] = dp
		out.Partners = append(out.Partners, dp)
	}
	for _, spec := range demoCustomers {
		dc, err := a.seedDemoCustomer(ctx, spec, partners)
		if err != nil {
			return Demo{}, fmt.Errorf("demo customer %s: %w", spec.key, err)
		}
		out.Customers = append(out.Customers, dc)
	}
	// Quotas, money and orders are seeded by one node at a time: their
	// "already there?" checks would not stop two at once.
	err = a.withDemoLock(ctx, func() error {
		if err := a.seedDemoQuotas(ctx, op.Actor(), ids); err != nil {
			return err
		}
		if err := a.seedDemoFunds(ctx, op.Actor(), ids, out.Customers); err != nil {
			return err
		}
		return a.seedDemoCommerce(ctx, op.Actor(), ids, out.Customers)
	})
	if err != nil {
		return Demo{}, err
	}
	return out, nil
}

// seedDemoCustomer creates a demo customer through the creator's API use
// case if it is missing (found by its xaccount binding) and associates it
// at once, without waiting for the job.
func (a *App) seedDemoCustomer(ctx context.Context, spec demoCustomerSpec, partners map[string]DemoPartner) (DemoCustomer, error) {
	creator, owner := partners[spec.creator], partners[spec.partner]
	password := a.demoPassword("customer:" + spec.domainName)
	xaccountID := "demo-" + spec.key
	c, err := a.Customers.CustomerByXAccount(ctx, creator.XAccountType, xaccountID)
	if errors.Is(err, customer.ErrCustomerNotFound) {
		admin, err := a.Identity.MainMember(ctx, creator.PartnerID)
		if err != nil {
			return DemoCustomer{}, err
		}
		p, err := a.Identity.PartnerByDomainName(ctx, creator.DomainName)
		if err != nil {
			return DemoCustomer{}, err
		}
		in := customer.NewCustomer{XAccountID: xaccountID, XAccountType: creator.XAccountType,
			DomainName: &spec.domainName, Password: &password}
		if spec.typ == customer.Referral {
			one := "1"
			in.CooperationType = &one
		}
		if spec.partner != spec.creator {
			in.IndirectPartnerID = &owner.PartnerID
		}
		c, err = a.Customers.CreateSubCustomer(ctx, admin.Actor(p), in)
		if errors.Is(err, customer.ErrXAccountTaken) {
			c, err = a.Customers.CustomerByXAccount(ctx, creator.XAccountType, xaccountID)
		}
		if err != nil {
			return DemoCustomer{}, err
		}
	} else if err != nil {
		return DemoCustomer{}, err
	}
	assoc, err := a.Customers.AssociateNow(ctx, c.ID)
	if err != nil {
		return DemoCustomer{}, err
	}
	typ := "reseller"
	if assoc.Type == customer.Referral {
		typ = "referral"
	}
	return DemoCustomer{Key: spec.key, Partner: spec.partner, AssociationType: typ, DomainID: c.ID,
		DomainName: c.DomainName, Password: password}, nil
}

func (a *App) seedDemoPartner(ctx context.Context, op identity.Actor, spec demoPartnerSpec, parentID string) (DemoPartner, error) {
	password := a.demoPassword(spec.domainName)
	p, err := a.Identity.PartnerByDomainName(ctx, spec.domainName)
	if errors.Is(err, identity.ErrPartnerNotFound) {
		p, _, err = a.Identity.CreatePartner(ctx, op, identity.NewPartner{
			Type: spec.typ, ParentID: parentID, Name: spec.name, DomainName: spec.domainName,
			ContactMobile: "13900000000", ContactEmail: spec.domainName + "@partner.example.com",
			EcoManager: spec.eco, Password: password,
		})
		if errors.Is(err, identity.ErrDomainNameTaken) {
			p, err = a.Identity.PartnerByDomainName(ctx, spec.domainName)
		}
	}
	if err != nil {
		return DemoPartner{}, err
	}
	admin, err := a.Identity.MainMember(ctx, p.ID)
	if err != nil {
		return DemoPartner{}, err
	}
	ak, sk, err := a.demoAccessKey(ctx, admin.Actor(p))
	if err != nil {
		return DemoPartner{}, err
	}
	return DemoPartner{
		Key: spec.key, Type: string(p.Type), Parent: spec.parent, PartnerID: p.ID, DomainID: p.DomainID,
		DomainName: p.DomainName, XAccountType: p.XAccountType,
		Admin:     Login{Username: admin.AccountName, Password: password},
		AccessKey: ak, SecretKey: sk,
	}, nil
}

// demoAccessKey returns the admin's first key pair, creating it if missing.
func (a *App) demoAccessKey(ctx context.Context, admin identity.Actor) (string, string, error) {
	keys, err := a.Identity.AccessKeysOf(ctx, admin.PartnerID, admin.ID)
	if err != nil {
		return "", "", err
	}
	if len(keys) == 0 {
		k, secret, err := a.Identity.CreateAccessKey(ctx, admin, "demo")
		if err != nil {
			return "", "", err
		}
		return k.AccessKey, secret, nil
	}
	secret, err := a.Identity.AccessKeySecret(ctx, admin.PartnerID, admin.ID, keys[0].AccessKey)
	return keys[0].AccessKey, secret, err
}
