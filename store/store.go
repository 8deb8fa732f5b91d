// Package store keeps dvcbot's state in MongoDB through the official driver. It
// either connects to an external deployment (MONGODB_URI) or starts an embedded
// MongoDB-compatible server (FerretDB with SQLite) inside the process and talks to
// it over the wire exactly as it would to MongoDB.
//
// Only operations that real MongoDB and FerretDB v1 both do right are used: hot
// reads are keyed by _id, no transactions, no $push modifiers, no multi-accumulator
// $group, and expiry works without TTL indexes (a sweeper deletes what expired).
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"github.com/dvcbot/dvcbot/bot"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
)

// Store methods return the engine's sentinel errors, wrapped.
var (
	ErrNotFound = bot.ErrNotFound
	ErrConflict = bot.ErrConflict
)

// Options say where the data lives.
type Options struct {
	URI      string // external MongoDB; empty starts the embedded server
	Database string
	DataDir  string // embedded mode: SQLite files go to DataDir/mongo
	// FullSync (embedded mode) makes every commit wait for the disk (SQLite
	// synchronous=FULL). By default commits reach the operating system before
	// they are acknowledged (WAL with synchronous=NORMAL): nothing is lost
	// when the process crashes or is killed, and the last commits may be lost
	// only if the machine itself loses power; a turn costs about half as much.
	FullSync bool
	Logger   *slog.Logger
}

// DB is an open connection to the store. It is safe for concurrent use.
type DB struct {
	client   *mongo.Client
	db       *mongo.Database
	log      *slog.Logger
	embedded *embeddedServer // owned embedded server, nil for views and external stores

	embeddedMode bool // the server is the embedded FerretDB (owned or not)
	view         bool // shares another DB's client; Close does not disconnect

	sessOnce sync.Once
	sessions *Sessions

	outboxOnce sync.Once
	outbox     *Outbox

	catalogMu sync.Mutex // serialises catalogue imports of this process

	eventsOnce sync.Once
	events     *eventLog // turn events, written in the background once a second

	uri string // the embedded server's address (empty for external stores)

	// files reaches the embedded server's SQLite files for background deletes
	// and indexes (embedded mode; shared with views; nil for external stores).
	files *embeddedFiles
}

type embeddedServer struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// Open connects to the store described by opts, pings it (10 s at most) and makes
// sure every collection index exists. In embedded mode it first starts FerretDB on
// a loopback port with its SQLite files under DataDir/mongo.
func Open(ctx context.Context, opts Options) (*DB, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.Database == "" {
		opts.Database = "dvcbot"
	}
	d := &DB{log: log}
	uri := opts.URI
	clientOpts := options.Client().SetConnectTimeout(5 * time.Second).SetServerSelectionTimeout(10 * time.Second)
	if uri == "" {
		u, srv, err := startEmbedded(opts.DataDir, opts.FullSync, log)
		if err != nil {
			return nil, err
		}
		d.embedded = srv
		d.embeddedMode = true
		d.uri = u
		dir, _ := filepath.Abs(filepath.Join(opts.DataDir, "mongo")) // startEmbedded checked it
		d.files = newEmbeddedFiles(dir, opts.FullSync)
		uri = u
		// FerretDB v1 loses concurrent updates to one document unless operations are
		// serialised; a single connection does that.
		clientOpts.SetMaxPoolSize(1)
	}
	client, err := mongo.Connect(clientOpts.ApplyURI(uri))
	if err != nil {
		d.stopEmbedded()
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	d.client = client
	d.db = client.Database(opts.Database)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := d.Ping(pctx); err != nil {
		_ = d.Close(context.Background())
		if opts.URI != "" {
			return nil, fmt.Errorf("store: MongoDB at MONGODB_URI does not answer (check the URI, network and credentials): %w", err)
		}
		return nil, fmt.Errorf("store: embedded server does not answer: %w", err)
	}
	if err := d.EnsureSchema(ctx); err != nil {
		_ = d.Close(context.Background())
		return nil, err
	}
	if err := d.Procedures().recoverPending(ctx); err != nil {
		_ = d.Close(context.Background())
		return nil, err
	}
	d.Sessions() // the backend is chosen with the connection
	return d, nil
}

// syncPragma is the SQLite synchronous setting for Options.FullSync.
func syncPragma(full bool) string {
	if full {
		return "synchronous(full)"
	}
	return "synchronous(normal)"
}

func startEmbedded(dataDir string, fullSync bool, log *slog.Logger) (string, *embeddedServer, error) {
	dir, err := filepath.Abs(filepath.Join(dataDir, "mongo"))
	if err != nil {
		return "", nil, fmt.Errorf("store: data dir: %w", err)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", nil, fmt.Errorf("store: create %s (set DVCBOT_DATA_DIR to a writable directory): %w", dir, err)
	}
	quiet := slog.New(lazyAttrs{h: slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})})
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:   "sqlite",
		SQLiteURL: "file:" + filepath.ToSlash(dir) + "/?_pragma=" + syncPragma(fullSync),
		Logger:    quiet,
	})
	if err != nil {
		return "", nil, fmt.Errorf("store: start embedded server in %s: %w", dir, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	srv := &embeddedServer{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(srv.done)
		if err := f.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
			log.Error("embedded store stopped", "err", err)
		}
	}()
	log.Info("embedded store started", "dir", dir)
	return f.MongoDBURI(), srv, nil
}

