#include "store/sqlite_history_store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <stdexcept>

#include "log/logger.hpp"
#include "store/sqlite_database.hpp"

namespace chatd::store {

namespace {

// Each entry upgrades the schema by one version; never edit a shipped entry.
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
    "ALTER TABLE messages RENAME COLUMN session TO author;"
    "ALTER TABLE sessions RENAME TO resumable_members;"
    "ALTER TABLE resumable_members RENAME COLUMN token TO recovery_token;"
    "ALTER TABLE resumable_members RENAME COLUMN session TO author;",
};
static_assert(std::size(kMigrations) == SqliteHistoryStore::kSchemaVersion);

[[noreturn]] void fail(sqlite3* db, const std::string& what) {
  throw std::runtime_error(what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

void exec(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    throw std::runtime_error(std::string("SQLite: ") + text + " in: " + sql);
  }
}

int user_version(sqlite3* db) {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &statement, nullptr) != SQLITE_OK) {
    fail(db, "reading schema version");
  }
  int version = 0;
  if (sqlite3_step(statement) == SQLITE_ROW) version = sqlite3_column_int(statement, 0);
  sqlite3_finalize(statement);
  return version;
}

int page_size(sqlite3* db) {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &statement, nullptr) != SQLITE_OK) fail(db, "reading page size");
  int size = 4096;
  if (sqlite3_step(statement) == SQLITE_ROW) size = sqlite3_column_int(statement, 0);
  sqlite3_finalize(statement);
  return size > 0 ? size : 4096;
}

void migrate(sqlite3* db) {
  const int current = user_version(db);
  if (current > SqliteHistoryStore::kSchemaVersion) {
    throw std::runtime_error("database schema version " + std::to_string(current) +
                             " is newer than this chatd understands (" +
                             std::to_string(SqliteHistoryStore::kSchemaVersion) + ")");
  }
  for (int version = current; version < SqliteHistoryStore::kSchemaVersion; ++version) {
    exec(db, "BEGIN IMMEDIATE");
    exec(db, kMigrations[version]);
    exec(db, ("PRAGMA user_version = " + std::to_string(version + 1)).c_str());
    exec(db, "COMMIT");
  }
}

sqlite3_stmt* prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr) != SQLITE_OK) {
    fail(db, std::string("preparing ") + sql);
  }
  return statement;
}

// What a sender is told when SQLite cannot write: the condition, in words.
std::string write_failure(sqlite3* db) {
  switch (sqlite3_extended_errcode(db) & 0xff) {
    case SQLITE_FULL: return "database is full";
    case SQLITE_READONLY: return "database is read-only";
    case SQLITE_IOERR: return "disk I/O error";
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return "database is busy";
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return "database is corrupt";
    default: return sqlite3_errmsg(db);
  }
}

std::string column_text(sqlite3_stmt* statement, int column) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
  return text ? std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(statement, column))) : std::string();
}

// Steps a bound SELECT of (id, sender, body, ts, author) to its end and resets it.
std::vector<StoredMessage> read_messages(sqlite3_stmt* statement) {
  std::vector<StoredMessage> messages;
  while (sqlite3_step(statement) == SQLITE_ROW) {
    messages.push_back(StoredMessage{sqlite3_column_int64(statement, 0), column_text(statement, 1),
                                     column_text(statement, 2), sqlite3_column_int64(statement, 3),
                                     sqlite3_column_int64(statement, 4)});
  }
  sqlite3_reset(statement);
  return messages;
}

}  // namespace

