#pragma once
// SQLite history in WAL mode. Appends are queued to one writer thread that
// commits them in batches (group commit) and reports each after its commit;
// reads use connections of their own, which WAL lets run beside the writer
// (pages of older history: a small pool of them, SqliteReaderPool).

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "store/batch_writer.hpp"
#include "store/history_store.hpp"
#include "store/sqlite_database.hpp"
#include "store/sqlite_reader_pool.hpp"
#include "store/sqlite_statement.hpp"

namespace chatd::store {

class SqliteHistoryStore final : public HistoryStore {
 public:
  // Opens (creating if needed) and migrates the database, like every store
  // of the chat database, in any order (see sqlite_schema.hpp). Throws
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
  ReadResult before(std::int64_t id, std::size_t limit) override;
  void flush() override;
  ::codec::Result<void, ::codec::Failure> check_writable(std::chrono::milliseconds timeout) override;

  // Cluster mode (docs/cluster.md), where the history is a replica of the
  // cluster's stream and append() is not used.
  // A value of the cluster_state table ("cluster_id", "cursor"); none when unset.
  std::optional<std::string> cluster_state(const std::string& key);
  ::codec::Result<void, ::codec::Failure> set_cluster_state(const std::string& key, const std::string& value);
  // Stores `messages` with the ids they have and sets the cursor to `cursor`,
  // in one transaction: each entry of the stream is applied once.
  ::codec::Result<void, ::codec::Failure> apply_replicated(const std::vector<StoredMessage>& messages,
                                                           const std::string& cursor);

  // before()'s query, newest first: `id` is the table's INTEGER PRIMARY KEY
  // (the rowid), so SQLite walks the table's own b-tree backwards from ?1 and
  // stops after ?2 rows (tests check the plan).
  static constexpr const char* kSelectBeforeSql =
      "SELECT id, sender, body, ts, author FROM messages WHERE id < ?1 ORDER BY id DESC LIMIT ?2";
  // Connections that read pages for before(), beside reader_db_.
  static constexpr std::size_t kPageReaders = 4;

 private:
  struct Pending {
    NewMessage message;
    AppendCallback done;
  };

  void commit_batch(std::vector<Pending>& batch);
  // Inserts batch[first, last) in one transaction and sets their results; on
  // failure rolls it back and returns the reason.
  ::codec::Result<void, ::codec::Failure> insert_all(std::vector<Pending>& batch, std::size_t first, std::size_t last,
                                                     std::vector<std::optional<AppendResult>>& results);
  void note_write_outcome(std::size_t refused, const std::string& reason);

  const ReportScope report_scope_;
  // Connections before statements: statements are finalized first.
  SqliteConnection writer_db_;  // the writer thread's
  SqliteConnection reader_db_;  // under reader_mutex_
  // A connection of its own for check_writable(), which runs on HTTP threads;
  // under probe_mutex_.
  SqliteConnection probe_db_;
  SqliteStatement insert_;         // on writer_db_
  SqliteStatement select_keyed_;   // on writer_db_: the message an author stored under a key
  SqliteStatement select_recent_;  // on reader_db_
  SqliteStatement select_range_;   // on reader_db_
  // before()'s connections: pages for many clients at once, never waiting
  // for reader_mutex_, which recovery holds under the chat service's mutex.
  SqliteReaderPool page_readers_;

  std::size_t refused_in_a_row_ = 0;  // writer thread only: for the log

  std::mutex reader_mutex_;
  // A plain mutex: TSan (clang 14) does not see timed_mutex::try_lock_for
  // take the lock (pthread_mutex_clocklock) and reports its unlock.
  std::mutex probe_mutex_;

  // Last, so that it is destroyed first: it finishes the queue and joins
  // before the connections and statements it uses go.
  BatchWriter<Pending> writer_;
};

}  // namespace chatd::store
