package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/leadtable/owg/store"
)

func newReferralCmd(app *App) *cobra.Command {
	cmd := groupCmd("referral", "Import, add, rank and decide referrals")
	cmd.AddCommand(newReferralImportCmd(app), newReferralAddCmd(app), newReferralRankCmd(app), newReferralDecideCmd(app), newReferralListCmd(app), newReferralHandoffCmd(app))
	return cmd
}

// referralStaff opens the store and checks that the actor may work the
// referral queue (pm, supervisor, case manager).
func referralStaff(ctx context.Context, app *App) (store.Store, store.Actor, error) {
	st, a, err := app.openAs(ctx)
	if err != nil {
		return nil, store.Actor{}, err
	}
	if store.Visible(a.Role, 0, store.DataReferrals) != store.Shown {
		// a denied view is audited (ids and codes only)
		if err := st.Record(ctx, store.AuditEvent{User: a.User, Role: a.Role, Action: store.AuditDenied, Subject: "referrals", Detail: "referral-queue", Addr: a.Addr}); err != nil {
			return nil, store.Actor{}, err
		}
		return nil, store.Actor{}, fmt.Errorf("the referral queue is not shared with the %s role: %w", a.Role, store.ErrDenied)
	}
	return st, a, nil
}

// queue is what ranking needs: the queue, active participants, users and
// the computed capacity.
type queue struct {
	referrals    []store.Referral
	participants []store.Participant
	users        []store.User
	capacity     int
}

func loadQueue(ctx context.Context, st store.Store, proto store.Protocol) (queue, error) {
	var q queue
	var err error
	q.referrals, err = st.ListReferrals(ctx, store.ReferralFilter{
		Statuses: []store.ReferralStatus{store.RefNew, store.RefWaitlisted, store.RefScreenedOut},
	})
	if err != nil {
		return q, err
	}
	q.participants, err = st.ListParticipants(ctx, store.ParticipantFilter{ActiveOnly: true})
	if err != nil {
		return q, err
	}
	q.users, err = st.ListUsers(ctx)
	if err != nil {
		return q, err
	}
	q.capacity = store.Capacity(proto, q.users, q.participants)
	return q, nil
}

// parseAsOf parses an --as-of flag, defaulting to today.
func parseAsOf(app *App, s string) (time.Time, error) {
	if s == "" {
		return store.Today(app.Now()), nil
	}
	d, err := store.ParseDate(s)
	if err != nil {
		return time.Time{}, usagef("--as-of: %v", err)
	}
	return d, nil
}

// rankingIDs are the referrals a ranking shows, and the participant each
// re-referral names, once each in order.
func rankingIDs(rk store.Ranking) []string {
	var ids []string
	for _, r := range rk.Ranked {
		ids = append(ids, r.Referral.ID)
	}
	for _, r := range rk.ScreenedOut {
		ids = append(ids, r.Referral.ID)
	}
	for _, r := range rk.ReReferrals {
		ids = append(ids, r.Referral.ID, r.ParticipantID)
	}
	return uniqueIDs(ids)
}

