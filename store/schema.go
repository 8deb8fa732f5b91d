package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Collection names.
const (
	colProcedures     = "procedures"
	colRevisions      = "procedure_revisions"
	colSessions       = "sessions"
	colSessionLog     = "session_log"
	colUnanswered     = "unanswered"
	colFeedback       = "feedback"
	colTelegramSeen   = "telegram_updates"
	colTelegramChats  = "telegram_chats" // inactive (blocked) Telegram chats
	colDossiers       = "dossiers"
	colLookupGuards   = "lookup_guards"
	colLookupAudit    = "lookup_audit"
	colOutbox         = "outbox"
	colMeta           = "meta"
	colStaff          = "staff"
	colStaffAudit     = "staff_audit"
	colEvents         = "events"
	colCatalogImports = "catalog_imports" // the last catalogue imports with their reports
	// Handoff to officers: conversations and their transcript lines.
	colConversations    = "conversations"
	colConversationMsgs = "conversation_messages"
)

type collectionSpec struct {
	name    string
	expires bool // has an expires_at field swept by the Sweeper (and a TTL index where supported)
	indexes []mongo.IndexModel
}

var collections = []collectionSpec{
	{name: colProcedures},
	{name: colRevisions, indexes: []mongo.IndexModel{
		{Keys: bson.D{{Key: "procedure_id", Value: 1}, {Key: "revision", Value: 1}}, Options: options.Index().SetUnique(true).SetName("procedure_revision")},
	}},
	{name: colSessions, expires: true},
	{name: colSessionLog, expires: true},
	{name: colUnanswered},
	{name: colFeedback, indexes: []mongo.IndexModel{
		{Keys: bson.D{{Key: "procedure_id", Value: 1}}, Options: options.Index().SetName("procedure")},
	}},
	{name: colTelegramSeen, expires: true},
	{name: colTelegramChats},
	{name: colDossiers},
	{name: colLookupGuards, expires: true},
	{name: colLookupAudit, expires: true},
	{name: colOutbox, expires: true}, // finished notifications only (pending ones have no expires_at)
	{name: colMeta},
	{name: colStaff, indexes: []mongo.IndexModel{
		{Keys: bson.D{{Key: "token_hash", Value: 1}}, Options: options.Index().SetUnique(true).SetName("token_hash")},
	}},
	{name: colStaffAudit},
	{name: colEvents, expires: true},
	{name: colCatalogImports},
	{name: colConversations, expires: true, indexes: []mongo.IndexModel{
		{Keys: bson.D{{Key: "status", Value: 1}, {Key: "waiting_since", Value: 1}}, Options: options.Index().SetName("conversations_status_waiting")},
		{Keys: bson.D{{Key: "channel", Value: 1}, {Key: "chat_id", Value: 1}}, Options: options.Index().SetName("conversations_chat")},
	}},
	{name: colConversationMsgs, expires: true, indexes: []mongo.IndexModel{
		{Keys: bson.D{{Key: "conv_id", Value: 1}, {Key: "at", Value: 1}}, Options: options.Index().SetName("conversation_messages_conv_at")},
		{Keys: bson.D{{Key: "channel", Value: 1}, {Key: "chat_id", Value: 1}}, Options: options.Index().SetName("conversation_messages_chat")},
	}},
}

// EnsureSchema creates the collections and indexes dvcbot needs. It is idempotent.
// TTL indexes are created where the server supports them; where it does not, the
// Sweeper does the expiry.
func (d *DB) EnsureSchema(ctx context.Context) error {
	existing, err := d.db.ListCollectionNames(ctx, bson.M{})
	if err != nil {
		return fmt.Errorf("store: list collections: %w", err)
	}
	have := map[string]bool{}
	for _, n := range existing {
		have[n] = true
	}
	for _, c := range collections {
		if !have[c.name] {
			if err := d.db.CreateCollection(ctx, c.name); err != nil && !isNamespaceExists(err) {
				return fmt.Errorf("store: create collection %s: %w", c.name, err)
			}
		}
		// One index per command: FerretDB v1 crashes on a createIndexes of
		// several indexes that all exist already (a second instance starting).
		for _, ix := range c.indexes {
			if _, err := d.db.Collection(c.name).Indexes().CreateOne(ctx, ix); err != nil {
				return fmt.Errorf("store: create indexes on %s: %w", c.name, err)
			}
		}
		if c.expires && !d.embeddedMode {
			ttl := mongo.IndexModel{Keys: bson.D{{Key: "expires_at", Value: 1}}, Options: options.Index().SetExpireAfterSeconds(0).SetName("expires_ttl")}
			if _, err := d.db.Collection(c.name).Indexes().CreateOne(ctx, ttl); err != nil {
				d.log.Info("TTL index not available; the sweeper handles expiry", "collection", c.name, "err", err)
			}
		}
	}
	if d.files != nil {
		if err := d.files.ensureIndexes(ctx, d.db.Name()); err != nil {
			d.log.Warn("embedded store: keyed-read indexes not added; background deletes go through the server and hold its connection", "err", err)
			d.files.markBroken(d.db.Name(), err)
		}
	}
	return nil
}

func isNamespaceExists(err error) bool {
	var ce mongo.CommandError
	if errors.As(err, &ce) && (ce.Code == 48 || ce.Name == "NamespaceExists") {
		return true
	}
	return strings.Contains(err.Error(), "already exists")
}