SqliteHistoryStore::SqliteHistoryStore(const std::filesystem::path& path, std::size_t max_batch,
                                       std::uint64_t max_size_bytes, ReportScope report_scope)
    : max_batch_(max_batch == 0 ? 1 : max_batch), report_scope_(std::move(report_scope)) {
  try {
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
    writer_db_ = open_sqlite_database(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    // SQLite falls back to read-only when the file cannot be opened for
    // writing; chatd would then refuse every message, so it says so at once.
    if (sqlite3_db_readonly(writer_db_, "main") == 1) {
      throw std::runtime_error("database " + path.string() + " is read-only; chatd needs to write to it");
    }
    exec(writer_db_, "PRAGMA journal_mode = WAL");
    // In WAL mode NORMAL keeps every commit across a crash of chatd; only a
    // power loss can take back the last commits.
    exec(writer_db_, "PRAGMA synchronous = NORMAL");
    migrate(writer_db_);
    if (max_size_bytes > 0) {
      // A per-connection limit; SQLite keeps it at no less than the current size.
      exec(writer_db_, ("PRAGMA max_page_count = " + std::to_string(std::max<std::uint64_t>(
                                                         1, max_size_bytes / page_size(writer_db_))))
                           .c_str());
    }
    insert_ = prepare(writer_db_, "INSERT INTO messages (sender, body, ts, author) VALUES (?1, ?2, ?3, ?4)");
    reader_db_ = open_sqlite_database(path, SQLITE_OPEN_READONLY);
    probe_db_ = open_sqlite_database(path, SQLITE_OPEN_READWRITE);
    // Scratch space for check_writable(), not part of the history's schema.
    exec(probe_db_, "CREATE TABLE IF NOT EXISTS health_probe (id INTEGER PRIMARY KEY, checked_at INTEGER NOT NULL)");
    select_recent_ = prepare(reader_db_,
                             "SELECT id, sender, body, ts, author FROM "
                             "(SELECT id, sender, body, ts, author FROM messages ORDER BY id DESC LIMIT ?1) "
                             "ORDER BY id ASC");
    select_range_ = prepare(reader_db_,
                            "SELECT id, sender, body, ts, author FROM messages "
                            "WHERE id > ?1 AND id <= ?2 ORDER BY id ASC LIMIT ?3");
  } catch (...) {
    sqlite3_finalize(insert_);
    sqlite3_finalize(select_recent_);
    sqlite3_finalize(select_range_);
    sqlite3_close(writer_db_);
    sqlite3_close(reader_db_);
    sqlite3_close(probe_db_);
    throw;
  }
  writer_ = std::thread([this] { run_writer(); });
}

SqliteHistoryStore::~SqliteHistoryStore() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_ready_.notify_all();
  writer_.join();
  sqlite3_finalize(insert_);
  sqlite3_finalize(select_recent_);
  sqlite3_finalize(select_range_);
  sqlite3_close(reader_db_);
  sqlite3_close(writer_db_);
  sqlite3_close(probe_db_);
}

void SqliteHistoryStore::append(NewMessage message, AppendCallback done) {
  {
    std::lock_guard lock(queue_mutex_);
    if (!stopping_) {
      queue_.push_back(Pending{std::move(message), std::move(done)});
      done = nullptr;
    }
  }
  if (done) {
    done(AppendResult{std::nullopt, "the message could not be stored: the server is shutting down"});
    return;
  }
  queue_ready_.notify_one();
}

void SqliteHistoryStore::flush() {
  std::unique_lock lock(queue_mutex_);
  queue_drained_.wait(lock, [this] { return queue_.empty() && in_flight_ == 0; });
}

std::vector<StoredMessage> SqliteHistoryStore::recent(std::size_t limit) {
  std::lock_guard lock(reader_mutex_);
  sqlite3_bind_int64(select_recent_, 1, static_cast<sqlite3_int64>(limit));
  return read_messages(select_recent_);
}

std::vector<StoredMessage> SqliteHistoryStore::range(std::int64_t after, std::int64_t up_to, std::size_t limit) {
  std::lock_guard lock(reader_mutex_);
  sqlite3_bind_int64(select_range_, 1, after);
  sqlite3_bind_int64(select_range_, 2, up_to);
  sqlite3_bind_int64(select_range_, 3, static_cast<sqlite3_int64>(limit));
  return read_messages(select_range_);
}