// uniqueIDs keeps the first of each non-empty id, in order.
func uniqueIDs(ids []string) []string {
	seen := map[string]bool{}
	out := ids[:0:0]
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func newReferralRankCmd(app *App) *cobra.Command {
	var (
		asOf     string
		capacity int
		asJSON   bool
		width    int
	)
	cmd := &cobra.Command{
		Use:   "rank [--as-of YYYY-MM-DD] [--capacity N] [--json]",
		Short: "Rank the referral queue against capacity, with every score's breakdown",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			day, err := parseAsOf(app, asOf)
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("capacity") && capacity < 0 {
				return usagef("--capacity: %d is negative", capacity)
			}
			proto, err := app.Protocol()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			st, a, err := referralStaff(ctx, app)
			if err != nil {
				return err
			}
			version := app.ProtocolVersion()
			today := day.Equal(store.Today(app.Now()))
			if !today {
				// the criteria in force on that date, not today's
				if proto, version, err = protocolAsOf(ctx, st, proto, version, day); err != nil {
					return err
				}
			}
			q, err := loadQueue(ctx, st, proto)
			if err != nil {
				return err
			}
			if !today {
				// the queue as it stood then, from history
				if q.referrals, err = queueAsOf(ctx, st, day); err != nil {
					return err
				}
			}
			if cmd.Flags().Changed("capacity") {
				q.capacity = capacity
			}
			rk := store.Rank(proto, q.referrals, q.participants, q.capacity, day)
			rk.ProtocolVersion = version
			// the ranking shows every queued referral (and a re-referral's
			// participant): one view event naming each, as list screens do
			if err := st.AuditList(ctx, a, "referral-rank", rankingIDs(rk)); err != nil {
				return err
			}
			if today {
				// a ranking shown is a prioritization event: every score
				// that changed is kept in the referral's history
				if _, err := st.RecordScores(ctx, a, rk.ScoreRecords()); err != nil {
					return err
				}
			}
			if asJSON {
				b, err := rk.JSON()
				if err != nil {
					return err
				}
				_, err = app.Stdout.Write(b)
				return err
			}
			_, err = fmt.Fprint(app.Stdout, rk.Text(width))
			return err
		},
	}
	cmd.Flags().StringVar(&asOf, "as-of", "", "rank as of this date, YYYY-MM-DD (default today)")
	cmd.Flags().IntVar(&capacity, "capacity", 0, "open slots (default: computed from caseloads and caps)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().IntVar(&width, "width", 100, "width of the text table")
	return cmd
}

func newReferralDecideCmd(app *App) *cobra.Command {
	var cm, code, reason, meeting string
	cmd := &cobra.Command{
		Use:   "decide ID (accept --case-manager NAME | waitlist [--code CODE] | decline --code CODE) [--reason TEXT]",
		Short: "Record the OWG's decision on a referral",
		Long: `Record the OWG's decision on a referral. Accepting creates the participant and
assigns the case manager, refused past the hard cap; accepting a re-referral
links it to the enrolled participant, who keeps their case manager (no
--case-manager needed).
A decline takes --code, one of the protocol's decline_reasons (a waitlist, one
of its waitlist_reasons): the referrer reads only that code's label. --reason is
an internal note for the pm, supervisors and case managers, never shown to the
referrer; a --reason with no --code is kept as that note with code "other".
An override (accepting a referral the ranking waitlists, or declining or
waitlisting one it offers a slot) needs a reason and is audited as an override.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, action := args[0], args[1]
			switch action {
			case "accept": // --case-manager is checked below: a re-referral needs none
			case "waitlist":
			case "decline":
				if strings.TrimSpace(reason) == "" && strings.TrimSpace(code) == "" {
					return usagef("decline needs --code CODE (see owg protocol show: decline_reasons)")
				}
			default:
				return usagef("decision %q: want accept, waitlist or decline", action)
			}
			proto, err := app.Protocol()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			st, a, err := referralStaff(ctx, app)
			if err != nil {
				return err
			}
			if !store.CanDecideReferrals(a.Role) {
				return fmt.Errorf("referral decisions are recorded by the pm or a supervisor, not the %s role: %w", a.Role, store.ErrDenied)
			}
			ref, err := st.GetReferral(ctx, id)
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("ID: no referral %s", id)
			}
			if err != nil {
				return err
			}
			switch ref.Status {
			case store.RefNew, store.RefWaitlisted, store.RefScreenedOut:
			default:
				return fmt.Errorf("referral %s is already %s", id, ref.Status)
			}
			q, err := loadQueue(ctx, st, proto)
			if err != nil {
				return err
			}
			rk := store.Rank(proto, q.referrals, q.participants, q.capacity, store.Today(app.Now()))
			rk.ProtocolVersion = app.ProtocolVersion()
			current, pos, link := rankingDecision(rk, id)
			standing, standingText, ranked := rk.Standing(id)

			if meeting != "" {
				if _, err := st.GetMeeting(ctx, meeting); errors.Is(err, store.ErrNotFound) {
					return fmt.Errorf("--meeting: no meeting %q", meeting)
				} else if err != nil {
					return err
				}
			}
			d := store.ReferralDecision{Version: ref.Version, Note: strings.TrimSpace(store.CleanLine(reason)), MeetingID: meeting}
			code = strings.ToLower(strings.TrimSpace(code))
			if code != "" && action == "accept" {
				return usagef("--code: accept takes no code (give --reason for an override)")
			}
			switch action {
			case "accept":
				if link != "" {
					// A re-referral goes to the enrolled participant and
					// their case manager; it uses no capacity.
					p, err := st.GetParticipant(ctx, link)
					if err != nil {
						return fmt.Errorf("re-referral of %s: %w", link, err)
					}
					if cm != "" && cm != p.CaseManager {
						fmt.Fprintf(app.Stderr, "owg: note: %s is a re-referral of %s, who stays with their case manager %s (--case-manager %s not used)\n",
							id, link, p.CaseManager, cm)
					}
					cm = p.CaseManager
					d.Status, d.CaseManager, d.LinkParticipant = store.RefAccepted, cm, link
					break
				}
				if cm == "" {
					return usagef("accept needs --case-manager NAME")
				}
				u, err := st.GetUser(ctx, cm)
				if errors.Is(err, store.ErrNotFound) {
					return fmt.Errorf("--case-manager: no user named %q", cm)
				}
				if err != nil {
					return err
				}
				if !u.Active || (u.Role != store.RoleCaseManager && u.Role != store.RoleSupervisor) {
					return fmt.Errorf("--case-manager: %s is not an active case manager", cm)
				}
				d.Status, d.CaseManager, d.HardCap, d.LinkParticipant = store.RefAccepted, cm, proto.HardCap, link
				if current == store.DecisionWaitlist || current == "screened_out" {
					d.Override = true
				}
			case "waitlist":
				d.Status, d.WaitlistPos = store.RefWaitlisted, pos
				d.Override = current == store.DecisionOffer
			case "decline":
				d.Status = store.RefDeclined
				d.Override = current == store.DecisionOffer
			}
			if d.Status != store.RefAccepted {
				if code == "" && d.Note != "" {
					code = store.ReasonOther // scripts' --reason alone: kept as the note
				}
				if err := proto.CheckReasonCode(d.Status, code); err != nil {
					return fmt.Errorf("--code: %s", strings.TrimPrefix(err.Error(), "invalid decision: code: "))
				}
				d.Code = code
			}
			if d.Override && d.Reason() == "" {
				what := "the ranking waitlists it"
				if current == "screened_out" {
					what = "the protocol screens it out"
				} else if action == "decline" {
					what = "the ranking offers it a slot"
				}
				if action == "waitlist" {
					return fmt.Errorf("--code: waitlisting %s is an override (%s): give --code CODE (%s) and optionally --reason TEXT",
						id, what, strings.Join(proto.ReasonCodes(store.RefWaitlisted), ", "))
				}
				return fmt.Errorf("--reason: %s %s is an override (%s): give --reason TEXT", action, id, what)
			}
			if ranked {
				// the decision keeps the version and breakdown it was made on,
				// and an override what it overrode
				d.Score = &standing
				if d.Override {
					d.OverriddenRank = standingText
				}
			}
			got, err := st.DecideReferral(ctx, a, id, d)
			if err != nil {
				return err
			}
			msg := fmt.Sprintf("%s %s", got.ID, got.Status)
			switch {
			case got.ParticipantID != "" && link != "":
				msg += ": re-referral of " + got.ParticipantID + ", case manager " + cm
			case got.ParticipantID != "":
				msg += " as " + got.ParticipantID + ", case manager " + cm
			}
			if got.Status == store.RefWaitlisted && got.WaitlistPos > 0 {
				msg += fmt.Sprintf(", position %d", got.WaitlistPos)
			}
			if d.Override {
				msg += " (override, audited)"
			}
			fmt.Fprintln(app.Stdout, msg)
			return nil
		},
	}
	cmd.Flags().StringVar(&cm, "case-manager", "", "accept: the case manager who takes the participant")
	cmd.Flags().StringVar(&code, "code", "", "decline or waitlist: the coded reason the referrer reads (the protocol's decline_reasons / waitlist_reasons)")
	cmd.Flags().StringVar(&reason, "reason", "", "internal note, never shown to the referrer (required for an accept override; alone on a decline it is kept with code other)")
	cmd.Flags().StringVar(&meeting, "meeting", "", "meeting the decision was made in (M-0001)")
	return cmd
}

// rankingDecision finds id in the ranking: its decision ("offer",
// "waitlist", "screened_out", "re_referral" or "" when not in the queue),
// its waitlist position and, for a re-referral, the participant to link.
func rankingDecision(rk store.Ranking, id string) (decision string, pos int, link string) {
	for _, r := range rk.Ranked {
		if r.Referral.ID == id {
			return r.Decision, r.WaitlistPos, ""
		}
	}
	for _, r := range rk.ReReferrals {
		if r.Referral.ID == id {
			return "re_referral", 0, r.ParticipantID
		}
	}
	for _, r := range rk.ScreenedOut {
		if r.Referral.ID == id {
			return "screened_out", 0, ""
		}
	}
	return "", 0, ""
}

func newReferralImportCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "import FILE.csv (- reads standard input)",
		Short: "Import referrals from a CSV file, all or nothing",
		Long: `Import referrals from a CSV file with a header row. Columns, in any order:
id, received, kind, name (required); dob, referrer, agency, offense, unsheltered,
contacts_12m, impairment, victimization_risk, warrant, next_court_date,
race_ethnicity (HUD's categories, labels or short codes, ";" between several),
notes. The import is all-or-nothing: every bad row is reported
as "line N, column C: msg" and nothing is stored. Imported referrals are
screened by the protocol; re-referrals of enrolled participants are routed to
their case manager.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := readInput(app, args[0])
			if err != nil {
				return err
			}
			rs, err := store.ParseReferralsCSV(bytes.NewReader(data), app.Now())
			var ie *store.ImportError
			if errors.As(err, &ie) {
				// Report the ids the store already holds with the other
				// errors, so that one run names every bad row.
				errs := append(slices.Clone(ie.Errs), takenIDsInFile(cmd.Context(), app, data)...)
				slices.SortStableFunc(errs, func(a, b store.RowError) int { return a.Line - b.Line })
				return reportRowErrors(app, args[0], errs)
			}
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			proto, err := app.Protocol()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			st, a, err := referralStaff(ctx, app)
			if err != nil {
				return err
			}
			if errs := takenIDs(ctx, st, data, rs); len(errs) > 0 {
				return reportRowErrors(app, args[0], errs)
			}
			active, err := st.ListParticipants(ctx, store.ParticipantFilter{ActiveOnly: true})
			if err != nil {
				return err
			}
			var screened, rerefs int
			for i := range rs {
				screenReferral(proto, &rs[i], active)
				switch {
				case rs[i].ReReferralOf != "":
					rerefs++
				case rs[i].Status == store.RefScreenedOut:
					screened++
				}
			}
			if _, err := st.ImportReferrals(ctx, a, rs); err != nil {
				if errs := storeRowErrors(err, rs, data); errs != nil {
					return reportRowErrors(app, args[0], errs)
				}
				if errors.Is(err, store.ErrExists) {
					return fmt.Errorf("%s: %w; nothing imported", args[0], err)
				}
				return err
			}
			fmt.Fprintf(app.Stdout, "imported %d referrals: %d to rank, %d screened out, %d re-referrals\n",
				len(rs), len(rs)-screened-rerefs, screened, rerefs)
			return nil
		},
	}
}

// screenfulOfErrors is how many bad rows an import prints; past it every
// one goes to a report file next to the input instead.
const screenfulOfErrors = 50

// reportRowErrors names every bad row of an import that stored nothing:
// on stderr when they fit a screen, else all of them in FILE.errors.txt
// next to the input (0600), with the first ones on stderr and where the
// rest are. Row errors hold line numbers, columns and the file's own
// values: the report stays beside the file it describes, resolved like
// the input against the caller's directory (a command forwarded to a
// server never writes into the server's own). Standard input has no file
// to put a report beside: every bad row goes to stderr, whatever their
// number, written by the process the user ran (redirect it to keep them).
func reportRowErrors(app *App, path string, errs []store.RowError) error {
	msg := fmt.Sprintf("%s: %d error(s); nothing imported", path, len(errs))
	if len(errs) <= screenfulOfErrors || path == "-" {
		for _, e := range errs {
			fmt.Fprintln(app.Stderr, e.Error())
		}
		if len(errs) > screenfulOfErrors {
			msg += " (every bad row is listed above: standard input has no file to write a report beside)"
		}
		return exitError{code: 1, msg: msg}
	}
	report := path + ".errors.txt"
	at, err := app.path(report)
	if err != nil {
		return err
	}
	err = writeFileAtomic(at, func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		for _, e := range errs {
			fmt.Fprintln(bw, e.Error())
		}
		return bw.Flush()
	})
	if err != nil {
		for _, e := range errs {
			fmt.Fprintln(app.Stderr, e.Error())
		}
		return exitError{code: 1, msg: msg + fmt.Sprintf(" (the report file could not be written: %v)", err)}
	}
	for _, e := range errs[:screenfulOfErrors/2] {
		fmt.Fprintln(app.Stderr, e.Error())
	}
	fmt.Fprintf(app.Stderr, "... and %d more: every bad row is listed in %s\n", len(errs)-screenfulOfErrors/2, report)
	return exitError{code: 1, msg: msg + "; every bad row is listed in " + report}
}

