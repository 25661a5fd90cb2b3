// Package segregation holds the segregation-of-environments rules
// (GR-SEG-*): development, staging and production share no unit of
// deployment, network, account, namespace, secret or data; nothing in one
// environment reaches into another; production data stays out of the others;
// production namespaces deny traffic by default.
//
// Most of these rules look across resources. They work from the index the
// engine builds once per evaluation (resources by address, type, unit and
// namespace, each placed in its environment), so each rule is linear in the
// size of the input: no rule compares all pairs.
package segregation
