package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"time"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/ids"
)

// genConfig is one generation run.
type genConfig struct {
	n, spread, spreadPartners int
	prefix                    string
	seed                      int64
	batch, txRows             int
	// resellerOnly associates every customer in the reseller model (代售),
	// as coupons need; otherwise 3 in 10 are referral customers.
	resellerOnly bool
	// ids, when set, receives the id of every reseller-model customer of
	// the partner idsFor, one a line (pcload -ids).
	ids    io.Writer
	idsFor string
	db     *db.DB
	now    time.Time
}

var prefixPattern = regexp.MustCompile(`^[a-z][a-z0-9]{0,5}$`)

func (g genConfig) check() error {
	switch {
	case !prefixPattern.MatchString(g.prefix):
		return fmt.Errorf("-prefix %q: want 1 to 6 lower-case letters and digits, starting with a letter", g.prefix)
	case g.n < 0 || g.spread < 0:
		return errors.New("-n and -spread: want 0 or more")
	case g.spread > 0 && g.spreadPartners < 1:
		return errors.New("-spread-partners: want 1 or more")
	case g.batch < 1 || g.batch > 1000:
		// 21 parameters a row: 1,000 rows stay under SQLite's 32,766.
		return errors.New("-batch: want 1 to 1000 rows")
	case g.txRows < g.batch:
		return errors.New("-tx: want at least -batch rows")
	}
	return nil
}

// xaccountID is the generated platform user id of customer i; the name,
// mobile and e-mail derive from i and the prefix as well, so they are unique
// per prefix.
func (g genConfig) xaccountID(i int) string { return fmt.Sprintf("%s-u%d", g.prefix, i) }

// prefixFree refuses a prefix an earlier run used.
func (g genConfig) prefixFree(ctx context.Context) error {
	var used bool
	if err := g.db.SQL.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM customers WHERE xaccount_id = $1)",
		g.xaccountID(0)).Scan(&used); err != nil {
		return fmt.Errorf("check prefix: %w", err)
	}
	if used {
		return fmt.Errorf("-prefix %q was used by an earlier run: pick another", g.prefix)
	}
	return nil
}

// Word lists for names: account names are pinyin-like syllables, real names
// Chinese companies and people, labels a few sales tags.
var (
	syllables = strings.Fields("an bai bo chen cheng da de dong fei feng gao guo hai hang hong hua jia jian jin " +
		"kai kang lan li lin long ming nan ning peng qi qing rui shan sheng shu tai tian wei wen xin xing ya yang " +
		"yi yu yuan yun zhi zhong")
	surnames   = strings.Fields("王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗")
	givenNames = strings.Fields("伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀英 霞 平")
	places     = strings.Fields("北京 上海 深圳 杭州 成都 武汉 南京 西安 苏州 广州 重庆 天津")
	trades     = strings.Fields("科技 网络 信息 数据 智能 软件 电子 物流 传媒 教育 医疗 贸易")
	labels     = strings.Fields("vip key-account trial smb gov edu finance retail game media channel-A channel-B")
	mailHosts  = strings.Fields("example.com mail.example.cn corp.example.net qq.example.com")
)

// row is one generated customer and its current association.
type row struct {
	id, name, mobileCC, mobile, email, xaccountType, xaccountID, realName, label, level, creator string
	customerType, verified                                                                       int
	closeMarketing                                                                               bool
	createdAt, updatedAt                                                                         time.Time
	assocID, partnerID                                                                           string
	assocType                                                                                    customer.AssociationType
	associatedAt                                                                                 time.Time
}

// makeRow generates customer i of partner p, created within the two years
// before now and associated seconds later, as the job does.
func (g genConfig) makeRow(r *rand.Rand, i int, p identity.Partner) row {
	pick := func(s []string) string { return s[r.IntN(len(s))] }
	name := pick(syllables) + pick(syllables) + "-" + g.prefix + strconv.FormatInt(int64(i), 36)
	if r.IntN(4) == 0 {
		name = pick(syllables) + "_" + name
	}
	created := g.now.Add(-time.Duration(r.Int64N(int64(2 * 365 * 24 * time.Hour)))).Truncate(time.Microsecond)
	associated := created.Add(time.Duration(200+r.IntN(4800)) * time.Millisecond)
	x := row{
		id: ids.New(), name: name, xaccountType: p.XAccountType, xaccountID: g.xaccountID(i),
		customerType: -1, verified: -1, level: "V0", creator: p.ID,
		closeMarketing: r.IntN(5) == 0,
		createdAt:      created, updatedAt: associated,
		assocID: ids.New(), partnerID: p.ID, assocType: customer.Reseller, associatedAt: associated,
	}
	if r.IntN(10) < 3 && !g.resellerOnly {
		x.assocType = customer.Referral
	}
	if r.IntN(10) < 7 {
		// 13X–19X and nine digits unique per i (and prefix, by its hash).
		x.mobileCC = customer.ChinaCountryCode
		x.mobile = fmt.Sprintf("1%d%09d", 3+r.IntN(7), (i*7919+prefixHash(g.prefix))%1_000_000_000)
	}
	if r.IntN(10) < 4 {
		x.email = fmt.Sprintf("%s.%s%d@%s", pick(syllables), g.prefix, i, pick(mailHosts))
	}
	if r.IntN(10) < 6 { // real-name verified: an enterprise or an individual
		x.verified = 2
		if r.IntN(3) == 0 {
			x.customerType, x.realName = 0, pick(surnames)+pick(givenNames)
		} else {
			x.customerType, x.realName = 1, pick(places)+pick(syllables)+pick(trades)+"有限公司"
		}
		x.level = "V" + strconv.Itoa(r.IntN(4))
	}
	if r.IntN(3) == 0 {
		x.label = pick(labels)
	}
	return x
}