// screenReferral applies the protocol before a referral is stored: a
// re-referral of an active participant is routed to them; an ineligible
// one is screened out with its reason code.
func screenReferral(proto store.Protocol, r *store.Referral, active []store.Participant) (eligible bool, reason string) {
	if r.Status == "" {
		r.Status = store.RefNew
	}
	if p, ok := store.MatchParticipant(*r, active); ok {
		r.ReReferralOf = p.ID
	}
	eligible, reason = store.Eligibility(proto, *r)
	if !eligible && r.ReReferralOf == "" {
		r.Status, r.Reason = store.RefScreenedOut, reason
	}
	return eligible, reason
}

// takenIDs reports the imported ids that the store already holds, each by
// its line in the file.
func takenIDs(ctx context.Context, st store.Store, data []byte, rs []store.Referral) []store.RowError {
	var lines map[string]int
	var errs []store.RowError
	for _, r := range rs {
		if r.ID == "" {
			continue
		}
		if _, err := st.GetReferral(ctx, r.ID); err != nil {
			continue
		}
		if lines == nil {
			lines = idLines(data)
		}
		errs = append(errs, store.RowError{Line: lines[r.ID], Column: "id", Msg: r.ID + " already exists in the store"})
	}
	return errs
}

// takenIDsInFile reports the ids of a CSV file that the store already
// holds, each by its line, for a file that also has other errors. It only
// looks into an existing store the actor may import into; otherwise (no
// store yet, store locked, role not allowed) it reports nothing, and the
// file's own errors stand alone.
func takenIDsInFile(ctx context.Context, app *App, data []byte) []store.RowError {
	dir, err := app.DataDir()
	if err != nil {
		return nil
	}
	if ents, err := os.ReadDir(dir); err != nil || len(ents) == 0 {
		return nil
	}
	st, _, err := referralStaff(ctx, app)
	if err != nil {
		return nil
	}
	var errs []store.RowError
	for id, line := range idLines(data) {
		if !store.ValidReferralID(id) {
			continue
		}
		if _, err := st.GetReferral(ctx, id); err == nil {
			errs = append(errs, store.RowError{Line: line, Column: "id", Msg: id + " already exists in the store"})
		}
	}
	slices.SortFunc(errs, func(a, b store.RowError) int { return a.Line - b.Line })
	return errs
}

