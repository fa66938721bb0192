package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/badgerstore"
)

// storeDB returns the opened store as the Badger store (check, repair and
// backups need more than store.Store).
func storeDB(st store.Store) (*badgerstore.DB, error) {
	db, ok := st.(*badgerstore.DB)
	if !ok {
		return nil, errors.New("this command needs owg's own store")
	}
	return db, nil
}

func newCheckCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Verify the whole store: every table, every index, every record against the audit trail",
		Long: `Verify the whole store and name every damage found: the checksum of every
block of every table, that every record can be read, that every index key
points to a record that has it (and every record has its index keys), the
audit trail's chain, and that every record has the audit events of its
writes (an import's one event covers the referrals it made). It also says
what opening the store found (committed writes missing). It only reads.
Exit status 0 when the store is sound, 1 when anything is damaged; then
see "owg repair" (it keeps a copy of what it moves) or restore a backup.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, a, err := app.openAs(cmd.Context())
			if err != nil {
				return err
			}
			if a.Role != store.RolePM && a.Role != store.RoleSupervisor {
				return fmt.Errorf("the store check is for the pm and supervisors: %w", store.ErrDenied)
			}
			db, err := storeDB(st)
			if err != nil {
				return err
			}
			rep, err := db.Check(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(app.Stdout, "checked %d records (%d participants, %d referrals), %d index keys, %d audit events\n",
				rep.Records, rep.ByKind["participant"], rep.ByKind["referral"], rep.Indexes, rep.Events)
			if rep.Head.Seq > 0 {
				fmt.Fprintf(app.Stdout, "audit head %s\n", rep.Head)
			}
			if rep.OK() {
				fmt.Fprintln(app.Stdout, "store sound: no damage found")
				return nil
			}
			for _, p := range rep.Problems {
				fmt.Fprintf(app.Stdout, "DAMAGE: %s\n", p)
			}
			return exitError{code: 1, msg: fmt.Sprintf("the store is damaged (%d problems): run `owg repair` (it keeps a copy of what it moves) or restore a backup", len(rep.Problems))}
		},
	}
}

func newRepairCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "repair",
		Short: "Get a damaged store past its damage, keeping a copy of everything it moves",
		Long: `Repair a store that owg refuses to open, or that opens with damage. It moves
what a crash or a disk left damaged into DATA/recovered-<time>/ (nothing is
deleted): tables the MANIFEST lists that are missing or fail their check are
taken out of the MANIFEST (a copy of the MANIFEST as it was is kept), a key
registry whose header is damaged is written again when the key given unseals
the tables (its data keys kept, and a copy of the old file), a value
log with a damaged header that holds no entries is moved aside (one holding
entries is refused), a record of committed writes that the store no longer
holds is accepted (the store goes on from what it holds), and history of
records that do not exist is taken out (a copy is kept). What those held is then missing from the
store: "owg check" names it; restore a backup if you have one. The store
must not be in use (stop "owg serve" first).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := app.DataDir()
			if err != nil {
				return err
			}
			o, err := app.storeOptions()
			if err != nil {
				return err
			}
			did, err := badgerstore.Repair(dir, o)
			for _, d := range did {
				fmt.Fprintln(app.Stdout, d)
			}
			if err != nil {
				if errors.Is(err, store.ErrLocked) {
					return lockedError(dir)
				}
				return err
			}
			fmt.Fprintln(app.Stdout, "now run `owg check` to see what the store holds")
			return nil
		},
	}
}
