package order

// page clamps paging: limit 1..100, default 10; offset >= 0.
func page(offset, limit int) (int, int) {
	if limit <= 0 {
		limit = 10
	}
	if limit > 100 {
		limit = 100
	}
	if offset < 0 {
		offset = 0
	}
	return offset, limit
}

// pageLimit is page's result in the order db.Where.Page takes it.
func pageLimit(offset, limit int) (int, int) {
	offset, limit = page(offset, limit)
	return limit, offset
}
