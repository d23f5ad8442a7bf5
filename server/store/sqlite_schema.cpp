#include "store/sqlite_schema.hpp"

#include <sqlite3.h>

#include <iterator>
#include <stdexcept>
#include <string>

#include "store/sqlite_database.hpp"
#include "store/sqlite_statement.hpp"

namespace chatd::store {

namespace {

// Entry i upgrades the schema from version i to i + 1. Never edit a shipped
// entry: databases in the field went through it as it was.
constexpr const char* kMigrations[] = {
    // version 1
    "CREATE TABLE messages ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  sender TEXT NOT NULL,"
    "  body TEXT NOT NULL,"
    "  ts INTEGER NOT NULL"
    ");",
    // version 2: connection state recovery (renamed by version 3)
    "ALTER TABLE messages ADD COLUMN session INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE sessions ("
    "  token TEXT PRIMARY KEY,"
    "  session INTEGER NOT NULL,"
    "  nickname TEXT NOT NULL,"
    "  left_at INTEGER"  // NULL while connected
    ");",
    // version 3: "session" means only the Engine.IO session; a message's
    // sender key is its author, a saved member's secret its recovery token.
    // health_probe (scratch space for /healthz's write) was created outside
    // the migrations before, hence IF NOT EXISTS.
    "ALTER TABLE messages RENAME COLUMN session TO author;"
    "ALTER TABLE sessions RENAME TO resumable_members;"
    "ALTER TABLE resumable_members RENAME COLUMN token TO recovery_token;"
    "ALTER TABLE resumable_members RENAME COLUMN session TO author;"
    "CREATE TABLE IF NOT EXISTS health_probe (id INTEGER PRIMARY KEY, checked_at INTEGER NOT NULL);",
    // version 4: a message's idempotency key, unique per author. The index is
    // partial: messages without a key (every one stored before, and those of
    // clients that send none) cost nothing in it.
    "ALTER TABLE messages ADD COLUMN client_key TEXT;"
    "CREATE UNIQUE INDEX messages_author_key ON messages (author, client_key) WHERE client_key IS NOT NULL;",
    // version 5: cluster mode (docs/cluster.md): which cluster this history
    // belongs to, and the id of the last stream entry applied to it.
    "CREATE TABLE cluster_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
};
static_assert(std::size(kMigrations) == kSchemaVersion);

int user_version(sqlite3* db) {
  SqliteStatement statement(db, "PRAGMA user_version");
  return statement.next_row() ? static_cast<int>(statement.column_int64(0)) : 0;
}

void refuse_newer(int version) {
  if (version > kSchemaVersion) {
    throw std::runtime_error("database schema version " + std::to_string(version) +
                             " is newer than this chatd understands (" + std::to_string(kSchemaVersion) + ")");
  }
}

}  // namespace

void migrate_sqlite_schema(sqlite3* db) {
  const int seen = user_version(db);
  refuse_newer(seen);
  if (seen == kSchemaVersion) return;  // the usual case: no write lock taken
  exec_sqlite(db, "BEGIN IMMEDIATE");
  try {
    // Read again under the write lock: another connection may have migrated
    // the file since.
    const int current = user_version(db);
    refuse_newer(current);
    for (int version = current; version < kSchemaVersion; ++version) exec_sqlite(db, kMigrations[version]);
    exec_sqlite(db, ("PRAGMA user_version = " + std::to_string(kSchemaVersion)).c_str());
    exec_sqlite(db, "COMMIT");
  } catch (...) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

}  // namespace chatd::store
