package money_test

import (
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"partnercenter/internal/platform/money"
)

// mustParse parses s or fails the test.
func mustParse(tb testing.TB, s string) money.Amount {
	tb.Helper()
	a, err := money.Parse(s)
	if err != nil {
		tb.Fatalf("Parse(%q): %v", s, err)
	}
	return a
}

// assertAmount fails unless got prints as want.
func assertAmount(tb testing.TB, got money.Amount, want string) {
	tb.Helper()
	if got.String() != want {
		tb.Fatalf("got %s, want %s", got, want)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"keeps two decimals", "100.50", "100.50"},
		{"pads one decimal", "100.5", "100.50"},
		{"pads an integer", "7", "7.00"},
		{"reads zero", "0", "0.00"},
		{"reads negative zero as zero", "-0.00", "0.00"},
		{"reads a negative amount", "-12.34", "-12.34"},
		{"reads an explicit plus sign", "+1.2", "1.20"},
		{"accepts trailing zeros past the cents", "1.500", "1.50"},
		{"accepts leading zeros", "007.05", "7.05"},
		{"accepts exponent yielding an integer", "1e3", "1000.00"},
		{"accepts exponent yielding cents", "1.5E-1", "0.15"},
		{"accepts exponent yielding cents with trailing zero", "1.50e-1", "0.15"},
		{"accepts negative exponent of zero", "0e-9999", "0.00"},
		{"accepts the largest amount", "92233720368547758.07", "92233720368547758.07"},
		{"accepts the smallest amount", "-92233720368547758.08", "-92233720368547758.08"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := money.Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			assertAmount(t, got, tt.want)
		})
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"rejects empty", "", money.ErrSyntax},
		{"rejects NaN", "NaN", money.ErrSyntax},
		{"rejects Inf", "Inf", money.ErrSyntax},
		{"rejects letters", "abc", money.ErrSyntax},
		{"rejects surrounding space", " 1.00", money.ErrSyntax},
		{"rejects thousands separator", "1,000.00", money.ErrSyntax},
		{"rejects missing integer part", ".5", money.ErrSyntax},
		{"rejects missing fraction digits", "5.", money.ErrSyntax},
		{"rejects unicode minus", "\u22125", money.ErrSyntax},
		{"rejects hex", "0x10", money.ErrSyntax},
		{"rejects bare exponent", "1e", money.ErrSyntax},
		{"rejects currency symbol", "¥100", money.ErrSyntax},
		{"rejects three decimals", "1.005", money.ErrPrecision},
		{"rejects three negative decimals", "-0.001", money.ErrPrecision},
		{"rejects many decimals", "0.12345678", money.ErrPrecision},
		{"rejects exponent yielding three decimals", "1e-3", money.ErrPrecision},
		{"rejects tiny exponent cheaply", "1e-9999", money.ErrPrecision},
		{"rejects one cent past the largest amount", "92233720368547758.08", money.ErrRange},
		{"rejects huge exponent cheaply", "1e9999", money.ErrRange},
		{"rejects exponent beyond decimal's limit", "1e99999", money.ErrRange},
		{"rejects overlong input", "1" + strings.Repeat("0", 100), money.ErrRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := money.Parse(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Parse(%q) error = %v, want %v", tt.in, err, tt.want)
			}
		})
	}
}

func TestMustParse(t *testing.T) {
	t.Run("returns the amount", func(t *testing.T) {
		assertAmount(t, money.MustParse("3.1"), "3.10")
	})
	t.Run("panics on bad input", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Fatal("MustParse did not panic")
			}
		}()
		money.MustParse("3.141")
	})
}

func TestFromCentsAndCents(t *testing.T) {
	tests := []struct {
		name   string
		cents  int64
		string string
	}{
		{"formats whole yuan", 10000, "100.00"},
		{"formats yuan and fen", 10050, "100.50"},
		{"formats a single fen", 1, "0.01"},
		{"formats zero", 0, "0.00"},
		{"formats a negative amount", -705, "-7.05"},
		{"formats max int64", math.MaxInt64, "92233720368547758.07"},
		{"formats min int64", math.MinInt64, "-92233720368547758.08"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := money.FromCents(tt.cents)
			assertAmount(t, a, tt.string)
			got, want := a.Cents(), tt.cents
			if got != want {
				t.Fatalf("Cents() = %d, want %d", got, want)
			}
			got = mustParse(t, tt.string).Cents()
			if got != want {
				t.Fatalf("Parse(%q).Cents() = %d, want %d", tt.string, got, want)
			}
		})
	}
}

func TestCentsPanicsOutOfRange(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("Cents did not panic on overflow")
		}
	}()
	money.FromCents(math.MaxInt64).Add(money.FromCents(1)).Cents()
}

