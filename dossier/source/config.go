// Package source asks the province's own dossier system (the one-stop
// processing system behind the national portal) for a dossier over HTTP: a
// request built from a small YAML file (DVCBOT_DOSSIER_SOURCE), a timeout, a
// circuit breaker, and a mapping of the JSON answer to the contract's dossier.
// It implements dossier.Source; it imports dossier, bot (sentinel errors) and
// internal/obs, nothing else of the project.
package source

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/dvcbot/dvcbot/dossier"
)

// Phone modes: how the source gives the applicant's phone.
const (
	PhoneWhole  = "whole"  // the whole number
	PhoneMasked = "masked" // masked, the last digits visible ("091****5678")
	PhoneLast4  = "last4"  // only the last 4 digits
)

// Defaults of the file's optional settings.
const (
	DefaultTimeout         = 3 * time.Second
	DefaultBreakerFailures = 5
	DefaultBreakerCooldown = 30 * time.Second
)

// Config is a validated source file, ${VAR} references resolved.
type Config struct {
	URL      string            // template; {code} is replaced, URL-escaped
	Method   string            // GET or POST
	Headers  map[string]string // values resolved from the environment
	Body     string            // POST body template; {code} is replaced, JSON-string-escaped
	Timeout  time.Duration
	Phone    string            // PhoneWhole, PhoneMasked or PhoneLast4
	Fields   map[string]string // dossier field → dotted path in the answer
	Statuses map[string]string // the province's status → contract status
	NotFound NotFound
	CacheTTL time.Duration // how long an answer is reused; 0: never
	Breaker  BreakerConfig
	Recheck  RecheckConfig

	secrets []string // resolved values of ${VAR}s, never printed
}

// NotFound says how the source answers "no such dossier": by HTTP status,
// and/or by a field of a 2xx answer (absent, null or empty; or equal to
// Equals when that is set).
type NotFound struct {
	Status []int
	Field  string
	Equals string
}

// BreakerConfig: the breaker opens after Failures consecutive failures and
// lets one probe through after Cooldown.
type BreakerConfig struct {
	Failures int
	Cooldown time.Duration
}

// RecheckConfig paces the notification re-check of subscribed dossiers.
type RecheckConfig struct {
	Interval time.Duration // between the starts of two rounds
	Rate     float64       // requests per second at most
}

// Fields a mapping may name (the contract's dossier fields).
var knownFields = []string{"code", "status", "procedure_id", "procedure_name", "applicant_name", "applicant_phone", "received_at", "due_at", "completed_at", "agency", "note"}

// fileConfig is the YAML file as written.
type fileConfig struct {
	URL      string            `yaml:"url"`
	Method   string            `yaml:"method"`
	Headers  map[string]string `yaml:"headers"`
	Body     string            `yaml:"body"`
	Timeout  *time.Duration    `yaml:"timeout"`
	Phone    string            `yaml:"phone"`
	Fields   map[string]string `yaml:"fields"`
	Statuses map[string]string `yaml:"statuses"`
	NotFound *struct {
		Status statusList `yaml:"status"`
		Field  string     `yaml:"field"`
		Equals *string    `yaml:"equals"`
	} `yaml:"not_found"`
	Cache   *time.Duration `yaml:"cache"`
	Breaker struct {
		Failures *int           `yaml:"failures"`
		Cooldown *time.Duration `yaml:"cooldown"`
	} `yaml:"breaker"`
	Recheck struct {
		Interval *time.Duration `yaml:"interval"`
		Rate     *float64       `yaml:"rate"`
	} `yaml:"recheck"`
}

// statusList is one HTTP status or a list of them.
type statusList []int

func (s *statusList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.SequenceNode {
		var l []int
		if err := n.Decode(&l); err != nil {
			return err
		}
		*s = l
		return nil
	}
	var one int
	if err := n.Decode(&one); err != nil {
		return err
	}
	*s = statusList{one}
	return nil
}

// ConfigError lists every problem of a source file, each naming its field.
type ConfigError struct {
	Path     string
	Problems []string
}

func (e *ConfigError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = "DVCBOT_DOSSIER_SOURCE " + e.Path + ": " + p
	}
	return strings.Join(lines, "\n")
}

