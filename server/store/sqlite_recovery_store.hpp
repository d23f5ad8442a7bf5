#pragma once
// Resumable members in the `resumable_members` table of the chat database.
// Opens on its own, before or after the history store (sqlite_schema.hpp).
// Writes go through one thread in call order, each batch in one transaction,
// so callers may hold their own locks.

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <stop_token>
#include <thread>
#include <variant>

#include "store/batch_writer.hpp"
#include "store/recovery_store.hpp"
#include "store/sqlite_database.hpp"
#include "store/sqlite_statement.hpp"

namespace chatd::store {

class SqliteRecoveryStore final : public RecoveryStore {
 public:
  // Throws std::runtime_error with SQLite's message when the file cannot be used.
  explicit SqliteRecoveryStore(const std::filesystem::path& path);
  ~SqliteRecoveryStore() override;
  SqliteRecoveryStore(const SqliteRecoveryStore&) = delete;
  SqliteRecoveryStore& operator=(const SqliteRecoveryStore&) = delete;

  void save(SavedMember member) override;
  void forget(std::string recovery_token) override;
  std::vector<SavedMember> load(std::int64_t since, std::int64_t now) override;
  void flush() override;

 private:
  struct Forget {
    std::string recovery_token;
  };
  using Write = std::variant<SavedMember, Forget>;

  std::vector<SavedMember> load_now(std::int64_t since, std::int64_t now);
  void write_batch(const std::vector<Write>& batch);
  static void apply(const Write& write, SqliteStatement& upsert, SqliteStatement& remove);

  SqliteConnection db_;  // used by the writer thread, and by load() with the writer held off
  // Last, so that it is destroyed first: it finishes the queue and joins
  // before the connection it uses closes.
  BatchWriter<Write> writer_;
};

}  // namespace chatd::store
