#include "store/sqlite_history_store.hpp"

#include <sqlite3.h>

#include <stdexcept>

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

sqlite3* open_database(const std::filesystem::path& path, int flags) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw std::runtime_error("cannot open database " + path.string() + ": " + message);
  }
  sqlite3_busy_timeout(db, 5000);
  return db;
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

std::string column_text(sqlite3_stmt* statement, int column) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
  return text ? std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(statement, column))) : std::string();
}

}  // namespace

SqliteHistoryStore::SqliteHistoryStore(const std::filesystem::path& path, std::size_t max_batch)
    : max_batch_(max_batch == 0 ? 1 : max_batch) {
  try {
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
    writer_db_ = open_database(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    exec(writer_db_, "PRAGMA journal_mode = WAL");
    // In WAL mode NORMAL keeps every commit across a crash of chatd; only a
    // power loss can take back the last commits.
    exec(writer_db_, "PRAGMA synchronous = NORMAL");
    migrate(writer_db_);
    insert_ = prepare(writer_db_, "INSERT INTO messages (sender, body, ts) VALUES (?1, ?2, ?3)");
    reader_db_ = open_database(path, SQLITE_OPEN_READONLY);
    probe_db_ = open_database(path, SQLITE_OPEN_READWRITE);
    // Scratch space for check_writable(), not part of the history's schema.
    exec(probe_db_, "CREATE TABLE IF NOT EXISTS health_probe (id INTEGER PRIMARY KEY, checked_at INTEGER NOT NULL)");
    select_recent_ = prepare(reader_db_,
                             "SELECT id, sender, body, ts FROM "
                             "(SELECT id, sender, body, ts FROM messages ORDER BY id DESC LIMIT ?1) "
                             "ORDER BY id ASC");
  } catch (...) {
    sqlite3_finalize(insert_);
    sqlite3_finalize(select_recent_);
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
    done(AppendResult{std::nullopt, "message could not be stored: the server is shutting down"});
    return;
  }
  queue_ready_.notify_one();
}

void SqliteHistoryStore::flush() {
  std::unique_lock lock(queue_mutex_);
  queue_drained_.wait(lock, [this] { return queue_.empty() && in_flight_ == 0; });
}

std::vector<StoredMessage> SqliteHistoryStore::recent(std::size_t limit) {
  std::vector<StoredMessage> messages;
  std::lock_guard lock(reader_mutex_);
  sqlite3_bind_int64(select_recent_, 1, static_cast<sqlite3_int64>(limit));
  while (sqlite3_step(select_recent_) == SQLITE_ROW) {
    messages.push_back(StoredMessage{sqlite3_column_int64(select_recent_, 0), column_text(select_recent_, 1),
                                     column_text(select_recent_, 2), sqlite3_column_int64(select_recent_, 3)});
  }
  sqlite3_reset(select_recent_);
  return messages;
}

std::optional<std::string> SqliteHistoryStore::check_writable(std::chrono::milliseconds timeout) {
  std::unique_lock lock(probe_mutex_, timeout);
  if (!lock) return "an earlier health check is still waiting for the database";
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
  std::string error;
  if (sqlite3_exec(writer_db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    error = sqlite3_errmsg(writer_db_);
  }
  for (std::size_t i = 0; i < batch.size() && error.empty(); ++i) {
    const auto& message = batch[i].message;
    sqlite3_bind_text(insert_, 1, message.from.data(), static_cast<int>(message.from.size()), SQLITE_STATIC);
    sqlite3_bind_text(insert_, 2, message.text.data(), static_cast<int>(message.text.size()), SQLITE_STATIC);
    sqlite3_bind_int64(insert_, 3, message.ts);
    if (sqlite3_step(insert_) == SQLITE_DONE) {
      results[i].stored =
          StoredMessage{sqlite3_last_insert_rowid(writer_db_), message.from, message.text, message.ts};
    } else {
      error = sqlite3_errmsg(writer_db_);
    }
    sqlite3_reset(insert_);
    sqlite3_clear_bindings(insert_);
  }
  if (error.empty() && sqlite3_exec(writer_db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    error = sqlite3_errmsg(writer_db_);
  }
  if (!error.empty()) {
    sqlite3_exec(writer_db_, "ROLLBACK", nullptr, nullptr, nullptr);
    // Nothing of the batch is stored: every sender hears so.
    for (auto& result : results) result = AppendResult{std::nullopt, "message could not be stored: " + error};
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (batch[i].done) batch[i].done(std::move(results[i]));
  }
}

}  // namespace chatd::store
