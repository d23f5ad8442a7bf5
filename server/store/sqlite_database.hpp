#pragma once
// Opening a connection to the chat database, the same way for every store, in
// any order: one thread per connection (no SQLite mutex), a busy timeout (a
// writer briefly holding the lock delays the others instead of failing them),
// and, for a connection that writes, the schema brought up to date first.

#include <filesystem>
#include <memory>

#include "codec/result.hpp"

struct sqlite3;

namespace chatd::store {

struct SqliteClose {
  void operator()(sqlite3* db) const;
};
// A connection, closed when it goes.
using SqliteConnection = std::unique_ptr<sqlite3, SqliteClose>;

enum class SqliteAccess {
  read_only,   // reads an existing, migrated file (after a read_write open)
  read_write,  // creates the file and its folder when missing, sets WAL, migrates
};

// Throws std::runtime_error with SQLite's message when the file cannot be
// opened, is read-only while `access` asks to write, or has a schema newer
// than this chatd's (see sqlite_schema.hpp).
SqliteConnection open_sqlite_database(const std::filesystem::path& path, SqliteAccess access);

// Runs `sql` (one statement or several, no parameters); throws
// std::runtime_error with SQLite's message and the statement on failure.
void exec_sqlite(sqlite3* db, const char* sql);
// The same, for statements whose failure is an answer rather than a bug (a
// full disk, a busy lock): done, or SQLite's message. sqlite3_errcode(db)
// still tells the failure's code afterwards.
codec::Result<void, codec::Failure> try_exec_sqlite(sqlite3* db, const char* sql);

}  // namespace chatd::store
