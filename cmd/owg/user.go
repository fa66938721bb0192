package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"golang.org/x/crypto/ssh"

	"github.com/leadtable/owg/store"
	"github.com/leadtable/owg/store/badgerstore"
)

func newUserCmd(app *App) *cobra.Command {
	cmd := groupCmd("user", "Manage users, roles and SSH keys")
	cmd.Long = `Manage the people who sign in to owg over SSH: one user, one role, one or
more public keys. There are no passwords.

In "user add" and "user key add", --key-file is the user's public key file; give
the store's encryption key with $OWG_KEY_FILE there.`
	cmd.AddCommand(newUserAddCmd(app), newUserListCmd(app), newUserRemoveCmd(app),
		newUserKeyCmd(app), newUserActiveCmd(app, false), newUserActiveCmd(app, true))
	return cmd
}

// userAdmin opens the store and checks that the actor may manage users.
func userAdmin(ctx context.Context, app *App) (store.Store, store.Actor, error) {
	st, a, err := app.openAs(ctx)
	if err != nil {
		return nil, store.Actor{}, err
	}
	if a.Role != store.RolePM {
		return nil, store.Actor{}, fmt.Errorf("managing users is for the pm; %s is %s: %w", a.User, a.Role, store.ErrDenied)
	}
	return st, a, nil
}

// keyFlags reads --key and --key-file into authorized_keys lines.
type keyFlags struct {
	app       *App
	key, file string
}

func (k *keyFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&k.key, "key", "", `public key, e.g. "ssh-ed25519 AAAA... name@host"`)
	cmd.Flags().StringVar(&k.file, "key-file", "", "file holding the public key(s) (one per line, as in authorized_keys)")
}

func (k *keyFlags) lines() ([]string, error) {
	switch {
	case k.key != "" && k.file != "":
		return nil, usagef("give --key or --key-file, not both")
	case k.key == "" && k.file == "":
		return nil, usagef("--key or --key-file is required")
	case k.key != "":
		line, err := parseKey(k.key)
		if err != nil {
			return nil, fmt.Errorf("--key: %w", err)
		}
		return []string{line}, nil
	}
	// An authorized_keys file of a few dozen keys is a few KB.
	b, err := readInputLimit(k.app, k.file, 64<<10)
	if err != nil {
		return nil, fmt.Errorf("--key-file: %w", err)
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	n := 0
	for sc.Scan() {
		n++
		t := strings.TrimSpace(sc.Text())
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		line, err := parseKey(t)
		if err != nil {
			return nil, fmt.Errorf("--key-file %s, line %d: %w", k.file, n, err)
		}
		out = append(out, line)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("--key-file %s: no public key in it", k.file)
	}
	return out, nil
}

// parseKey parses one public key and returns it as a clean
// authorized_keys line (type, base64, comment; options dropped).
func parseKey(s string) (string, error) {
	pub, comment, _, _, err := ssh.ParseAuthorizedKey([]byte(s))
	if err != nil {
		return "", errors.New(`not an SSH public key (want e.g. "ssh-ed25519 AAAA... name")`)
	}
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub)))
	if c := store.CleanLine(comment); c != "" {
		line += " " + c
	}
	return line, nil
}

// fingerprint returns the SHA256 fingerprint of an authorized_keys line, or "".
func fingerprint(line string) string {
	pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(line))
	if err != nil {
		return ""
	}
	return ssh.FingerprintSHA256(pub)
}

// checkKeysFree refuses keys that another user already holds.
func checkKeysFree(ctx context.Context, st store.Store, name string, lines []string) error {
	for _, l := range lines {
		fp := fingerprint(l)
		u, err := st.UserByKey(ctx, fp)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if u.Name != name {
			return fmt.Errorf("key: %s is already registered to user %s", fp, store.CleanLine(u.Name))
		}
	}
	return nil
}

