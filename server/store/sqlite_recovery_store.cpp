#include "store/sqlite_recovery_store.hpp"

#include <sqlite3.h>

#include <limits>
#include <stdexcept>

#include "log/logger.hpp"
#include "store/sqlite_database.hpp"
#include "store/sqlite_statement.hpp"

namespace chatd::store {

SqliteRecoveryStore::SqliteRecoveryStore(const std::filesystem::path& path)
    : db_(open_sqlite_database(path, SqliteAccess::read_write)),
      // Everything queued goes in one transaction: a join storm or a shutdown
      // writes thousands of members at once.
      writer_(std::numeric_limits<std::size_t>::max(), [this](std::vector<Write>& batch) { write_batch(batch); }) {}

SqliteRecoveryStore::~SqliteRecoveryStore() = default;

void SqliteRecoveryStore::save(SavedMember member) { writer_.push(std::move(member)); }

void SqliteRecoveryStore::forget(std::string recovery_token) { writer_.push(Forget{std::move(recovery_token)}); }

std::vector<SavedMember> SqliteRecoveryStore::load(std::int64_t since, std::int64_t now) {
  return writer_.exclusive([&] { return load_now(since, now); });
}

std::vector<SavedMember> SqliteRecoveryStore::load_now(std::int64_t since, std::int64_t now) {
  {
    SqliteStatement crashed(db_.get(), "UPDATE resumable_members SET left_at = ?1 WHERE left_at IS NULL");
    crashed.bind(1, now);
    if (auto done = crashed.run(); !done) {
      throw std::runtime_error("restoring resumable members: " + done.error().reason);
    }
    SqliteStatement expired(db_.get(), "DELETE FROM resumable_members WHERE left_at < ?1");
    expired.bind(1, since);
    if (auto done = expired.run(); !done) {
      throw std::runtime_error("restoring resumable members: " + done.error().reason);
    }
  }
  SqliteStatement select(db_.get(),
                         "SELECT recovery_token, author, nickname, left_at FROM resumable_members ORDER BY left_at");
  std::vector<SavedMember> members;
  while (select.next_row()) {
    members.push_back(
        SavedMember{select.column_text(0), select.column_int64(1), select.column_text(2), select.column_int64(3)});
  }
  return members;
}

void SqliteRecoveryStore::flush() { writer_.flush(); }

void SqliteRecoveryStore::write_batch(const std::vector<Write>& batch) {
  // One transaction, and one preparation of each statement, for everything
  // queued: a join storm or a shutdown writes thousands of members at once.
  try {
    SqliteStatement upsert(db_.get(),
                           "INSERT OR REPLACE INTO resumable_members (recovery_token, author, nickname, left_at) "
                           "VALUES (?1, ?2, ?3, ?4)");
    SqliteStatement remove(db_.get(), "DELETE FROM resumable_members WHERE recovery_token = ?1");
    const bool transaction = try_exec_sqlite(db_.get(), "BEGIN IMMEDIATE").ok();
    for (const auto& write : batch) apply(write, upsert, remove);
    if (transaction) {
      if (auto committed = try_exec_sqlite(db_.get(), "COMMIT"); !committed) {
        log::warn("could not save resumable members", {{"error", committed.error().reason}});
        sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
      }
    }
  } catch (const std::exception& failure) {
    // Members that cannot be saved only mean those clients cannot resume:
    // say so and go on, the chat itself is unaffected.
    log::warn("could not save resumable members", {{"error", failure.what()}});
    if (!sqlite3_get_autocommit(db_.get())) sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

void SqliteRecoveryStore::apply(const Write& write, SqliteStatement& upsert, SqliteStatement& remove) {
  codec::Result<void, codec::Failure> done;
  if (const auto* member = std::get_if<SavedMember>(&write)) {
    upsert.bind(1, member->recovery_token);
    upsert.bind(2, member->author);
    upsert.bind(3, member->nickname);
    upsert.bind(4, member->left_at);
    done = upsert.run();
  } else {
    remove.bind(1, std::get<Forget>(write).recovery_token);
    done = remove.run();
  }
  if (!done) log::warn("could not save a resumable member", {{"error", done.error().reason}});
}

}  // namespace chatd::store
