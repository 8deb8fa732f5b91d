package offices

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/dvcbot/dvcbot/knowledge/vntext"
)

// ErrMalformed wraps input that cannot be read at all (not a JSON array, no
// CSV header). Problems of one row are reported with that row.
var ErrMalformed = errors.New("malformed office import")

// Row is one record of an import: the office, or why it was rejected.
type Row struct {
	Index  int // 0-based position among the data rows
	Office Office
	Err    error
}

// Rejected is a row that was not imported, for staff.
type Rejected struct {
	Index int    `json:"index"`
	ID    string `json:"id,omitempty"`
	Field string `json:"field,omitempty"`
	Error string `json:"error"`
}

// headers maps CSV column names (and Vietnamese spellings, accents aside) to
// the contract's field names.
var headers = map[string]string{
	"id": "id", "ma": "id",
	"name": "name", "ten": "name", "ten co quan": "name",
	"level": "level", "cap": "level",
	"communes": "communes", "commune": "communes", "xa phuong": "communes", "dia ban": "communes",
	"address": "address", "dia chi": "address",
	"phone": "phone", "dien thoai": "phone", "so dien thoai": "phone",
	"hours": "hours", "gio lam viec": "hours",
	"lat": "lat", "latitude": "lat", "vi do": "lat",
	"lon": "lon", "lng": "lon", "longitude": "lon", "kinh do": "lon",
	"fields": "fields", "linh vuc": "fields",
	"map_url": "map_url", "map url": "map_url", "ban do": "map_url",
}

// Parse reads a JSON array of offices, or CSV with a header row (list cells
// separate items with ";") when the input does not start with '['. Each row is
// validated (Office.Validate).
func Parse(data []byte) ([]Row, error) {
	t := bytes.TrimLeft(bytes.TrimPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("\ufeff")), " \t\r\n")
	switch {
	case len(t) == 0:
		return nil, fmt.Errorf("%w: empty body; send a JSON array of offices or CSV with a header row", ErrMalformed)
	case t[0] == '[':
		return parseJSON(t)
	case t[0] == '{':
		return nil, fmt.Errorf("%w: send a JSON array of offices, not a single object", ErrMalformed)
	}
	return parseCSV(t)
}

func parseJSON(data []byte) ([]Row, error) {
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%w: not a valid JSON array: %v", ErrMalformed, err)
	}
	rows := make([]Row, len(raw))
	for i, r := range raw {
		rows[i].Index = i
		var o Office
		dec := json.NewDecoder(bytes.NewReader(r))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&o); err != nil {
			rows[i].Err = fmt.Errorf("not an office object: %v", err)
			continue
		}
		rows[i].Office, rows[i].Err = o, o.Validate()
		rows[i].Office.Normalize()
	}
	return rows, nil
}

func parseCSV(data []byte) ([]Row, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%w: cannot read the CSV header: %v", ErrMalformed, err)
	}
	col := map[string]int{}
	for i, h := range header {
		name, ok := headers[vntext.Key(h)]
		if !ok {
			return nil, fmt.Errorf("%w: unknown CSV column %q (columns: id, name, level, communes, address, phone, hours, lat, lon, fields, map_url)", ErrMalformed, h)
		}
		col[name] = i
	}
	if _, ok := col["id"]; !ok {
		return nil, fmt.Errorf("%w: the CSV header must name the columns (id, name, level, communes, address, ...); got %q", ErrMalformed, strings.Join(header, ","))
	}
	var rows []Row
	for i := 0; ; i++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		row := Row{Index: i}
		if err != nil && rec == nil {
			row.Err = fmt.Errorf("unreadable CSV row: %v", err)
			rows = append(rows, row)
			continue
		}
		cell := func(name string) string {
			if idx, ok := col[name]; ok && idx < len(rec) {
				return strings.TrimSpace(rec[idx])
			}
			return ""
		}
		o := Office{ID: cell("id"), Name: cell("name"), Level: cell("level"), Communes: splitList(cell("communes")),
			Address: cell("address"), Phone: cell("phone"), Hours: cell("hours"), Fields: splitList(cell("fields")), MapURL: cell("map_url")}
		if o.Lat, err = parseCoord(cell("lat")); err != nil {
			row.Office, row.Err = o, &FieldError{"lat", err.Error()}
		} else if o.Lon, err = parseCoord(cell("lon")); err != nil {
			row.Office, row.Err = o, &FieldError{"lon", err.Error()}
		} else {
			row.Office, row.Err = o, o.Validate()
			row.Office.Normalize()
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func splitList(s string) []string {
	if strings.TrimSpace(s) == "" {
		return []string{}
	}
	return strings.Split(s, ";")
}

func parseCoord(s string) (float64, error) {
	if s == "" {
		return 0, nil
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number (write 10.7769)", s)
	}
	return f, nil
}

// Reject turns a failed row into its report.
func (r Row) Reject() Rejected {
	re := Rejected{Index: r.Index, ID: r.Office.ID, Error: r.Err.Error()}
	var fe *FieldError
	if errors.As(r.Err, &fe) {
		re.Field = fe.Field
	}
	return re
}

// Prepare parses an import and splits it into the offices to save (the last
// row of an id wins) and the rejected rows. The error wraps ErrMalformed when
// nothing can be read.
func Prepare(data []byte) ([]Office, []Rejected, error) {
	rows, err := Parse(data)
	if err != nil {
		return nil, nil, err
	}
	good := []Office{}
	rejected := []Rejected{}
	at := map[string]int{}
	for _, r := range rows {
		if r.Err != nil {
			rejected = append(rejected, r.Reject())
			continue
		}
		if i, dup := at[r.Office.ID]; dup {
			good[i] = r.Office
			continue
		}
		at[r.Office.ID] = len(good)
		good = append(good, r.Office)
	}
	return good, rejected, nil
}