// storeRowErrors turns the store's refusal of an import, when it is only
// problems of single referrals (store.ImportRowError, each by its place in
// rs), into row errors naming the file's line and column like the parser's
// own; nil when err is anything else.
func storeRowErrors(err error, rs []store.Referral, data []byte) []store.RowError {
	list := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	}
	var lines map[string]int
	var out []store.RowError
	for _, e := range list {
		var re *store.ImportRowError
		if !errors.As(e, &re) || re.Row < 0 || re.Row >= len(rs) {
			return nil
		}
		if lines == nil {
			lines = idLines(data)
		}
		line, ok := lines[rs[re.Row].ID]
		if !ok {
			return nil
		}
		var ve *store.ValidationError
		if errors.As(re.Err, &ve) && re.Column == "" {
			for _, f := range ve.Errs {
				out = append(out, store.RowError{Line: line, Column: f.Field, Msg: f.Msg})
			}
			continue
		}
		out = append(out, store.RowError{Line: line, Column: re.Column, Msg: re.Err.Error()})
	}
	slices.SortStableFunc(out, func(a, b store.RowError) int { return a.Line - b.Line })
	return out
}

// idLines maps each referral id in a CSV file to its line.
func idLines(data []byte) map[string]int {
	out := map[string]int{}
	cr := csv.NewReader(store.BoundCSV(bytes.NewReader(data)))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return out
	}
	col := slices.IndexFunc(header, func(h string) bool {
		return strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")), "id")
	})
	if col < 0 {
		return out
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out
		}
		var pe *csv.ParseError
		if err != nil && !errors.As(err, &pe) {
			return out
		}
		if err != nil || col >= len(rec) {
			continue
		}
		line, _ := cr.FieldPos(col)
		if id := strings.ToUpper(strings.TrimSpace(rec[col])); id != "" {
			if _, seen := out[id]; !seen {
				out[id] = line
			}
		}
	}
}

