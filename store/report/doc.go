// Package report computes owg's aggregate reports (issue 7, and the
// intake_response section of issue 9) from records already loaded from
// the store. Build is pure: it reads nothing, writes nothing and audits
// nothing; Load reads the records through store.Store.
//
// Every report is role-aware. Aggregates are shown to every role, but for
// roles that may never see identities (store.SeesIdentities is false) any
// count describing 1 to 4 people is suppressed and rendered "<5"; zero is
// shown. Shares, medians and percentiles computed from a suppressed count
// are suppressed with it, and where a set of counts adds up to a shown
// total and exactly one of them is suppressed, the next smallest is
// suppressed too so that the hidden one cannot be recovered by subtraction.
package report
