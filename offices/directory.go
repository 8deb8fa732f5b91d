package offices

import (
	"math"
	"sort"
	"strings"

	"github.com/dvcbot/dvcbot/knowledge/vntext"
)

// Directory is an immutable, indexed set of offices. Build it with
// NewDirectory; it is safe for concurrent use.
type Directory struct {
	offices []Office
	keys    [][]string           // keys[i]: the commune keys of offices[i]
	names   map[string][]nameRef // commune key → communes with that (current or former) name
	aliases map[string][]string  // current commune name → keys of all its names
}

type nameRef struct {
	commune string // current name
	name    string // the name as listed
	former  bool
}

// NewDirectory indexes list (sorted by id). Offices are used as given;
// validate them first.
func NewDirectory(list []Office) *Directory {
	d := &Directory{offices: append([]Office(nil), list...), names: map[string][]nameRef{}, aliases: map[string][]string{}}
	sort.Slice(d.offices, func(i, j int) bool { return d.offices[i].ID < d.offices[j].ID })
	d.keys = make([][]string, len(d.offices))
	for i, o := range d.offices {
		for _, c := range o.Communes {
			d.keys[i] = append(d.keys[i], CommuneKey(c))
		}
	}
	add := func(key string, r nameRef) {
		if key == "" {
			return
		}
		for _, o := range d.names[key] {
			if o.commune == r.commune {
				return
			}
		}
		d.names[key] = append(d.names[key], r)
	}
	// Commune-level offices define communes and their former names.
	for _, o := range d.offices {
		if o.Level != LevelCommune || len(o.Communes) == 0 {
			continue
		}
		cur := o.Communes[0]
		for i, n := range o.Communes {
			k := CommuneKey(n)
			add(k, nameRef{commune: cur, name: n, former: i > 0})
			if k != "" && !contains(d.aliases[cur], k) {
				d.aliases[cur] = append(d.aliases[cur], k)
			}
		}
	}
	// Names only province-level offices list are communes too (unless known).
	for _, o := range d.offices {
		if o.Level == LevelCommune {
			continue
		}
		for _, n := range o.Communes {
			k := CommuneKey(n)
			if k == "" || len(d.names[k]) > 0 {
				continue
			}
			add(k, nameRef{commune: n, name: n})
			d.aliases[n] = []string{k}
		}
	}
	return d
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Offices returns every office, sorted by id.
func (d *Directory) Offices() []Office { return append([]Office(nil), d.offices...) }

// Len is the number of offices.
func (d *Directory) Len() int { return len(d.offices) }

// Communes returns the current names of the communes the directory knows, sorted.
func (d *Directory) Communes() []string {
	out := make([]string, 0, len(d.aliases))
	for c := range d.aliases {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return vntext.Key(out[i]) < vntext.Key(out[j]) })
	return out
}

// Serving returns the offices serving the commune named commune (any of its
// names, accents aside; province offices that list no commune serve all),
// commune-level offices first.
func (d *Directory) Serving(commune string) []Office {
	keys := map[string]bool{}
	for _, m := range d.FindCommune(commune) {
		if m.Distance > 0 {
			continue
		}
		for _, k := range d.aliases[m.Commune] {
			keys[k] = true
		}
	}
	if k := CommuneKey(commune); k != "" {
		keys[k] = true
	}
	var out []Office
	for i, o := range d.offices {
		if o.Level == LevelProvince && len(o.Communes) == 0 {
			out = append(out, o)
			continue
		}
		for _, k := range d.keys[i] {
			if keys[k] {
				out = append(out, o)
				break
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Level == LevelCommune && out[j].Level != LevelCommune })
	return out
}

// Need says what a procedure needs from a desk: its field (lĩnh vực) and the
// levels (cấp) that handle it, as the knowledge base writes them ("xã, tỉnh").
type Need struct {
	Field string
	Level string
}

// specialisedFields are fields a general one-stop desk does not take: only an
// office that lists the field is named for them (courts, notaries, schools,
// social insurance, tax, the power company, employment centres, guides to the
// portal).
var specialisedFields = map[string]bool{
	"tu phap": true, "giao duc": true, "bao hiem": true, "thue": true, "dien": true,
	"lao dong": true, "huong dan su dung": true, "tinh huong": true, "khieu nai": true,
}

// rank scores how well o fits n: 0 does not fit; higher is better. An office
// that lists the field beats a general desk; the level must be one the
// procedure is handled at (when it says); a commune desk beats a province one.
func (n Need) rank(o Office) int {
	specific := o.lists(n.Field)
	if !specific && (len(o.Fields) > 0 || specialisedFields[vntext.Key(n.Field)]) {
		return 0
	}
	lv := vntext.Fold(n.Level)
	commune, province := strings.Contains(lv, "xa"), strings.Contains(lv, "tinh")
	if commune || province {
		if (o.Level == LevelCommune && !commune) || (o.Level == LevelProvince && !province) {
			return 0
		}
	}
	r := 1
	if specific {
		r += 4
	}
	if o.Level == LevelCommune {
		r += 2
	}
	return r
}

// Desk returns the office a citizen of commune should go to for n, and false
// when the directory has none that fits.
func (d *Directory) Desk(commune string, n Need) (Office, bool) {
	var best Office
	bestRank := 0
	for _, o := range d.Serving(commune) {
		if r := n.rank(o); r > bestRank {
			best, bestRank = o, r
		}
	}
	return best, bestRank > 0
}

// Nearest returns the fitting office closest to (lat, lon) and its distance
// in kilometres: among the offices that fit best (listing the field beats a
// general desk), the closest one with coordinates.
func (d *Directory) Nearest(lat, lon float64, n Need) (Office, float64, bool) {
	var best Office
	bestTier, bestKm := 0, math.Inf(1)
	for _, o := range d.offices {
		if !o.HasLocation() {
			continue
		}
		r := n.rank(o)
		if r == 0 {
			continue
		}
		tier := 1
		if r >= 5 {
			tier = 2 // lists the field
		}
		km := Haversine(lat, lon, o.Lat, o.Lon)
		if tier > bestTier || (tier == bestTier && km < bestKm) {
			best, bestTier, bestKm = o, tier, km
		}
	}
	return best, bestKm, bestTier > 0
}

// Haversine is the great-circle distance in kilometres between two points.
func Haversine(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0
	rad := math.Pi / 180
	dLat, dLon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * r * math.Asin(math.Sqrt(a))
}

// Fits reports whether o can take a procedure with this need at all.
func (n Need) Fits(o Office) bool { return n.rank(o) > 0 }
