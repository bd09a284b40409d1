package matrix

import "database/sql"

// MinPickleKey is the shortest MATRIX_PICKLE_KEY accepted: the key
// encrypts the bot's end-to-end encryption keys where they are stored.
const MinPickleKey = 32

// keyStore is where the bot keeps its end-to-end encryption keys: in
// learnbot's own database, beside its tables.
type keyStore struct {
	db      *sql.DB
	dialect string // "postgres" or "sqlite", as storage names them
}

// WithKeyStore keeps the bot's device, its encryption keys and what it
// knows of its rooms in learnbot's database db ("postgres" or "sqlite"),
// so that the bot keeps its device across restarts. A build with the goolm
// tag needs it, and Config.PickleKey, to work in encrypted rooms; without
// it the adapter declines them as a build without the tag does.
func WithKeyStore(db *sql.DB, dialect string) Option {
	return func(a *Adapter) { a.keys = keyStore{db: db, dialect: dialect} }
}
