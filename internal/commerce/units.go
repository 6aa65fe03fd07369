package commerce

import "math/big"

// ratio is an exact conversion factor num/den: how many of one unit make
// one of another (1 minute = 1/60 hour).
type ratio struct{ num, den int64 }

// conversionFactors returns, for every pair of units connected by
// conversions (of the same measure type), how many of the second make one
// of the first; a unit converts to itself with 1/1. Conversions chain
// (day → hour → minute) and run both ways.
func conversionFactors(list []Conversion) map[[2]int]ratio {
	type edge struct {
		to int
		r  ratio
	}
	graph := map[int][]edge{}
	for _, c := range list {
		if c.Ratio <= 0 {
			continue
		}
		graph[c.MeasureID] = append(graph[c.MeasureID], edge{c.RefMeasureID, ratio{c.Ratio, 1}})
		graph[c.RefMeasureID] = append(graph[c.RefMeasureID], edge{c.MeasureID, ratio{1, c.Ratio}})
	}
	out := map[[2]int]ratio{}
	for from := range graph {
		seen := map[int]ratio{from: {1, 1}}
		queue := []int{from}
		for len(queue) > 0 {
			at := queue[0]
			queue = queue[1:]
			for _, e := range graph[at] {
				if _, ok := seen[e.to]; ok {
					continue
				}
				seen[e.to] = mulRatio(seen[at], e.r)
				queue = append(queue, e.to)
			}
		}
		for to, r := range seen {
			out[[2]int{from, to}] = r
		}
	}
	return out
}

// mulRatio multiplies and reduces two ratios.
func mulRatio(a, b ratio) ratio {
	n := new(big.Int).Mul(big.NewInt(a.num), big.NewInt(b.num))
	d := new(big.Int).Mul(big.NewInt(a.den), big.NewInt(b.den))
	g := new(big.Int).GCD(nil, nil, n, d)
	return ratio{n.Div(n, g).Int64(), d.Div(d, g).Int64()}
}

// factor returns how many to-units make one from-unit, and whether the
// units convert at all.
func (s *priceSnapshot) factor(from, to int) (ratio, bool) {
	if from == to {
		if _, ok := s.unitType[from]; ok {
			return ratio{1, 1}, true
		}
		return ratio{}, false
	}
	r, ok := s.factors[[2]int{from, to}]
	return r, ok
}
