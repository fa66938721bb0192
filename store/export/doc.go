// Package export writes owg's exports: the de-identified CSV for
// evaluators, and the Markdown case-conference summary and meeting
// minutes, which carry the 42 CFR 2.32 re-disclosure notice at the top
// and honour the exporting user's visibility exactly as the screens do
// (they are built from store.ViewParticipant and store.Minutes).
//
// The functions that take a store.Store audit what they export (an
// "export" event with the subject id and a code, never content);
// DeidentifiedCSV is pure and its caller records the event with Audit.
package export
