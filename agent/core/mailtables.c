/*
 * The e-mail channel's tables: which letters were seen and what became of
 * them, the threads by request number, our outbox, the suppressed
 * replies.  They are created with the rest of the state (state_open)
 * because the core reads them too: retention removes their personal
 * data, the queue shows an item's letters.  The mail room writes them.
 */
#include "agent/core/mailtables.h"

#include "lib/sqldb.h"

static const char *const schema[] = {
	"CREATE TABLE mail_state ("
	" folder TEXT PRIMARY KEY,"
	" uidvalidity INTEGER NOT NULL,"
	" last_uid INTEGER NOT NULL DEFAULT 0,"
	" try_uid INTEGER NOT NULL DEFAULT 0,"
	" tries INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE mail_seen ("
	" id INTEGER PRIMARY KEY,"
	" folder TEXT NOT NULL,"
	" uidvalidity INTEGER NOT NULL,"
	" uid INTEGER NOT NULL,"
	" message_id TEXT,"
	" outcome TEXT NOT NULL,"
	" reason TEXT,"
	" conv INTEGER,"
	" number TEXT,"
	" at INTEGER NOT NULL,"
	" UNIQUE (folder, uidvalidity, uid));"
	"CREATE INDEX mail_seen_message_id ON mail_seen (message_id);"
	"CREATE TABLE mail_thread ("
	" conv INTEGER PRIMARY KEY REFERENCES conversation (id),"
	" number TEXT NOT NULL,"
	" address TEXT NOT NULL,"
	" rcpt TEXT NOT NULL,"
	" subject TEXT NOT NULL,"
	" last_id TEXT,"
	" refs TEXT);"
	"CREATE INDEX mail_thread_number ON mail_thread (number, address);"
	"CREATE TABLE mail_sent ("
	" id INTEGER PRIMARY KEY,"
	" message_id TEXT NOT NULL UNIQUE,"
	" conv INTEGER NOT NULL,"
	" number TEXT NOT NULL,"
	" rcpt TEXT NOT NULL,"
	" message INTEGER UNIQUE,"
	" auto INTEGER NOT NULL,"
	" status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),"
	" letter BLOB,"
	" tries INTEGER NOT NULL DEFAULT 0,"
	" next_try INTEGER NOT NULL DEFAULT 0,"
	" error TEXT,"
	" created INTEGER NOT NULL,"
	" sent INTEGER);"
	"CREATE INDEX mail_sent_status ON mail_sent (status, next_try);"
	"CREATE INDEX mail_sent_rcpt ON mail_sent (rcpt, created);"
	"CREATE TABLE mail_suppressed ("
	" id INTEGER PRIMARY KEY,"
	" address TEXT,"
	" message_id TEXT,"
	" reason TEXT NOT NULL,"
	" number TEXT,"
	" at INTEGER NOT NULL);",
};

int
mailtables_schema(sqlite3 *db, char **errstr_r)
{
	/* The migration's name is the one the channel's file had: an
	 * existing database knows its version under it. */
	return sqldb_migrate(db, "mailchan", schema,
	    sizeof(schema) / sizeof(schema[0]), errstr_r);
}
