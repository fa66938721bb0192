package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/leadtable/owg/sshserve"
)

// configFileName is the optional server configuration in the data directory.
const configFileName = "owg.toml"

// Defaults of the continuous backups.
const (
	defaultBackupEvery = 15 * time.Minute
	defaultBackupKeep  = 14
)

// settingKind is how a setting's text is parsed.
type settingKind int

const (
	kindString settingKind = iota
	kindDuration
	kindInt
	kindBool
)

// setting is one `owg serve` option: its flag, environment variable and
// key in owg.toml ("backup.every" is key every in table [backup]).
type setting struct {
	flag, env, key string
	kind           settingKind
	def            string
	usage          string
	check          func(string) error // after parsing by kind; nil: none
}

// serveSettings lists every `owg serve` option, in the order config show
// prints them. Precedence: flag > environment > file > default.
var serveSettings = []setting{
	{flag: "listen", env: "OWG_LISTEN", key: "listen", def: sshserve.DefaultListen, usage: "address to listen on"},
	{flag: "host-key", env: "OWG_HOST_KEY", key: "host_key", usage: "ed25519 host key file (default DATA/" + sshserve.DefaultHostKeyName + ", created on first start)"},
	{flag: "idle-timeout", env: "OWG_IDLE_TIMEOUT", key: "idle_timeout", kind: kindDuration, def: sshserve.DefaultIdleTimeout.String(),
		usage: "log a session off after this long without a keystroke (automatic logoff; always on)", check: positiveDuration("e.g. 15m")},
	{flag: "handshake-timeout", env: "OWG_HANDSHAKE_TIMEOUT", key: "handshake_timeout", kind: kindDuration, def: sshserve.DefaultHandshakeTimeout.String(),
		usage: "close a connection that has not signed in this long after connecting", check: positiveDuration("e.g. 30s")},
	{flag: "max-sessions", env: "OWG_MAX_SESSIONS", key: "max_sessions", kind: kindInt, def: strconv.Itoa(sshserve.DefaultMaxSessions),
		usage: "most concurrent sessions", check: atLeast(1)},
	{flag: "max-signing-in", env: "OWG_MAX_SIGNING_IN", key: "max_signing_in", kind: kindInt, def: strconv.Itoa(sshserve.DefaultMaxPreAuth),
		usage: "most connections still signing in at once; more are closed at once", check: atLeast(1)},
	{flag: "max-signing-in-per-address", env: "OWG_MAX_SIGNING_IN_PER_ADDRESS", key: "max_signing_in_per_address", kind: kindInt,
		def: strconv.Itoa(sshserve.DefaultMaxPreAuthPerAddr), usage: "most connections still signing in from one address (a whole office behind one NAT counts as one)", check: atLeast(1)},
	{flag: "sessions-burst-per-address", env: "OWG_SESSIONS_BURST_PER_ADDRESS", key: "sessions_burst_per_address", kind: kindInt,
		def: strconv.Itoa(sshserve.DefaultRateBurst), usage: "sessions one address may open at once before it is held to one a second (size it to the people who join a meeting from one office)", check: atLeast(1)},
	{flag: "classic-kex", env: "OWG_CLASSIC_KEX", key: "classic_kex", kind: kindBool, def: "false",
		usage: "offer only curve25519-sha256, not the default post-quantum mlkem768x25519-sha256 first (about 1.1 KB less per connection, for links where every byte counts)"},
	{flag: "pq-kex", env: "OWG_PQ_KEX", key: "pq_kex", kind: kindBool, def: "false",
		usage: "no effect, kept for old scripts: the post-quantum key exchange is the default now (refused with --classic-kex)"},
	{flag: "backup-dir", env: "OWG_BACKUP_DIR", key: "backup.dir", usage: "take continuous encrypted backups into this directory (default: off)"},
	{flag: "backup-every", env: "OWG_BACKUP_EVERY", key: "backup.every", kind: kindDuration, def: defaultBackupEvery.String(),
		usage: "incremental backup interval (a full backup is taken daily)", check: positiveDuration("e.g. 15m")},
	{flag: "backup-keep", env: "OWG_BACKUP_KEEP", key: "backup.keep", kind: kindInt, def: strconv.Itoa(defaultBackupKeep),
		usage: "full backups kept (older ones and their increments are pruned)", check: atLeast(1)},
	{flag: "backup-key-file", env: "OWG_BACKUP_KEY_FILE", key: "backup.key_file",
		usage: "key file (32 bytes) that encrypts the backups (default: the store's --key-file)"},
}

func positiveDuration(example string) func(string) error {
	return func(s string) error {
		if d, _ := time.ParseDuration(s); d <= 0 {
			return fmt.Errorf("%s: want a positive duration, %s", s, example)
		}
		return nil
	}
}

func atLeast(n int) func(string) error {
	return func(s string) error {
		if v, _ := strconv.Atoi(s); v < n {
			return fmt.Errorf("%s: want at least %d", s, n)
		}
		return nil
	}
}

