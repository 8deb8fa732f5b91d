package search

import (
	"sort"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/dvcbot/dvcbot/knowledge"
)

// In memory, bleve's scorch never merges segments: every Upsert or Delete adds
// one that each later search visits (after 2,000 records applied one by one, a
// search took about 25 times as long), and BM25's length normalisation moves
// with the number of segments. Once compactAfter such writes have piled up,
// the index rebuilds itself in the background as soon as writes pause for
// compactQuiet, and takes the rebuilt indexes if nothing was written meanwhile.
const (
	compactAfter = 16
	compactQuiet = 300 * time.Millisecond
)

// wrote records one write to the bleve indexes; callers hold the write lock.
func (ix *Index) wrote() {
	ix.version++
	ix.loose++
	ix.lastWrite = time.Now()
	if ix.loose >= compactAfter && !ix.compacting && !ix.closed {
		ix.compacting = true
		go ix.compact()
	}
}

// compact rebuilds both bleve indexes from the entries and swaps them in.
func (ix *Index) compact() {
	for {
		ix.mu.RLock()
		wait := compactQuiet - time.Since(ix.lastWrite)
		closed := ix.closed || ix.loose == 0 // closed, or rebuilt whole since
		v := ix.version
		var procs []knowledge.Procedure
		if wait <= 0 && !closed {
			procs = make([]knowledge.Procedure, 0, len(ix.procs))
			for _, e := range ix.procs {
				procs = append(procs, e.p)
			}
		}
		ix.mu.RUnlock()
		if closed {
			ix.mu.Lock()
			ix.compacting = false
			ix.mu.Unlock()
			return
		}
		if wait > 0 {
			time.Sleep(wait)
			continue
		}
		sort.Slice(procs, func(i, j int) bool { return procs[i].ID < procs[j].ID })
		guides, records, err := openPair(ix.mapping)
		if err == nil {
			if err = indexAll(guides, records, procs); err != nil {
				guides.Close()
				records.Close()
			}
		}
		ix.mu.Lock()
		if err != nil || ix.closed || ix.version != v {
			if err == nil {
				guides.Close()
				records.Close()
			}
			if err != nil || ix.closed {
				ix.compacting = false // the next writes try again
				ix.mu.Unlock()
				return
			}
			ix.mu.Unlock()
			continue // written meanwhile: wait for the next pause
		}
		ix.guides.Close()
		ix.records.Close()
		ix.guides, ix.records = guides, records
		ix.loose, ix.compacting = 0, false
		ix.mu.Unlock()
		return
	}
}

// indexAll indexes procs into guides and records (by kind) in batches.
func indexAll(guides, records bleve.Index, procs []knowledge.Procedure) error {
	bg, br := guides.NewBatch(), records.NewBatch()
	for i := range procs {
		to, b := guides, bg
		if procs[i].IsOfficial() {
			to, b = records, br
		}
		if err := b.Index(procs[i].ID, toDoc(&procs[i])); err != nil {
			return err
		}
		if b.Size() >= replaceBatch {
			if err := to.Batch(b); err != nil {
				return err
			}
			b.Reset()
		}
	}
	if err := guides.Batch(bg); err != nil {
		return err
	}
	return records.Batch(br)
}