func newUserAddCmd(app *App) *cobra.Command {
	var (
		name, role, agency string
		displayName        string
		capN               int
		keys               = keyFlags{app: app}
	)
	cmd := &cobra.Command{
		Use:   `add --name NAME --role ROLE [--agency A] [--cap N] (--key "ssh-ed25519 ..." | --key-file PATH)`,
		Short: "Register a user with a role and an SSH key",
		Long: `Register a user with a role and one or more SSH public keys. Here --key-file
is the user's public key file (one key per line, as in authorized_keys); on an
encrypted store give the store's key with $OWG_KEY_FILE.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if name == "" {
				return usagef("--name is required")
			}
			if err := cleanName(name); err != nil {
				return err
			}
			if role == "" {
				return usagef("--role is required (one of %s)", roleNames())
			}
			if !store.ValidRole(store.Role(role)) {
				return fmt.Errorf("--role: %q is not one of %s", role, roleNames())
			}
			if capN < 0 {
				return fmt.Errorf("--cap: %d is negative", capN)
			}
			lines, err := keys.lines()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			st, a, err := userAdmin(ctx, app)
			if err != nil {
				return storeKeyHint(cmd, err)
			}
			u := store.User{Name: name, DisplayName: store.CleanLine(displayName), Role: store.Role(role), Agency: store.CleanLine(agency), Cap: capN, Keys: lines, Active: true}
			if err := u.Validate(); err != nil {
				return flagErrors(err)
			}
			if _, err := st.GetUser(ctx, name); err == nil {
				return fmt.Errorf("--name: user %s already exists", name)
			}
			if err := checkKeysFree(ctx, st, name, lines); err != nil {
				return err
			}
			if _, err := st.CreateUser(ctx, a, u); err != nil {
				if errors.Is(err, store.ErrExists) {
					return fmt.Errorf("--name: user %s already exists", name)
				}
				return err
			}
			fmt.Fprintf(app.Stdout, "added %s (%s) with %d key(s): %s\n", name, role, len(lines), fingerprint(lines[0]))
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "user name (no spaces), used to sign in")
	cmd.Flags().StringVar(&role, "role", "", "role: "+roleNames())
	cmd.Flags().StringVar(&displayName, "display-name", "", `full name shown beside the sign-in name, e.g. "Maria Lopez"`)
	cmd.Flags().StringVar(&agency, "agency", "", "agency (police department, provider, ...)")
	cmd.Flags().IntVar(&capN, "cap", 0, "caseload cap for a case manager (0: the protocol's)")
	keys.add(cmd)
	return cmd
}

// cleanName refuses a user name that the store's cleaning would change
// (control characters, escape sequences, spaces at either end): a name is
// an identity, used to sign in and in the audit trail, so it is refused
// rather than stored as something other than what the admin typed.
func cleanName(name string) error {
	if c := store.CleanLine(name); c != name {
		return fmt.Errorf("--name: %q holds control characters, escape sequences or spaces at either end (it would be stored as %q): give the name as it should read", name, c)
	}
	return nil
}

// storeKeyHint explains, when an encrypted store was opened without its
// key from a command whose own --key-file is a user's public key, how to
// give the store's key there: the generic "give --key-file" would mislead.
func storeKeyHint(cmd *cobra.Command, err error) error {
	if !errors.Is(err, badgerstore.ErrKeyRequired) {
		return err
	}
	return fmt.Errorf("%w\n(in %q, --key-file is the user's public key: give the store's encryption key with OWG_KEY_FILE=PATH)",
		err, cmd.CommandPath())
}

func roleNames() string {
	s := make([]string, len(store.Roles))
	for i, r := range store.Roles {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

// flagErrors rewrites a store validation error so each field reads as its flag.
func flagErrors(err error) error {
	var ve *store.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	parts := make([]string, len(ve.Errs))
	for i, f := range ve.Errs {
		parts[i] = "--" + strings.ReplaceAll(f.Field, "_", "-") + ": " + f.Msg
	}
	return errors.New(strings.Join(parts, "; "))
}

func newUserListCmd(app *App) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List users: name, role, agency, keys, active",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			st, _, err := userAdmin(ctx, app)
			if err != nil {
				return err
			}
			us, err := st.ListUsers(ctx)
			if err != nil {
				return err
			}
			if asJSON {
				type row struct {
					Name        string     `json:"name"`
					DisplayName string     `json:"display_name,omitempty"`
					Role        store.Role `json:"role"`
					Agency      string     `json:"agency"`
					Cap         int        `json:"cap,omitempty"`
					Keys        []string   `json:"keys"`
					Active      bool       `json:"active"`
				}
				rows := make([]row, 0, len(us))
				for _, u := range us {
					fps := make([]string, 0, len(u.Keys))
					for _, k := range u.Keys {
						fps = append(fps, fingerprint(k))
					}
					rows = append(rows, row{u.Name, u.DisplayName, u.Role, u.Agency, u.Cap, fps, u.Active})
				}
				return writeJSON(app.Stdout, rows)
			}
			tw := tabwriter.NewWriter(app.Stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tDISPLAY NAME\tROLE\tAGENCY\tKEYS\tACTIVE")
			for _, u := range us {
				active := "yes"
				if !u.Active {
					active = "no"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", store.CleanLine(u.Name), store.CleanLine(u.DisplayName), u.Role, store.CleanLine(u.Agency), len(u.Keys), active)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (keys as fingerprints)")
	return cmd
}

func newUserRemoveCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "remove NAME",
		Short: "Remove a user (their records keep their name)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			st, a, err := userAdmin(ctx, app)
			if err != nil {
				return err
			}
			if err := st.DeleteUser(ctx, a, args[0]); err != nil {
				if errors.Is(err, store.ErrNotFound) {
					return fmt.Errorf("no user named %q", args[0])
				}
				return err
			}
			fmt.Fprintf(app.Stdout, "removed %s\n", store.CleanLine(args[0]))
			return nil
		},
	}
}

// getUser reads a user, with a plain not-found message.
func getUser(ctx context.Context, st store.Store, name string) (store.User, error) {
	u, err := st.GetUser(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return u, fmt.Errorf("no user named %q", name)
	}
	return u, err
}

func newUserKeyCmd(app *App) *cobra.Command {
	cmd := groupCmd("key", "Add or remove a user's SSH keys")
	keys := keyFlags{app: app}
	add := &cobra.Command{
		Use:   `add NAME (--key "ssh-ed25519 ..." | --key-file PATH)`,
		Short: "Add SSH public keys to a user",
		Long: `Add SSH public keys to a user. Here --key-file is the user's public key file;
on an encrypted store give the store's key with $OWG_KEY_FILE.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			lines, err := keys.lines()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			st, a, err := userAdmin(ctx, app)
			if err != nil {
				return storeKeyHint(cmd, err)
			}
			u, err := getUser(ctx, st, args[0])
			if err != nil {
				return err
			}
			if err := checkKeysFree(ctx, st, u.Name, lines); err != nil {
				return err
			}
			added := 0
			for _, l := range lines {
				fp := fingerprint(l)
				if slices.ContainsFunc(u.Keys, func(k string) bool { return fingerprint(k) == fp }) {
					continue
				}
				u.Keys = append(u.Keys, l)
				added++
			}
			if added == 0 {
				fmt.Fprintf(app.Stdout, "%s already has that key\n", store.CleanLine(u.Name))
				return nil
			}
			if _, err := st.UpdateUser(ctx, a, u); err != nil {
				return err
			}
			fmt.Fprintf(app.Stdout, "added %d key(s) to %s\n", added, store.CleanLine(u.Name))
			return nil
		},
	}
	keys.add(add)
	remove := &cobra.Command{
		Use:   "remove NAME FINGERPRINT",
		Short: "Remove an SSH key from a user, by its SHA256 fingerprint",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			st, a, err := userAdmin(ctx, app)
			if err != nil {
				return err
			}
			u, err := getUser(ctx, st, args[0])
			if err != nil {
				return err
			}
			want := args[1]
			if !strings.HasPrefix(want, "SHA256:") {
				want = "SHA256:" + want
			}
			i := slices.IndexFunc(u.Keys, func(k string) bool { return fingerprint(k) == want })
			if i < 0 {
				return fmt.Errorf("FINGERPRINT: %s holds no key %q (see owg user list --json)", store.CleanLine(u.Name), args[1])
			}
			u.Keys = slices.Delete(u.Keys, i, i+1)
			if _, err := st.UpdateUser(ctx, a, u); err != nil {
				return err
			}
			fmt.Fprintf(app.Stdout, "removed key %s from %s\n", want, store.CleanLine(u.Name))
			return nil
		},
	}
	cmd.AddCommand(add, remove)
	return cmd
}

// newUserActiveCmd builds "user enable" (active) or "user disable".
func newUserActiveCmd(app *App, active bool) *cobra.Command {
	verb, short := "disable", "Disable a user: their keys no longer sign in"
	if active {
		verb, short = "enable", "Enable a disabled user"
	}
	return &cobra.Command{
		Use:   verb + " NAME",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			st, a, err := userAdmin(ctx, app)
			if err != nil {
				return err
			}
			u, err := getUser(ctx, st, args[0])
			if err != nil {
				return err
			}
			if u.Active != active {
				u.Active = active
				if _, err := st.UpdateUser(ctx, a, u); err != nil {
					return err
				}
			}
			fmt.Fprintf(app.Stdout, "%sd %s\n", verb, store.CleanLine(u.Name))
			return nil
		},
	}
}

// writeJSON writes v as indented JSON and a newline.
func writeJSON(w interface{ Write([]byte) (int, error) }, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