// resolved is one setting's effective value and where it came from.
type resolved struct {
	setting
	value  string
	source string // "flag --x", "env OWG_X", "file PATH", "default"
}

// serveConfig is the effective `owg serve` configuration.
type serveConfig struct {
	file   string // the config file read, "" when none
	values []resolved
}

func (c serveConfig) get(flag string) resolved {
	i := slices.IndexFunc(c.values, func(r resolved) bool { return r.flag == flag })
	return c.values[i]
}

func (c serveConfig) str(flag string) string { return c.get(flag).value }

func (c serveConfig) duration(flag string) time.Duration {
	d, _ := time.ParseDuration(c.str(flag))
	return d
}

func (c serveConfig) int(flag string) int {
	n, _ := strconv.Atoi(c.str(flag))
	return n
}

func (c serveConfig) bool(flag string) bool {
	b, _ := strconv.ParseBool(c.str(flag))
	return b
}

// addServeFlags defines every setting's flag on fs (the values are read
// back through resolveServeConfig, which knows which were given).
func addServeFlags(fs *pflag.FlagSet) {
	for _, s := range serveSettings {
		usage := s.usage + " (" + s.env + ")"
		switch s.kind {
		case kindBool:
			fs.Bool(s.flag, false, usage)
		case kindDuration:
			d, _ := time.ParseDuration(s.def)
			fs.Duration(s.flag, d, usage)
		case kindInt:
			n, _ := strconv.Atoi(s.def)
			fs.Int(s.flag, n, usage)
		default:
			fs.String(s.flag, s.def, usage)
		}
	}
	fs.String("config", "", "configuration file (default $OWG_CONFIG, else DATA/"+configFileName+" when present)")
}

// configPath is the configuration file to read: --config, $OWG_CONFIG,
// else DATA/owg.toml when it exists; required says the file was named.
func configPath(app *App, fs *pflag.FlagSet) (path string, required bool, err error) {
	if f := fs.Lookup("config"); f != nil && f.Changed {
		p, err := app.path(f.Value.String())
		return p, true, err
	}
	if p := app.Getenv("OWG_CONFIG"); p != "" {
		p, err := app.path(p)
		return p, true, err
	}
	dir, err := app.DataDir()
	if err != nil {
		return "", false, err
	}
	return filepath.Join(dir, configFileName), false, nil
}

// resolveServeConfig works out every setting: flag > env > file > default.
// Every bad value and unknown key is reported at once.
func resolveServeConfig(app *App, fs *pflag.FlagSet) (serveConfig, error) {
	var cfg serveConfig
	path, required, err := configPath(app, fs)
	if err != nil {
		return cfg, err
	}
	var file map[string]string
	var errs []string
	if data, err := os.ReadFile(path); err == nil {
		cfg.file = path
		file, errs = parseConfigFile(data)
	} else if required || !errors.Is(err, os.ErrNotExist) {
		return cfg, fmt.Errorf("config: %w", err)
	}
	for _, s := range serveSettings {
		r := resolved{setting: s, value: s.def, source: "default"}
		if f := fs.Lookup(s.flag); f != nil && f.Changed {
			r.value, r.source = f.Value.String(), "flag --"+s.flag
		} else if v := app.Getenv(s.env); v != "" {
			r.value, r.source = v, "env "+s.env
		} else if v, ok := file[s.key]; ok {
			r.value, r.source = v, "file "+path
		}
		if err := checkSetting(s, r.value); err != nil {
			errs = append(errs, fmt.Sprintf("%s (from %s): %v", s.key, r.source, err))
		}
		cfg.values = append(cfg.values, r)
	}
	errs = append(errs, cfg.conflicts()...)
	if len(errs) > 0 {
		where := "configuration"
		if cfg.file != "" {
			where = cfg.file
		}
		if len(errs) == 1 {
			return cfg, fmt.Errorf("%s: invalid configuration: %s", where, errs[0])
		}
		return cfg, fmt.Errorf("%s: invalid configuration, %d errors:\n  %s", where, len(errs), strings.Join(errs, "\n  "))
	}
	return cfg, nil
}

// conflicts names the settings that contradict each other: pq_kex asked
// for the post-quantum key exchange (the default since classic_kex came),
// classic_kex for none of it, and owg will not guess which one is meant.
func (c serveConfig) conflicts() []string {
	if c.bool("classic-kex") && c.bool("pq-kex") {
		classic, pq := c.get("classic-kex"), c.get("pq-kex")
		return []string{fmt.Sprintf("classic_kex (from %s) and pq_kex (from %s) contradict each other: "+
			"the post-quantum key exchange is the default now, so drop pq_kex to keep classic_kex, or drop classic_kex",
			classic.source, pq.source)}
	}
	return nil
}

