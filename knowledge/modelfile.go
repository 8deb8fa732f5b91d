package knowledge

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// The learnt models (scope, guide, section) share one file shape: TSV lines
// of a fixed number of columns ending in a number, "#" comments and blank
// lines ignored, header comments written first. The two fitted by gradient
// descent (scope, section) also share how their examples are read and
// visited.

// biasKey names a bias in the scope and section model files.
const biasKey = "(bias)"

// eachModelLine calls fn with the line number and the columns of every line
// of a model file that is not blank nor a comment, the last column parsed as
// a finite number. A line of another number of columns, an empty column or a
// last column that is not a number is a FieldError naming the file and line
// (want describes the line's shape); so is an error fn returns as a message.
func eachModelLine(name string, data []byte, ncols int, want string, fn func(n int, cols []string, v float64) string) error {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != ncols || slices.Contains(cols[:ncols-1], "") {
			return &FieldError{File: name, Line: n, Msg: "want " + want}
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(cols[ncols-1]), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return &FieldError{File: name, Line: n, Msg: "want " + want + " (a number)"}
		}
		if msg := fn(n, cols[:ncols-1], v); msg != "" {
			return &FieldError{File: name, Line: n, Msg: msg}
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// loadSeedModel reads the bundled model file with parse.
func loadSeedModel[M any](file string, parse func(string, []byte) (M, error)) (M, error) {
	data, err := fs.ReadFile(SeedFS(), file)
	if err != nil {
		var zero M
		return zero, err
	}
	return parse(file, data)
}

// modelHeader starts a model file with its header lines as comments.
func modelHeader(header []string) *strings.Builder {
	var b strings.Builder
	for _, h := range header {
		fmt.Fprintf(&b, "# %s\n", h)
	}
	return &b
}

// commonFeatures returns the ScopeFeatures of each example's folded words
// without the features seen in fewer than two examples: one question's odd
// word says nothing of the next.
func commonFeatures(folded [][]string) [][]string {
	const minDF = 2
	df := map[string]int{}
	feats := make([][]string, len(folded))
	for i, f := range folded {
		feats[i] = ScopeFeatures(f)
		for _, x := range feats[i] {
			df[x]++
		}
	}
	for i := range feats {
		feats[i] = slices.DeleteFunc(feats[i], func(x string) bool { return df[x] < minDF })
	}
	return feats
}

// shuffledPasses calls visit with each of n examples' index, passes times,
// in a fresh shuffle from src each pass: the same source gives the same
// order.
func shuffledPasses(n, passes int, src rand.Source, visit func(pass, i int)) {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	rng := rand.New(src)
	for pass := range passes {
		rng.Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			visit(pass, i)
		}
	}
}
