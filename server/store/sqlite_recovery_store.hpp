#pragma once
// Resumable members in the `resumable_members` table of the chat database.
// Opens on its own, before or after the history store (sqlite_schema.hpp).
// Writes go through one thread in call order, each batch in one transaction,
// so callers may hold their own locks.

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>
#include <variant>

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

  void enqueue(Write write);
  void run_writer();
  void write_batch(const std::deque<Write>& batch);
  static void apply(const Write& write, SqliteStatement& upsert, SqliteStatement& remove);

  SqliteConnection db_;  // used by the writer thread, and by load() before any write
  std::mutex mutex_;
  std::condition_variable ready_;
  std::condition_variable drained_;
  std::deque<Write> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace chatd::store
