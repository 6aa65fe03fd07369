// Package cbcapi is the open API of Partner Center, compatible with Huawei
// Cloud's CBC partner API so that integrations built on huaweicloud-sdk-go-v3
// (services/bss/v2, services/bssintl/v2) work by changing only the endpoint.
// It verifies AK/SK signatures and tokens, maps every route to a permission
// item, renders errors as {"error_code","error_msg"}, and translates HTTP to
// domain service calls; it holds no business rules and no SQL.
package cbcapi