std::optional<std::string> SqliteHistoryStore::check_writable(std::chrono::milliseconds timeout) {
  // Checks take turns; each waits for the database at most `timeout`.
  std::lock_guard lock(probe_mutex_);
  // A real write: taking the write lock alone would not notice a full disk.
  sqlite3_busy_timeout(probe_db_, static_cast<int>(timeout.count()));
  std::optional<std::string> error;
  for (const char* sql : {"BEGIN IMMEDIATE", "REPLACE INTO health_probe (id, checked_at) VALUES (1, strftime('%s', 'now'))",
                          "COMMIT"}) {
    if (sqlite3_exec(probe_db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
      error = sqlite3_errmsg(probe_db_);
      break;
    }
  }
  if (error && !sqlite3_get_autocommit(probe_db_)) sqlite3_exec(probe_db_, "ROLLBACK", nullptr, nullptr, nullptr);
  return error;
}

void SqliteHistoryStore::run_writer() {
  std::vector<Pending> batch;
  for (;;) {
    {
      std::unique_lock lock(queue_mutex_);
      queue_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to write
      const std::size_t count = std::min(queue_.size(), max_batch_);
      batch.assign(std::make_move_iterator(queue_.begin()),
                   std::make_move_iterator(queue_.begin() + static_cast<std::ptrdiff_t>(count)));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(count));
      in_flight_ = count;
    }
    commit_batch(batch);
    batch.clear();
    {
      std::lock_guard lock(queue_mutex_);
      in_flight_ = 0;
    }
    queue_drained_.notify_all();
  }
}

void SqliteHistoryStore::commit_batch(std::vector<Pending>& batch) {
  std::vector<AppendResult> results(batch.size());
  std::string reason = insert_all(batch, 0, batch.size(), results);
  if (!reason.empty() && batch.size() > 1) {
    // The batch's transaction was rolled back. Store what can be stored one
    // message at a time, so that only the messages that do not fit (or hit
    // the failing write) are refused.
    reason.clear();
    for (std::size_t i = 0; i < batch.size(); ++i) {
      auto error = insert_all(batch, i, i + 1, results);
      if (reason.empty()) reason = std::move(error);
    }
  }
  const auto refused = static_cast<std::size_t>(
      std::count_if(results.begin(), results.end(), [](const AppendResult& result) { return !result.stored; }));
  note_write_outcome(refused, reason);
  const auto report = [&] {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (batch[i].done) batch[i].done(std::move(results[i]));
    }
  };
  if (report_scope_) {
    report_scope_(report);
  } else {
    report();
  }
}

std::string SqliteHistoryStore::insert_all(std::vector<Pending>& batch, std::size_t first, std::size_t last,
                                           std::vector<AppendResult>& results) {
  // A transaction left open by an earlier failure would make every later
  // BEGIN fail; end it first.
  if (!sqlite3_get_autocommit(writer_db_)) sqlite3_exec(writer_db_, "ROLLBACK", nullptr, nullptr, nullptr);
  std::string error;
  if (sqlite3_exec(writer_db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    error = write_failure(writer_db_);
  }
  for (std::size_t i = first; i < last && error.empty(); ++i) {
    const auto& message = batch[i].message;
    sqlite3_bind_text(insert_, 1, message.from.data(), static_cast<int>(message.from.size()), SQLITE_STATIC);
    sqlite3_bind_text(insert_, 2, message.text.data(), static_cast<int>(message.text.size()), SQLITE_STATIC);
    sqlite3_bind_int64(insert_, 3, message.ts);
    sqlite3_bind_int64(insert_, 4, message.author);
    if (sqlite3_step(insert_) == SQLITE_DONE) {
      results[i].stored =
          StoredMessage{sqlite3_last_insert_rowid(writer_db_), message.from, message.text, message.ts, message.author};
    } else {
      error = write_failure(writer_db_);
    }
    sqlite3_reset(insert_);
    sqlite3_clear_bindings(insert_);
  }
  if (error.empty() && sqlite3_exec(writer_db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    error = write_failure(writer_db_);
  }
  if (error.empty()) return error;
  // SQLite may have rolled back already (SQLITE_FULL, SQLITE_IOERR); then
  // this ROLLBACK only reports that no transaction is active.
  sqlite3_exec(writer_db_, "ROLLBACK", nullptr, nullptr, nullptr);
  for (std::size_t i = first; i < last; ++i) {
    results[i] = AppendResult{std::nullopt, "the message could not be stored: " + error};
  }
  return error;
}

// The operator hears when storing starts to fail and when it works again,
// not once per refused message.
void SqliteHistoryStore::note_write_outcome(std::size_t refused, const std::string& reason) {
  if (refused > 0) {
    if (refused_in_a_row_ == 0) log::error("cannot store messages", {{"reason", reason}});
    refused_in_a_row_ += refused;
  } else if (refused_in_a_row_ > 0) {
    log::info("storing messages again", {{"refused_meanwhile", refused_in_a_row_}});
    refused_in_a_row_ = 0;
  }
}

}  // namespace chatd::store
