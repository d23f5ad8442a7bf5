#pragma once
// The chat database's schema, for every store in it: messages (the history),
// resumable_members (connection state recovery) and health_probe (/healthz).
// One list of migrations, so that any store may be the first to open a new
// file, in any order.

struct sqlite3;

namespace chatd::store {

// PRAGMA user_version of a database this chatd has migrated.
inline constexpr int kSchemaVersion = 5;

// Brings the schema up to kSchemaVersion in one transaction. Safe when
// several connections open the file at once: the version is read again under
// the write lock, so each migration runs once. Throws std::runtime_error when
// the file's schema is newer than this chatd's, or a migration fails (then
// nothing of it is applied).
void migrate_sqlite_schema(sqlite3* db);

}  // namespace chatd::store