// Load reads and validates the file at path; getenv resolves ${VAR}.
func Load(path string, getenv func(string) string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, &ConfigError{Path: path, Problems: []string{"cannot read the file: " + err.Error()}}
	}
	c, err := Parse(data, getenv)
	var ce *ConfigError
	if errors.As(err, &ce) {
		ce.Path = path
	}
	return c, err
}

var varRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// secretName matches header and query names that carry credentials.
var secretName = regexp.MustCompile(`(?i)key|token|secret|auth|passw|cookie|signature`)

// Parse validates a source file's content. The error is a *ConfigError.
func Parse(data []byte, getenv func(string) string) (Config, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	var f fileConfig
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return Config{}, &ConfigError{Problems: []string{"not a valid source file: " + err.Error()}}
	}
	var probs []string
	bad := func(field, format string, args ...any) {
		probs = append(probs, field+": "+fmt.Sprintf(format, args...))
	}
	c := Config{Method: strings.ToUpper(strings.TrimSpace(f.Method)), Body: f.Body, Timeout: DefaultTimeout, Phone: strings.TrimSpace(f.Phone),
		CacheTTL: dossier.DefaultCacheTTL, Breaker: BreakerConfig{DefaultBreakerFailures, DefaultBreakerCooldown},
		Recheck: RecheckConfig{dossier.DefaultRecheckInterval, dossier.DefaultRecheckRate}}
	expand := func(field, v string) string {
		return varRef.ReplaceAllStringFunc(v, func(ref string) string {
			name := varRef.FindStringSubmatch(ref)[1]
			val := getenv(name)
			if val == "" {
				bad(field, "environment variable %s is not set", name)
			} else {
				c.secrets = append(c.secrets, val)
			}
			return val
		})
	}

	// Request.
	switch c.Method {
	case "":
		c.Method = "GET"
	case "GET", "POST":
	default:
		bad("method", "must be GET or POST, got %q", f.Method)
	}
	tmpl := strings.TrimSpace(f.URL)
	switch {
	case tmpl == "":
		bad("url", "is required, e.g. http://igate.example.gov.vn/api/hoso?ma={code}")
	case !strings.Contains(tmpl, "{code}") && !strings.Contains(f.Body, "{code}"):
		bad("url", "must contain {code} (or, with method POST, the body must)")
	default:
		if u, err := url.Parse(strings.ReplaceAll(varRef.ReplaceAllString(tmpl, "x"), "{code}", "X")); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("url", "must be an http(s) URL, got %q", tmpl)
		} else {
			for k, vs := range u.Query() {
				for _, v := range vs {
					if secretName.MatchString(k) && v != "" && !varRef.MatchString(tmplQueryValue(tmpl, k)) {
						bad("url", "the query parameter %s holds a secret: write it as ${VAR} and set VAR in the environment; secrets never go in the file", k)
					}
				}
			}
		}
		c.URL = expand("url", tmpl)
	}
	if f.Body != "" && c.Method != "POST" {
		bad("body", "needs method: POST")
	}
	c.Body = expand("body", f.Body)
	c.Headers = map[string]string{}
	for _, k := range sortedKeys(f.Headers) {
		v := f.Headers[k]
		field := "headers." + k
		if strings.TrimSpace(k) == "" || strings.ContainsAny(k, " :\r\n") {
			bad("headers", "%q is not a header name", k)
			continue
		}
		if secretName.MatchString(k) && !varRef.MatchString(v) {
			bad(field, "holds a secret: write it as \"${VAR}\" and set VAR in the environment; secrets never go in the file")
			continue
		}
		v = expand(field, v)
		if strings.ContainsAny(v, "\r\n") {
			bad(field, "must be one line")
		}
		c.Headers[k] = v
	}
	if f.Timeout != nil {
		c.Timeout = *f.Timeout
		if c.Timeout <= 0 || c.Timeout > time.Minute {
			bad("timeout", "must be a duration between 1ms and 1m such as 3s, got %v", *f.Timeout)
		}
	}

	// Mapping.
	switch c.Phone {
	case "":
		c.Phone = PhoneWhole
	case PhoneWhole, PhoneMasked, PhoneLast4:
	default:
		bad("phone", "must be whole, masked or last4, got %q", f.Phone)
	}
	c.Fields = map[string]string{}
	for _, k := range sortedKeys(f.Fields) {
		p := strings.TrimSpace(f.Fields[k])
		switch {
		case !contains(knownFields, k):
			bad("fields."+k, "is not a dossier field (%s)", strings.Join(knownFields, ", "))
		case p == "" || strings.HasPrefix(p, ".") || strings.HasSuffix(p, ".") || strings.Contains(p, ".."):
			bad("fields."+k, "must be a dotted path into the answer such as data.trangThai, got %q", f.Fields[k])
		default:
			c.Fields[k] = p
		}
	}
	for _, k := range []string{"status", "applicant_phone"} {
		if _, ok := f.Fields[k]; !ok {
			bad("fields."+k, "is required (a dotted path into the answer)")
		}
	}
	c.Statuses = map[string]string{}
	for _, k := range sortedKeys(f.Statuses) {
		v := strings.ToLower(strings.TrimSpace(f.Statuses[k]))
		switch {
		case strings.TrimSpace(k) == "":
			bad("statuses", "a status name is empty")
		case dossier.StatusLabel(v) == "":
			bad(fmt.Sprintf("statuses[%q]", k), "%q is not one of received, processing, supplement_required, completed, returned, rejected, cancelled", f.Statuses[k])
		default:
			c.Statuses[k] = v
		}
	}
	c.NotFound = NotFound{Status: []int{404}}
	if nf := f.NotFound; nf != nil {
		c.NotFound = NotFound{Status: nf.Status, Field: strings.TrimSpace(nf.Field)}
		if nf.Equals != nil {
			c.NotFound.Equals = *nf.Equals
		}
		for _, s := range nf.Status {
			if s < 200 || s > 599 {
				bad("not_found.status", "%d is not an HTTP status", s)
			}
		}
		if nf.Equals != nil && c.NotFound.Field == "" {
			bad("not_found.equals", "needs not_found.field")
		}
		if len(nf.Status) == 0 && c.NotFound.Field == "" {
			bad("not_found", "must give a status (e.g. 404) and/or a field of the answer")
		}
	}

	// Pacing.
	if f.Cache != nil {
		c.CacheTTL = *f.Cache
		if c.CacheTTL < 0 || c.CacheTTL > 24*time.Hour {
			bad("cache", "must be a duration between 0s (no cache) and 24h, got %v", *f.Cache)
		}
	}
	if b := f.Breaker.Failures; b != nil {
		c.Breaker.Failures = *b
		if *b < 1 || *b > 1000 {
			bad("breaker.failures", "must be between 1 and 1000, got %d", *b)
		}
	}
	if b := f.Breaker.Cooldown; b != nil {
		c.Breaker.Cooldown = *b
		if *b < 100*time.Millisecond || *b > time.Hour {
			bad("breaker.cooldown", "must be a duration between 100ms and 1h, got %v", *b)
		}
	}
	if r := f.Recheck.Interval; r != nil {
		c.Recheck.Interval = *r
		if *r < time.Second || *r > 7*24*time.Hour {
			bad("recheck.interval", "must be a duration between 1s and 168h, got %v", *r)
		}
	}
	if r := f.Recheck.Rate; r != nil {
		c.Recheck.Rate = *r
		if !(*r > 0 && *r <= 1000) {
			bad("recheck.rate", "must be requests per second above 0 and at most 1000, got %v", *r)
		}
	}
	if len(probs) > 0 {
		return Config{}, &ConfigError{Problems: probs}
	}
	return c, nil
}

// tmplQueryValue is the raw value of query parameter k in the URL template.
func tmplQueryValue(tmpl, k string) string {
	_, q, _ := strings.Cut(tmpl, "?")
	for _, kv := range strings.Split(q, "&") {
		if name, v, _ := strings.Cut(kv, "="); name == k {
			return v
		}
	}
	return ""
}

// Redact replaces the resolved secrets in s (a URL or a header value) by "***".
func (c Config) Redact(s string) string {
	for _, v := range c.secrets {
		if len(v) >= 4 {
			s = strings.ReplaceAll(s, v, "***")
			s = strings.ReplaceAll(s, url.QueryEscape(v), "***")
		}
	}
	return s
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
