package jobs

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"partnercenter/internal/platform/db"
)

// Collector exports job counts by kind and state, read from river_job at
// scrape time so every node reports the same cluster-wide numbers.
type Collector struct {
	d    *db.DB
	desc *prometheus.Desc
}

// NewCollector returns the collector for d.
func NewCollector(d *db.DB) *Collector {
	return &Collector{d: d, desc: prometheus.NewDesc("partnercenter_jobs",
		"River jobs by kind and state.", []string{"kind", "state"}, nil)}
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

// Collect implements prometheus.Collector.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	rows, err := c.d.SQL.QueryContext(ctx, "SELECT kind, state, COUNT(*) FROM river_job GROUP BY kind, state")
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var kind, state string
		var n int64
		if err := rows.Scan(&kind, &state, &n); err != nil {
			ch <- prometheus.NewInvalidMetric(c.desc, err)
			return
		}
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n), kind, state)
	}
}
