#include "store/sqlite_session_store.hpp"

#include <sqlite3.h>

#include <stdexcept>

#include "log/logger.hpp"
#include "store/sqlite_database.hpp"

namespace chatd::store {

// A prepared statement, finalized on every path; reset after each run so
// that one statement serves a whole batch.
class SqliteSessionStore::Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &statement_, nullptr) != SQLITE_OK) {
      throw std::runtime_error(std::string("SQLite: ") + sqlite3_errmsg(db) + " in: " + sql);
    }
  }
  ~Statement() { sqlite3_finalize(statement_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  sqlite3_stmt* get() const { return statement_; }
  // Runs a statement that returns no rows; the error text, or empty.
  std::string run() {
    const int code = sqlite3_step(statement_);
    std::string error = code == SQLITE_DONE ? std::string() : std::string(sqlite3_errmsg(db_));
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
    return error;
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* statement_ = nullptr;
};

namespace {

void bind_text(sqlite3_stmt* statement, int index, const std::string& text) {
  sqlite3_bind_text(statement, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

}  // namespace

SqliteSessionStore::SqliteSessionStore(const std::filesystem::path& path)
    : db_(open_sqlite_database(path, SQLITE_OPEN_READWRITE)) {
  writer_ = std::thread([this] { run_writer(); });
}

SqliteSessionStore::~SqliteSessionStore() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  writer_.join();
  sqlite3_close(db_);
}

void SqliteSessionStore::save(SavedSession session) { enqueue(std::move(session)); }

void SqliteSessionStore::forget(std::string token) { enqueue(Forget{std::move(token)}); }

void SqliteSessionStore::enqueue(Write write) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(write));
  }
  ready_.notify_one();
}

std::vector<SavedSession> SqliteSessionStore::load(std::int64_t since, std::int64_t now) {
  flush();
  std::lock_guard lock(mutex_);  // keeps the writer thread off the connection
  {
    Statement crashed(db_, "UPDATE sessions SET left_at = ?1 WHERE left_at IS NULL");
    sqlite3_bind_int64(crashed.get(), 1, now);
    if (auto error = crashed.run(); !error.empty()) throw std::runtime_error("restoring sessions: " + error);
    Statement expired(db_, "DELETE FROM sessions WHERE left_at < ?1");
    sqlite3_bind_int64(expired.get(), 1, since);
    if (auto error = expired.run(); !error.empty()) throw std::runtime_error("restoring sessions: " + error);
  }
  Statement select(db_, "SELECT token, session, nickname, left_at FROM sessions ORDER BY left_at");
  std::vector<SavedSession> sessions;
  while (sqlite3_step(select.get()) == SQLITE_ROW) {
    const auto text = [&](int column) {
      const auto* bytes = reinterpret_cast<const char*>(sqlite3_column_text(select.get(), column));
      return bytes ? std::string(bytes) : std::string();
    };
    sessions.push_back(SavedSession{text(0), sqlite3_column_int64(select.get(), 1), text(2),
                                    sqlite3_column_int64(select.get(), 3)});
  }
  return sessions;
}

void SqliteSessionStore::flush() {
  std::unique_lock lock(mutex_);
  drained_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

void SqliteSessionStore::run_writer() {
  std::deque<Write> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to write
      batch.swap(queue_);
      busy_ = true;
    }
    write_batch(batch);
    batch.clear();
    {
      std::lock_guard lock(mutex_);
      busy_ = false;
    }
    drained_.notify_all();
  }
}

void SqliteSessionStore::write_batch(const std::deque<Write>& batch) {
  // One transaction, and one preparation of each statement, for everything
  // queued: a join storm or a shutdown writes thousands of sessions at once.
  try {
    Statement upsert(db_, "INSERT OR REPLACE INTO sessions (token, session, nickname, left_at) VALUES (?1, ?2, ?3, ?4)");
    Statement remove(db_, "DELETE FROM sessions WHERE token = ?1");
    const bool transaction = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK;
    for (const auto& write : batch) apply(write, upsert, remove);
    if (transaction && sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
      log::warn("could not save resumable sessions", {{"error", sqlite3_errmsg(db_)}});
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }
  } catch (const std::exception& failure) {
    // Sessions that cannot be saved only mean those clients cannot resume:
    // say so and go on, the chat itself is unaffected.
    log::warn("could not save resumable sessions", {{"error", failure.what()}});
    if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

void SqliteSessionStore::apply(const Write& write, Statement& upsert, Statement& remove) {
  std::string error;
  if (const auto* session = std::get_if<SavedSession>(&write)) {
    bind_text(upsert.get(), 1, session->token);
    sqlite3_bind_int64(upsert.get(), 2, session->session);
    bind_text(upsert.get(), 3, session->nickname);
    if (session->left_at) {
      sqlite3_bind_int64(upsert.get(), 4, *session->left_at);
    } else {
      sqlite3_bind_null(upsert.get(), 4);
    }
    error = upsert.run();
  } else {
    bind_text(remove.get(), 1, std::get<Forget>(write).token);
    error = remove.run();
  }
  if (!error.empty()) log::warn("could not save a resumable session", {{"error", error}});
}

}  // namespace chatd::store