// lazyAttrs defers a handler's WithAttrs until a record is handled. FerretDB
// derives a logger per operation, and a text handler formats the attributes at
// once, which cost several per cent of an import's CPU for logs never written.
type lazyAttrs struct {
	h     slog.Handler
	attrs []slog.Attr
}

func (l lazyAttrs) Enabled(ctx context.Context, level slog.Level) bool {
	return l.h.Enabled(ctx, level)
}

func (l lazyAttrs) Handle(ctx context.Context, r slog.Record) error {
	return l.h.WithAttrs(l.attrs).Handle(ctx, r)
}

func (l lazyAttrs) WithAttrs(attrs []slog.Attr) slog.Handler {
	return lazyAttrs{h: l.h, attrs: append(l.attrs[:len(l.attrs):len(l.attrs)], attrs...)}
}

func (l lazyAttrs) WithGroup(name string) slog.Handler {
	return lazyAttrs{h: l.h.WithAttrs(l.attrs).WithGroup(name)}
}

// Embedded reports whether the store is the embedded server.
func (d *DB) Embedded() bool { return d.embeddedMode }

// WithDatabase returns a view of the same connection on another database. Closing
// the view does nothing; the original owns the connection.
func (d *DB) WithDatabase(name string) *DB {
	return &DB{client: d.client, db: d.client.Database(name), log: d.log, embeddedMode: d.embeddedMode, view: true, files: d.files}
}

// EmbeddedURI is the mongodb:// address of the embedded server (loopback), for
// tools and tests that connect a second client; empty for external stores.
func (d *DB) EmbeddedURI() string { return d.uri }

// Database is the MongoDB database all collections live in.
func (d *DB) Database() *mongo.Database { return d.db }

// Client is the underlying driver client.
func (d *DB) Client() *mongo.Client { return d.client }

// Ping checks that the server answers.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.client.Ping(ctx, readpref.Primary()); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// Close disconnects and, in embedded mode, stops the embedded server after every
// write has been acknowledged. It is safe to call more than once.
func (d *DB) Close(ctx context.Context) error {
	d.stopEvents(ctx)
	if d.view {
		return nil
	}
	var err error
	if d.client != nil {
		err = d.client.Disconnect(ctx)
		d.client = nil
	}
	if d.files != nil {
		d.files.close()
	}
	d.stopEmbedded()
	return err
}

func (d *DB) stopEmbedded() {
	if d.embedded == nil {
		return
	}
	d.embedded.cancel()
	select {
	case <-d.embedded.done:
	case <-time.After(5 * time.Second):
		d.log.Warn("embedded store did not stop within 5s")
	}
	d.embedded = nil
}

// Sweeper deletes documents whose expires_at has passed from every collection that
// carries one, and superseded session versions. It complements TTL indexes,
// which the embedded server lacks. On the embedded server it works in chunks
// of a few milliseconds and pauses between them, without the driver's
// connection, so chat turns do not wait for it.
type Sweeper struct {
	db       *DB
	interval time.Duration
	wg       sync.WaitGroup
	stop     chan struct{}
	once     sync.Once
	ctx      context.Context // cancelled by Stop, so a sweep in progress ends at once
	cancel   context.CancelFunc
}

