#pragma once
// SQLite history in WAL mode. Appends are queued to one writer thread that
// commits them in batches (group commit) and reports each after its commit;
// reads use their own connection, which WAL lets run beside the writer.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/history_store.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace chatd::store {

class SqliteHistoryStore final : public HistoryStore {
 public:
  // Opens (creating if needed) and migrates the database. Throws
  // std::runtime_error with SQLite's message when the file cannot be used.
  // `max_size_bytes` caps the database file (0: no cap); a message that
  // would grow it beyond is refused with "database is full".
  // `report_scope`, when given, runs the reports (callbacks) of each
  // committed batch; it may wrap them, e.g. so that the writes they queue
  // are handed to the send threads once per batch.
  using ReportScope = std::function<void(const std::function<void()>& report)>;
  explicit SqliteHistoryStore(const std::filesystem::path& path, std::size_t max_batch = 1024,
                              std::uint64_t max_size_bytes = 0, ReportScope report_scope = {});
  ~SqliteHistoryStore() override;
  SqliteHistoryStore(const SqliteHistoryStore&) = delete;
  SqliteHistoryStore& operator=(const SqliteHistoryStore&) = delete;

  void append(NewMessage message, AppendCallback done) override;
  std::vector<StoredMessage> recent(std::size_t limit) override;
  std::vector<StoredMessage> range(std::int64_t after, std::int64_t up_to, std::size_t limit) override;
  void flush() override;
  std::optional<std::string> check_writable(std::chrono::milliseconds timeout) override;

  static constexpr int kSchemaVersion = 3;

 private:
  struct Pending {
    NewMessage message;
    AppendCallback done;
  };

  void run_writer();
  void commit_batch(std::vector<Pending>& batch);
  // Inserts batch[first, last) in one transaction; on failure rolls it back
  // and returns the reason (empty on success).
  std::string insert_all(std::vector<Pending>& batch, std::size_t first, std::size_t last,
                         std::vector<AppendResult>& results);
  void note_write_outcome(std::size_t refused, const std::string& reason);

  const std::size_t max_batch_;
  const ReportScope report_scope_;
  sqlite3* writer_db_ = nullptr;
  sqlite3* reader_db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  sqlite3_stmt* select_recent_ = nullptr;
  sqlite3_stmt* select_range_ = nullptr;

  std::mutex queue_mutex_;
  std::condition_variable queue_ready_;
  std::condition_variable queue_drained_;
  std::deque<Pending> queue_;
  std::size_t in_flight_ = 0;
  bool stopping_ = false;
  std::thread writer_;
  std::size_t refused_in_a_row_ = 0;  // writer thread only: for the log

  std::mutex reader_mutex_;

  // A connection of its own for check_writable(), which runs on HTTP threads.
  // A plain mutex: TSan (clang 14) does not see timed_mutex::try_lock_for
  // take the lock (pthread_mutex_clocklock) and reports its unlock.
  std::mutex probe_mutex_;
  sqlite3* probe_db_ = nullptr;
};

}  // namespace chatd::store