func prefixHash(s string) int {
	h := 0
	for _, c := range s {
		h = h*31 + int(c)
	}
	return h % 1_000_000_000
}

const customerInsert = `INSERT INTO customers (id, domain_name, domain_name_key, mobile_country_code, mobile, email,
	password_hash, xaccount_type, xaccount_id, customer_type, real_name, verified_status, label, customer_level,
	domain_area, close_marketing, creator_partner_id, pending_partner_id, pending_type, created_at, updated_at) VALUES `

const associationInsert = `INSERT INTO customer_associations (id, customer_id, partner_id, type, associated_at) VALUES `

// insert writes n customers spread round-robin over partners, numbered from
// first, in transactions of g.txRows rows and statements of g.batch rows.
func (g genConfig) insert(ctx context.Context, partners []identity.Partner, n, first int) (int, error) {
	r := rand.New(rand.NewPCG(uint64(g.seed), uint64(first)))
	done := 0
	for done < n {
		m := min(g.txRows, n-done)
		err := g.db.InTx(ctx, func(tx *sql.Tx) error {
			for b := 0; b < m; b += g.batch {
				k := min(g.batch, m-b)
				rows := make([]row, k)
				for j := range rows {
					i := first + done + b + j
					rows[j] = g.makeRow(r, i, partners[i%len(partners)])
					if x := rows[j]; g.ids != nil && x.partnerID == g.idsFor && x.assocType == customer.Reseller {
						if _, err := fmt.Fprintln(g.ids, x.id); err != nil {
							return err
						}
					}
				}
				if err := g.insertRows(ctx, tx, rows); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return done, fmt.Errorf("insert customers %d–%d: %w", first+done, first+done+m-1, err)
		}
		done += m
	}
	return done, nil
}

func (g genConfig) insertRows(ctx context.Context, tx *sql.Tx, rows []row) error {
	// SQLite looks "$N" names up in a list, quadratic in a statement with
	// thousands of them; "?" is positional. PostgreSQL wants "$N".
	positional := g.db.Dialect == db.SQLite
	var sb strings.Builder
	args := make([]any, 0, len(rows)*21)
	sb.WriteString(customerInsert)
	for i, x := range rows {
		if i > 0 {
			sb.WriteByte(',')
		}
		placeholders(&sb, positional, len(args), 21)
		args = append(args, x.id, x.name, strings.ToLower(x.name), x.mobileCC, x.mobile, x.email,
			nil, x.xaccountType, x.xaccountID, x.customerType, x.realName, x.verified, x.label, x.level,
			"", x.closeMarketing, x.creator, nil, nil, x.createdAt, x.updatedAt)
	}
	if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
		return err
	}
	sb.Reset()
	args = args[:0]
	sb.WriteString(associationInsert)
	for i, x := range rows {
		if i > 0 {
			sb.WriteByte(',')
		}
		placeholders(&sb, positional, len(args), 5)
		args = append(args, x.assocID, x.id, x.partnerID, x.assocType, x.associatedAt)
	}
	_, err := tx.ExecContext(ctx, sb.String(), args...)
	return err
}

// placeholders writes "($k+1, …, $k+n)", or "(?, …)" when positional.
func placeholders(sb *strings.Builder, positional bool, k, n int) {
	sb.WriteByte('(')
	for j := 1; j <= n; j++ {
		if j > 1 {
			sb.WriteByte(',')
		}
		if positional {
			sb.WriteByte('?')
			continue
		}
		sb.WriteByte('$')
		sb.WriteString(strconv.Itoa(k + j))
	}
	sb.WriteByte(')')
}
