package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/report"
)

// defaultReportDays is the report period when none is given.
const defaultReportDays = 90

// periodFlags are the period flags shared by `owg report` and
// `owg export csv`.
type periodFlags struct {
	period, from, to, asOf string
}

func (f *periodFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.period, "period", "", "the last N days (90d) or weeks (13w) up to --as-of (default 90d)")
	fl.StringVar(&f.from, "from", "", "first day of the period, YYYY-MM-DD (with --to)")
	fl.StringVar(&f.to, "to", "", "last day of the period, YYYY-MM-DD (default --as-of)")
	fl.StringVar(&f.asOf, "as-of", "", "compute as of the end of this day, YYYY-MM-DD (default now)")
}

// resolve returns the period and the as-of instant.
func (f *periodFlags) resolve(app *App) (report.Period, time.Time, error) {
	asOf := app.Now()
	if f.asOf != "" {
		d, err := store.ParseDate(f.asOf)
		if err != nil {
			return report.Period{}, time.Time{}, usagef("--as-of: %v", err)
		}
		asOf = d.Add(24*time.Hour - time.Second)
	}
	if f.period != "" && (f.from != "" || f.to != "") {
		return report.Period{}, time.Time{}, usagef("give --period or --from/--to, not both")
	}
	if f.from == "" && f.to != "" {
		return report.Period{}, time.Time{}, usagef("--to needs --from")
	}
	if f.from != "" {
		from, err := store.ParseDate(f.from)
		if err != nil {
			return report.Period{}, time.Time{}, usagef("--from: %v", err)
		}
		to := store.DateOf(asOf)
		if f.to != "" {
			if to, err = store.ParseDate(f.to); err != nil {
				return report.Period{}, time.Time{}, usagef("--to: %v", err)
			}
		}
		if to.Before(from) {
			return report.Period{}, time.Time{}, usagef("--to %s is before --from %s", store.FormatDate(to), store.FormatDate(from))
		}
		return report.Period{From: from, To: to}, asOf, nil
	}
	days := defaultReportDays
	if f.period != "" {
		n, err := parsePeriod(f.period)
		if err != nil {
			return report.Period{}, time.Time{}, usagef("--period: %v", err)
		}
		days = n
	}
	return report.LastDays(days, asOf), asOf, nil
}

// parsePeriod parses "90d", "13w" or a bare number of days.
func parsePeriod(s string) (int, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	mult := 1
	switch {
	case strings.HasSuffix(s, "d"):
		s = s[:len(s)-1]
	case strings.HasSuffix(s, "w"):
		s, mult = s[:len(s)-1], 7
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n*mult > 3660 {
		return 0, fmt.Errorf("want a number of days (90d) or weeks (13w), up to ten years")
	}
	return n * mult, nil
}

// loadReportInput opens the store and reads the report input for the flags.
func loadReportInput(ctx context.Context, app *App, f *periodFlags) (store.Store, store.Actor, report.Input, error) {
	period, asOf, err := f.resolve(app)
	if err != nil {
		return nil, store.Actor{}, report.Input{}, err
	}
	st, actor, err := app.openAs(ctx)
	if err != nil {
		return nil, store.Actor{}, report.Input{}, err
	}
	proto, err := app.Protocol()
	if err != nil {
		return nil, store.Actor{}, report.Input{}, err
	}
	in, err := report.Load(ctx, st, period, asOf, proto)
	return st, actor, in, err
}

// addReportCommands adds `owg report`.
func addReportCommands(root *cobra.Command, app *App) {
	var (
		pf       periodFlags
		asJSON   bool
		ascii    bool
		width    int
		measures bool
		csvDir   string
	)
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Aggregate report for a period: referrals, capacity, engagement, goals, legal, equity",
		Long: `Prints the site's aggregate report for a period (default: the last 90 days):
referrals per week, decisions, the waitlist, timeliness, capacity, engagement,
goals, legal outcomes, the equity check, the net-widening watch and intake
response times. Every role may run it; for roles that never see identities
(prosecutor, defender, police, provider, community, evaluator) any count of
1 to 4 people is shown as <5.

With --measures it prints the published LEAD measures instead, computed from
the store's history, for the cohort enrolled in the period (default: the last
365 days) and overall: new legal cases 6 and 12 months before and after
enrolment, time to the first new case, court dates kept; housing at entry, 6
and 12 months, ever sheltered and permanently housed; contacts per
participant-month, referral to first contact and to intake; engagement by
month; goals by domain; the referral funnel by kind and month with waitlist
durations; the net-widening watch; and all of it by race/ethnicity group.
--csv DIR writes the table behind each chart as DIR/<table>.csv.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if csvDir != "" && !measures {
				return usagef("--csv goes with --measures")
			}
			if measures && pf.period == "" && pf.from == "" {
				pf.period = "365d"
			}
			st, actor, in, err := loadReportInput(ctx, app, &pf)
			if err != nil {
				return err
			}
			if measures {
				return printMeasures(ctx, app, st, actor, in, asJSON, ascii, width, csvDir)
			}
			if err != nil {
				return err
			}
			r := report.Build(in, actor)
			if err := st.Record(ctx, store.AuditEvent{User: actor.User, Role: actor.Role, Action: store.AuditView, Subject: "report", Detail: "aggregate", Addr: actor.Addr}); err != nil {
				return err
			}
			if asJSON {
				b, err := r.JSON()
				if err != nil {
					return err
				}
				_, err = app.Stdout.Write(b)
				return err
			}
			_, err = fmt.Fprint(app.Stdout, r.Text(width, ascii))
			return err
		},
	}
	pf.register(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (sections as top-level keys)")
	cmd.Flags().BoolVar(&ascii, "ascii", false, "draw charts with ASCII only")
	cmd.Flags().IntVar(&width, "width", 80, "width of the text report in columns")
	cmd.Flags().BoolVar(&measures, "measures", false, "the LEAD measures from history: cohort enrolled in the period (default 365d) and overall")
	cmd.Flags().StringVar(&csvDir, "csv", "", "with --measures: write the table behind each chart to DIR/<table>.csv")
	root.AddCommand(cmd)
}
