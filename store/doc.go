// Package store is owg's domain: the entities of a LEAD site, their
// validation, the rules owg enforces (visibility, triage, agenda) as pure
// functions, and the small per-entity store interfaces that the Badger
// implementation in store/badgerstore satisfies. It imports no UI, SSH or
// Badger package.
package store
