// Package commerce holds what partners and their customers buy: the product
// catalogue (cloud service types and resource types), and, as their issues
// arrive, pricing, orders, payments, discounts, partner-pay, accounts and
// stored-value cards. Like every domain package it holds its types, rules and
// SQL; the open API and the consoles only translate HTTP to its calls.
package commerce