// NewSweeper returns a sweeper running every interval once started.
func (d *DB) NewSweeper(interval time.Duration) *Sweeper {
	ctx, cancel := context.WithCancel(context.Background())
	return &Sweeper{db: d, interval: interval, stop: make(chan struct{}), ctx: ctx, cancel: cancel}
}

// Start runs the sweeper in the background until Stop.
func (s *Sweeper) Start() {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(s.interval)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				s.RunOnce()
			}
		}
	}()
}

// RunOnce compacts the session log and sweeps expired documents once (what
// the background loop does every interval), logging what it did.
func (s *Sweeper) RunOnce() {
	ctx, cancel := context.WithTimeout(s.ctx, s.interval)
	defer cancel()
	start := time.Now()
	if err := s.db.Sessions().Compact(ctx, time.Now()); err != nil {
		s.db.log.Warn("compact sessions", "err", err)
	}
	compacted := time.Since(start)
	n, err := s.db.SweepExpired(ctx, time.Now())
	if err != nil {
		s.db.log.Warn("sweep expired documents", "err", err)
	}
	s.db.log.Debug("background sweep", "expired_deleted", n, "compact_ms", compacted.Milliseconds(), "total_ms", time.Since(start).Milliseconds())
}

// Stop ends the sweeper; a sweep in progress is cancelled (what it deleted stays
// deleted, the rest waits for the next start) and Stop returns once it has ended.
func (s *Sweeper) Stop() {
	s.once.Do(func() { close(s.stop); s.cancel() })
	s.wg.Wait()
}

// SweepExpired deletes every document with expires_at before now and returns how
// many went. On the embedded server it deletes in chunks with pauses between
// them (see embeddedFiles).
func (d *DB) SweepExpired(ctx context.Context, now time.Time) (int64, error) {
	var total int64
	for _, c := range collections {
		if !c.expires {
			continue
		}
		n, err := d.sweepCollection(ctx, c.name, now)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

func (d *DB) sweepCollection(ctx context.Context, name string, now time.Time) (int64, error) {
	if d.files != nil {
		n, err := d.files.sweepExpired(ctx, d.db.Name(), name, now)
		if err == nil || !d.maintenanceUnavailable(err) {
			return n, err
		}
	}
	res, err := d.db.Collection(name).DeleteMany(ctx, bson.M{"expires_at": bson.M{"$lt": now}})
	if err != nil {
		return 0, fmt.Errorf("store: sweep %s: %w", name, err)
	}
	return res.DeletedCount, nil
}

// deleteIDs deletes the documents of collection with these string _ids, in
// chunks with pauses between them on the embedded server. It returns how many
// ids it went through (all of them unless it failed or ctx ended).
func (d *DB) deleteIDs(ctx context.Context, collection string, ids []string) (int, error) {
	done := 0
	for done < len(ids) {
		n := min(len(ids)-done, maintChunk)
		chunk := ids[done : done+n]
		start := time.Now()
		if err := d.deleteChunk(ctx, collection, chunk); err != nil {
			return done, err
		}
		done += n
		if done < len(ids) {
			if err := yieldAfter(ctx, time.Since(start)); err != nil {
				return done, err
			}
		}
	}
	return done, nil
}

func (d *DB) deleteChunk(ctx context.Context, collection string, ids []string) error {
	if d.files != nil {
		_, err := d.files.deleteIDs(ctx, d.db.Name(), collection, ids)
		if err == nil || !d.maintenanceUnavailable(err) {
			return err
		}
	}
	if _, err := d.db.Collection(collection).DeleteMany(ctx, bson.M{"_id": bson.M{"$in": ids}}); err != nil {
		return fmt.Errorf("store: delete from %s: %w", collection, err)
	}
	return nil
}

// maintenanceUnavailable reports whether err means the embedded files cannot
// be reached at all (as opposed to one statement failing), so that the
// driver should do the work.
func (d *DB) maintenanceUnavailable(err error) bool {
	return errors.Is(err, os.ErrNotExist) || errors.Is(err, errLayout)
}
