#include "store/sqlite_recovery_store.hpp"

#include <sqlite3.h>

#include <stdexcept>

#include "log/logger.hpp"
#include "store/sqlite_database.hpp"

namespace chatd::store {

// A prepared statement, finalized on every path; reset after each run so
// that one statement serves a whole batch.
class SqliteRecoveryStore::Statement {
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

SqliteRecoveryStore::SqliteRecoveryStore(const std::filesystem::path& path)
    : db_(open_sqlite_database(path, SQLITE_OPEN_READWRITE)) {
  writer_ = std::thread([this] { run_writer(); });
}

SqliteRecoveryStore::~SqliteRecoveryStore() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  writer_.join();
  sqlite3_close(db_);
}

void SqliteRecoveryStore::save(SavedMember member) { enqueue(std::move(member)); }

void SqliteRecoveryStore::forget(std::string recovery_token) { enqueue(Forget{std::move(recovery_token)}); }

void SqliteRecoveryStore::enqueue(Write write) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(write));
  }
  ready_.notify_one();
}

std::vector<SavedMember> SqliteRecoveryStore::load(std::int64_t since, std::int64_t now) {
  flush();
  std::lock_guard lock(mutex_);  // keeps the writer thread off the connection
  {
    Statement crashed(db_, "UPDATE resumable_members SET left_at = ?1 WHERE left_at IS NULL");
    sqlite3_bind_int64(crashed.get(), 1, now);
    if (auto error = crashed.run(); !error.empty()) throw std::runtime_error("restoring resumable members: " + error);
    Statement expired(db_, "DELETE FROM resumable_members WHERE left_at < ?1");
    sqlite3_bind_int64(expired.get(), 1, since);
    if (auto error = expired.run(); !error.empty()) throw std::runtime_error("restoring resumable members: " + error);
  }
  Statement select(db_, "SELECT recovery_token, author, nickname, left_at FROM resumable_members ORDER BY left_at");
  std::vector<SavedMember> members;
  while (sqlite3_step(select.get()) == SQLITE_ROW) {
    const auto text = [&](int column) {
      const auto* bytes = reinterpret_cast<const char*>(sqlite3_column_text(select.get(), column));
      return bytes ? std::string(bytes) : std::string();
    };
    members.push_back(SavedMember{text(0), sqlite3_column_int64(select.get(), 1), text(2),
                                    sqlite3_column_int64(select.get(), 3)});
  }
  return members;
}

void SqliteRecoveryStore::flush() {
  std::unique_lock lock(mutex_);
  drained_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

void SqliteRecoveryStore::run_writer() {
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

void SqliteRecoveryStore::write_batch(const std::deque<Write>& batch) {
  // One transaction, and one preparation of each statement, for everything
  // queued: a join storm or a shutdown writes thousands of members at once.
  try {
    Statement upsert(db_, "INSERT OR REPLACE INTO resumable_members (recovery_token, author, nickname, left_at) VALUES (?1, ?2, ?3, ?4)");
    Statement remove(db_, "DELETE FROM resumable_members WHERE recovery_token = ?1");
    const bool transaction = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK;
    for (const auto& write : batch) apply(write, upsert, remove);
    if (transaction && sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
      log::warn("could not save resumable members", {{"error", sqlite3_errmsg(db_)}});
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }
  } catch (const std::exception& failure) {
    // Members that cannot be saved only mean those clients cannot resume:
    // say so and go on, the chat itself is unaffected.
    log::warn("could not save resumable members", {{"error", failure.what()}});
    if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

void SqliteRecoveryStore::apply(const Write& write, Statement& upsert, Statement& remove) {
  std::string error;
  if (const auto* member = std::get_if<SavedMember>(&write)) {
    bind_text(upsert.get(), 1, member->recovery_token);
    sqlite3_bind_int64(upsert.get(), 2, member->author);
    bind_text(upsert.get(), 3, member->nickname);
    if (member->left_at) {
      sqlite3_bind_int64(upsert.get(), 4, *member->left_at);
    } else {
      sqlite3_bind_null(upsert.get(), 4);
    }
    error = upsert.run();
  } else {
    bind_text(remove.get(), 1, std::get<Forget>(write).recovery_token);
    error = remove.run();
  }
  if (!error.empty()) log::warn("could not save a resumable member", {{"error", error}});
}

}  // namespace chatd::store