// checkSetting parses v by s's kind and applies s's own check.
func checkSetting(s setting, v string) error {
	switch s.kind {
	case kindDuration:
		if _, err := time.ParseDuration(v); err != nil {
			return fmt.Errorf("%q is not a duration (e.g. 15m, 1h)", v)
		}
	case kindInt:
		if _, err := strconv.Atoi(v); err != nil {
			return fmt.Errorf("%q is not a whole number", v)
		}
	case kindBool:
		if _, err := strconv.ParseBool(v); err != nil {
			return fmt.Errorf("%q is not true or false", v)
		}
	}
	if s.check != nil && v != "" {
		return s.check(v)
	}
	return nil
}

// parseConfigFile reads owg.toml into dotted keys with their values as
// text; unknown keys and values of the wrong type are errors.
func parseConfigFile(data []byte) (map[string]string, []string) {
	var raw map[string]any
	if _, err := toml.Decode(string(data), &raw); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, []string{fmt.Sprintf("line %d: TOML syntax: %s", max(pe.Position.Line, 1), pe.Message)}
		}
		return nil, []string{err.Error()}
	}
	known := map[string]setting{}
	var names []string
	for _, s := range serveSettings {
		known[s.key] = s
		names = append(names, s.key)
	}
	out := map[string]string{}
	var errs []string
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			full := prefix + k
			if sub, ok := m[k].(map[string]any); ok {
				if full != "backup" {
					errs = append(errs, fmt.Sprintf("%s: unknown table (known keys: %s)", full, strings.Join(names, ", ")))
					continue
				}
				walk(full+".", sub)
				continue
			}
			s, ok := known[full]
			if !ok {
				errs = append(errs, fmt.Sprintf("%s: unknown key (known keys: %s)", full, strings.Join(names, ", ")))
				continue
			}
			v, err := settingText(s, m[k])
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s: %v", full, err))
				continue
			}
			out[full] = v
		}
	}
	walk("", raw)
	return out, errs
}

// settingText turns a decoded TOML value into the setting's text form.
func settingText(s setting, v any) (string, error) {
	switch s.kind {
	case kindBool:
		if b, ok := v.(bool); ok {
			return strconv.FormatBool(b), nil
		}
		return "", fmt.Errorf("want true or false, got %v", v)
	case kindInt:
		if n, ok := v.(int64); ok {
			return strconv.FormatInt(n, 10), nil
		}
		return "", fmt.Errorf("want a whole number, got %v", v)
	default:
		if t, ok := v.(string); ok {
			return t, nil
		}
		return "", fmt.Errorf("want a string (in quotes), got %v", v)
	}
}

func newConfigCmd(app *App) *cobra.Command {
	cmd := groupCmd("config", "Show the server's effective configuration")
	show := &cobra.Command{
		Use:   "show [--config PATH]",
		Short: "Print every `owg serve` setting, its value and where it came from",
		Long: `Print every "owg serve" setting with its effective value and where that value
came from: a flag, an OWG_* environment variable, the configuration file
(--config, $OWG_CONFIG, else DATA/owg.toml) or the default. Precedence is
flag > environment > file > default.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := resolveServeConfig(app, cmd.Flags())
			if err != nil {
				return err
			}
			dir, err := app.DataDir()
			if err != nil {
				return err
			}
			dirSrc := "default"
			switch {
			case app.DataFlag != "":
				dirSrc = "flag --data"
			case app.Getenv("OWG_DATA") != "":
				dirSrc = "env OWG_DATA"
			}
			tw := tabwriter.NewWriter(app.Stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "KEY\tVALUE\tSOURCE\tFLAG / ENV")
			fmt.Fprintf(tw, "data\t%s\t%s\t--data / OWG_DATA\n", dir, dirSrc)
			keySrc, keyVal := "default", "(none: the store is not encrypted)"
			switch {
			case app.KeyFileFlag != "":
				keySrc, keyVal = "flag --key-file", app.KeyFileFlag
			case app.Getenv("OWG_KEY_FILE") != "":
				keySrc, keyVal = "env OWG_KEY_FILE", app.Getenv("OWG_KEY_FILE")
			}
			fmt.Fprintf(tw, "key_file\t%s\t%s\t--key-file / OWG_KEY_FILE\n", keyVal, keySrc)
			unset := map[string]string{
				"host-key":        filepath.Join(dir, sshserve.DefaultHostKeyName) + " (created on first start)",
				"backup-dir":      "(off: no continuous backups)",
				"backup-key-file": "(the store's key_file; none: backups not encrypted)",
			}
			for _, r := range cfg.values {
				v := r.value
				if v == "" {
					v = unset[r.flag]
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t--%s / %s\n", r.key, v, r.source, r.flag, r.env)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			if cfg.file != "" {
				fmt.Fprintf(app.Stdout, "config file: %s\n", cfg.file)
			} else {
				fmt.Fprintln(app.Stdout, "config file: none")
			}
			return nil
		},
	}
	show.Flags().String("config", "", "configuration file (default $OWG_CONFIG, else DATA/"+configFileName+" when present)")
	cmd.AddCommand(annotate(show, annotLocal, "owg config show reads this machine's configuration: run it without the server"))
	return annotate(cmd, annotLocal, "owg config show reads this machine's configuration: run it without the server")
}