func TestArithmetic(t *testing.T) {
	tests := []struct {
		name string
		got  money.Amount
		want string
	}{
		{"adds 0.1 and 0.2 exactly", mustParse(t, "0.1").Add(mustParse(t, "0.2")), "0.30"},
		{"adds a negative", mustParse(t, "10").Add(mustParse(t, "-0.01")), "9.99"},
		{"subtracts below zero", mustParse(t, "1.00").Sub(mustParse(t, "1.01")), "-0.01"},
		{"subtracts to zero", mustParse(t, "0.3").Sub(mustParse(t, "0.1")).Sub(mustParse(t, "0.2")), "0.00"},
		{"sums ten dimes to one", sumN(t, "0.10", 10), "1.00"},
		{"zero value is zero", money.Amount{}, "0.00"},
		{"zero value adds", money.Amount{}.Add(mustParse(t, "2.5")), "2.50"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertAmount(t, tt.got, tt.want)
		})
	}
}

// sumN adds the amount s to itself n times, starting from zero.
func sumN(tb testing.TB, s string, n int) money.Amount {
	tb.Helper()
	var total money.Amount
	for range n {
		total = total.Add(mustParse(tb, s))
	}
	return total
}

func TestMulAndRound2(t *testing.T) {
	tests := []struct {
		name      string
		amount    string
		factor    string
		wantExact string
		want      string
	}{
		{"keeps the product exact", "19.99", "3", "59.97", "59.97"},
		{"rounds a discount half up", "10.25", "0.5", "5.125", "5.13"},
		{"rounds below half down", "10.01", "0.85", "8.5085", "8.51"},
		{"rounds half away from zero for negatives", "-10.25", "0.5", "-5.125", "-5.13"},
		{"rounds 0.005 up not to even", "0.01", "0.5", "0.005", "0.01"},
		{"rounds 0.015 up not to even", "0.03", "0.5", "0.015", "0.02"},
		{"multiplies by zero", "123.45", "0", "0", "0.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			exact := mustParse(t, tt.amount).Mul(decimal.RequireFromString(tt.factor))
			if !exact.Equal(decimal.RequireFromString(tt.wantExact)) {
				t.Fatalf("Mul = %s, want %s", exact, tt.wantExact)
			}
			assertAmount(t, money.Round2(exact), tt.want)
		})
	}
}

func TestRound2OrderLevel(t *testing.T) {
	// Three lines of 0.333 each: rounding the total once gives 1.00, whereas
	// rounding each line would give 0.99. This is why Mul returns a decimal.
	price := mustParse(t, "1.11")
	third := decimal.RequireFromString("0.3")
	total := decimal.Zero
	for range 3 {
		total = total.Add(price.Mul(third))
	}
	got, want := money.Round2(total).String(), "1.00"
	if got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}

func TestCompare(t *testing.T) {
	a, b := mustParse(t, "1.50"), mustParse(t, "1.5")
	neg := mustParse(t, "-0.01")
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"equal amounts compare 0", a.Cmp(b), 0},
		{"smaller compares -1", neg.Cmp(a), -1},
		{"larger compares 1", a.Cmp(neg), 1},
		{"equal amounts are Equal", a.Equal(b), true},
		{"different amounts are not Equal", a.Equal(neg), false},
		{"zero value is zero", money.Amount{}.IsZero(), true},
		{"parsed zero is zero", mustParse(t, "0.00").IsZero(), true},
		{"a cent is not zero", mustParse(t, "0.01").IsZero(), false},
		{"negative is negative", neg.IsNegative(), true},
		{"zero is not negative", money.Amount{}.IsNegative(), false},
		{"positive is not negative", a.IsNegative(), false},
		{"exposes its decimal", a.Decimal().String(), "1.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Fatalf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

func TestMarshalJSON(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"writes a number with two decimals", mustParse(t, "100.5"), `100.50`},
		{"writes zero", money.Amount{}, `0.00`},
		{"writes a negative", mustParse(t, "-3"), `-3.00`},
		{"writes inside a struct", struct {
			Amount money.Amount `json:"amount"`
		}{mustParse(t, "0.07")}, `{"amount":0.07}`},
		{"writes through a pointer", ptr(mustParse(t, "1")), `1.00`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			got, want := string(b), tt.want
			if got != want {
				t.Fatalf("got %s, want %s", got, want)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestUnmarshalJSON(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"reads a number", `100.5`, "100.50"},
		{"reads a numeric string", `"100.5"`, "100.50"},
		{"reads an integer", `42`, "42.00"},
		{"reads a negative number", `-0.3`, "-0.30"},
		{"reads a negative string", `"-0.3"`, "-0.30"},
		{"reads a number in exponent form", `1.2e2`, "120.00"},
		{"reads a string with JSON escapes", `"1\u002e5"`, "1.50"},
		{"leaves the value on null", `null`, "9.99"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustParse(t, "9.99")
			if err := json.Unmarshal([]byte(tt.in), &got); err != nil {
				t.Fatalf("Unmarshal(%s): %v", tt.in, err)
			}
			assertAmount(t, got, tt.want)
		})
	}
}