// protocolAsOf returns the protocol version in force at the end of day
// from the store's versions, parsed; the current one (proto, version)
// when it is the one in force or none was recorded by then.
func protocolAsOf(ctx context.Context, st store.Store, proto store.Protocol, version string, day time.Time) (store.Protocol, string, error) {
	vs, err := st.ListProtocolVersions(ctx)
	if err != nil {
		return proto, version, err
	}
	v, ok := store.ProtocolInForce(vs, day)
	if !ok || v.Version == version {
		return proto, version, nil
	}
	p, err := store.ParseProtocol([]byte(v.TOML))
	if err != nil {
		return proto, version, fmt.Errorf("protocol version %s in force on %s: %w", v.Version, store.FormatDate(day), err)
	}
	return p, v.Version, nil
}

// queueAsOf is the referral queue at the end of day: every referral
// received by then whose status then (from its history) was new,
// waitlisted or screened out, with that status.
func queueAsOf(ctx context.Context, st store.Store, day time.Time) ([]store.Referral, error) {
	end := store.DateOf(day).AddDate(0, 0, 1)
	all, err := st.ListReferrals(ctx, store.ReferralFilter{})
	if err != nil {
		return nil, err
	}
	var out []store.Referral
	for _, r := range all {
		if !r.Received.Before(end) {
			continue
		}
		evs, err := st.ListHistory(ctx, store.HistoryFilter{Record: r.ID, Kind: store.HistReferral})
		if err != nil {
			return nil, err
		}
		status := store.RefNew
		for _, e := range evs {
			if e.Field == store.HistStatus && e.Time.Before(end) {
				status = store.ReferralStatus(e.To)
			}
		}
		switch status {
		case store.RefNew, store.RefWaitlisted, store.RefScreenedOut:
			r.Status = status
			out = append(out, r)
		}
	}
	return out, nil
}
