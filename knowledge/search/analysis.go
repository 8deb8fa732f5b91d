package search

import (
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	_ "github.com/blevesearch/bleve/v2/analysis/analyzer/custom" // the "custom" analyzer type
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/shingle"
	"github.com/blevesearch/bleve/v2/analysis/token/unicodenorm"
	unitok "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"
	"golang.org/x/text/unicode/norm"

	"github.com/dvcbot/dvcbot/knowledge/vntext"
)

// Analyzer and filter names registered with bleve.
const (
	foldFilterName    = "vn_fold"
	shingleFilterName = "vn_shingle2"
	nfcFilterName     = "vn_nfc"

	analyzerFolded  = "vn_folded"  // syllables without diacritics
	analyzerShingle = "vn_shingle" // folded two-syllable shingles ("can cuoc")
	analyzerAccent  = "vn_accent"  // syllables with diacritics (NFC, lower case)
)

// foldFilter folds each token's term to its unaccented form. Unlike the
// asciifolding char filter it keeps byte offsets right and handles NFD input.
type foldFilter struct{}

func (foldFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, t := range in {
		if needsFold(t.Term) {
			t.Term = []byte(vntext.Fold(string(t.Term)))
		}
	}
	return in
}

// needsFold is a fast path: ASCII terms (already lower-cased) are left alone.
func needsFold(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

var registerOnce sync.Once

func register() {
	registerOnce.Do(func() {
		registry.RegisterTokenFilter(foldFilterName, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
			return foldFilter{}, nil
		})
	})
}

// newMapping builds the index mapping: folded, shingled and accented variants of
// the names (title + aliases) and of the body, BM25 scoring.
func newMapping() (*mapping.IndexMappingImpl, error) {
	register()
	m := mapping.NewIndexMapping()
	m.ScoringModel = "bm25"
	if err := m.AddCustomTokenFilter(shingleFilterName, map[string]interface{}{
		"type": shingle.Name, "min": 2.0, "max": 2.0, "output_original": false, "separator": " ",
	}); err != nil {
		return nil, err
	}
	if err := m.AddCustomTokenFilter(nfcFilterName, map[string]interface{}{
		"type": unicodenorm.Name, "form": unicodenorm.NFC,
	}); err != nil {
		return nil, err
	}
	analyzers := map[string][]string{
		analyzerFolded:  {lowercase.Name, foldFilterName},
		analyzerShingle: {lowercase.Name, foldFilterName, shingleFilterName},
		analyzerAccent:  {nfcFilterName, lowercase.Name},
	}
	for name, filters := range analyzers {
		fs := make([]interface{}, len(filters))
		for i, f := range filters {
			fs[i] = f
		}
		if err := m.AddCustomAnalyzer(name, map[string]interface{}{
			"type": "custom", "tokenizer": unitok.Name, "token_filters": fs,
		}); err != nil {
			return nil, err
		}
	}
	doc := mapping.NewDocumentStaticMapping()
	field := func(analyzer string) *mapping.FieldMapping {
		f := mapping.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	doc.AddFieldMappingsAt(fieldNamesFolded, field(analyzerFolded))
	doc.AddFieldMappingsAt(fieldNamesShingle, field(analyzerShingle))
	doc.AddFieldMappingsAt(fieldNamesAccent, field(analyzerAccent))
	doc.AddFieldMappingsAt(fieldBodyFolded, field(analyzerFolded))
	m.DefaultMapping = doc
	m.DefaultAnalyzer = analyzerFolded
	return m, nil
}

// Field names of indexed documents.
const (
	fieldNamesFolded  = "nf"
	fieldNamesShingle = "ns"
	fieldNamesAccent  = "na"
	fieldBodyFolded   = "bf"
)

// nfc is used to normalize query text once.
func nfc(s string) string { return norm.NFC.String(s) }