func TestUnmarshalJSONRejects(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error
		msg  string // a fragment the error message must carry
	}{
		{"rejects true", `true`, money.ErrSyntax, "bool"},
		{"rejects false", `false`, money.ErrSyntax, "bool"},
		{"rejects an object", `{"amount":1}`, money.ErrSyntax, "object"},
		{"rejects an array", `[1]`, money.ErrSyntax, "array"},
		{"rejects an empty string", `""`, money.ErrSyntax, "empty"},
		{"rejects a non-numeric string", `"abc"`, money.ErrSyntax, "abc"},
		{"rejects a padded string", `" 1.00"`, money.ErrSyntax, "1.00"},
		{"rejects three decimals as a number", `1.005`, money.ErrPrecision, "1.005"},
		{"rejects three decimals as a string", `"1.005"`, money.ErrPrecision, "1.005"},
		{"rejects an out-of-range number", `1e30`, money.ErrRange, "1e30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got money.Amount
			err := json.Unmarshal([]byte(tt.in), &got)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Unmarshal(%s) error = %v, want %v", tt.in, err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("error %q does not mention %q", err, tt.msg)
			}
		})
	}
}

func TestUnmarshalJSONInStruct(t *testing.T) {
	// The shape the huaweicloud SDK sends: decimals as strings, sometimes
	// alongside plain numbers, and optional amounts as null or absent.
	var got struct {
		Balance  money.Amount  `json:"balance"`
		Credit   money.Amount  `json:"credit"`
		Optional *money.Amount `json:"optional"`
	}
	in := `{"balance":"1234.56","credit":0.1,"optional":null}`
	if err := json.Unmarshal([]byte(in), &got); err != nil {
		t.Fatal(err)
	}
	assertAmount(t, got.Balance, "1234.56")
	assertAmount(t, got.Credit, "0.10")
	if got.Optional != nil {
		t.Fatalf("got optional %v, want nil", got.Optional)
	}
}

func TestValue(t *testing.T) {
	tests := []struct {
		name string
		in   money.Amount
		want driver.Value
	}{
		{"stores cents", mustParse(t, "100.50"), int64(10050)},
		{"stores negative cents", mustParse(t, "-0.07"), int64(-7)},
		{"stores zero value", money.Amount{}, int64(0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.in.Value()
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("got %#v, want %#v", got, tt.want)
			}
		})
	}
	t.Run("fails out of range", func(t *testing.T) {
		huge := money.FromCents(math.MaxInt64).Add(money.FromCents(1))
		if _, err := huge.Value(); !errors.Is(err, money.ErrRange) {
			t.Fatalf("got %v, want %v", err, money.ErrRange)
		}
	})
}

func TestScan(t *testing.T) {
	tests := []struct {
		name string
		src  any
		want string
	}{
		{"reads int64 cents", int64(10050), "100.50"},
		{"reads negative int64 cents", int64(-1), "-0.01"},
		{"reads text cents as bytes", []byte("10050"), "100.50"},
		{"reads text cents as string", "-705", "-7.05"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got money.Amount
			if err := got.Scan(tt.src); err != nil {
				t.Fatal(err)
			}
			assertAmount(t, got, tt.want)
		})
	}
}

func TestScanRejects(t *testing.T) {
	tests := []struct {
		name string
		src  any
	}{
		{"rejects NULL", nil},
		{"rejects float64", 100.5},
		{"rejects decimal text", "100.50"},
		{"rejects empty text", ""},
		{"rejects non-numeric bytes", []byte("abc")},
		{"rejects overflowing text", "9223372036854775808"},
		{"rejects bool", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustParse(t, "9.99")
			if err := got.Scan(tt.src); err == nil {
				t.Fatalf("Scan(%#v) succeeded with %s", tt.src, got)
			}
			assertAmount(t, got, "9.99") // a failed scan leaves the value alone
		})
	}
}

func TestRoundTrips(t *testing.T) {
	// Every amount must survive the database and JSON unchanged.
	for _, s := range []string{"0.00", "0.01", "-0.01", "100.50", "92233720368547758.07"} {
		t.Run("round-trips "+s, func(t *testing.T) {
			want := mustParse(t, s)

			v, err := want.Value()
			if err != nil {
				t.Fatal(err)
			}
			var fromDB money.Amount
			if err := fromDB.Scan(v); err != nil {
				t.Fatal(err)
			}
			if !fromDB.Equal(want) {
				t.Fatalf("database round trip: got %s, want %s", fromDB, want)
			}

			b, err := json.Marshal(want)
			if err != nil {
				t.Fatal(err)
			}
			var fromJSON money.Amount
			if err := json.Unmarshal(b, &fromJSON); err != nil {
				t.Fatal(err)
			}
			if !fromJSON.Equal(want) {
				t.Fatalf("JSON round trip: got %s, want %s", fromJSON, want)
			}
		})
	}
}

// The interfaces database/sql looks for, checked at compile time.
var (
	_ driver.Valuer    = money.Amount{}
	_ sql.Scanner      = (*money.Amount)(nil)
	_ json.Marshaler   = money.Amount{}
	_ json.Unmarshaler = (*money.Amount)(nil)
)
