#include "store/sqlite_database.hpp"

#include <sqlite3.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

#include "store/sqlite_schema.hpp"

namespace chatd::store {

namespace {

// A writer briefly holding the lock delays the others instead of failing them.
constexpr int kBusyTimeoutMs = 5000;
constexpr int kBusyRetryMs = 10;

}  // namespace

void SqliteClose::operator()(sqlite3* db) const { sqlite3_close(db); }

SqliteConnection open_sqlite_database(const std::filesystem::path& path, SqliteAccess access) {
  const bool writes = access == SqliteAccess::read_write;
  if (writes && path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  const int flags = writes ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
  sqlite3* raw = nullptr;
  const int opened = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  SqliteConnection db(raw);  // closed on every path, failures included
  if (opened != SQLITE_OK) {
    throw std::runtime_error("cannot open database " + path.string() + ": " +
                             (db ? sqlite3_errmsg(db.get()) : "out of memory"));
  }
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
  if (!writes) return db;
  // SQLite falls back to read-only when the file cannot be opened for
  // writing; chatd would then refuse every message, so it says so at once.
  if (sqlite3_db_readonly(db.get(), "main") == 1) {
    throw std::runtime_error("database " + path.string() + " is read-only; chatd needs to write to it");
  }
  // WAL lets readers run beside the one writer. A property of the file: the
  // first connection sets it, later ones find it set. Switching needs the
  // file to itself, and SQLite answers "locked" at once, without the busy
  // handler, while another connection opens it: retry for the busy timeout.
  for (int attempt = 0;; ++attempt) {
    const auto switched = try_exec_sqlite(db.get(), "PRAGMA journal_mode = WAL");
    if (switched) break;
    if (sqlite3_errcode(db.get()) != SQLITE_BUSY || attempt >= kBusyTimeoutMs / kBusyRetryMs) {
      throw std::runtime_error("SQLite: " + switched.error().reason + " in: PRAGMA journal_mode = WAL");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(kBusyRetryMs));
  }
  migrate_sqlite_schema(db.get());
  return db;
}

void exec_sqlite(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : sqlite3_errmsg(db);
    sqlite3_free(message);
    throw std::runtime_error("SQLite: " + text + " in: " + sql);
  }
}

codec::Result<void, codec::Failure> try_exec_sqlite(sqlite3* db, const char* sql) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) return codec::Failure{sqlite3_errmsg(db)};
  return {};
}

}  // namespace chatd::store
