#include "store/sqlite_history_store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <stdexcept>

#include "log/logger.hpp"
#include "store/sqlite_database.hpp"
#include "store/sqlite_statement.hpp"

namespace chatd::store {

namespace {

int page_size(sqlite3* db) {
  SqliteStatement statement(db, "PRAGMA page_size");
  const auto size = statement.next_row() ? statement.column_int64(0) : 0;
  return size > 0 ? static_cast<int>(size) : 4096;
}

// The writer's connection: the schema up to date, commits that survive a
// crash of chatd, and the size cap.
SqliteConnection open_writer(const std::filesystem::path& path, std::uint64_t max_size_bytes) {
  auto db = open_sqlite_database(path, SqliteAccess::read_write);
  // In WAL mode NORMAL keeps every commit across a crash of chatd; only a
  // power loss can take back the last commits.
  exec_sqlite(db.get(), "PRAGMA synchronous = NORMAL");
  if (max_size_bytes > 0) {
    // A per-connection limit; SQLite keeps it at no less than the current size.
    const auto pages = std::max<std::uint64_t>(1, max_size_bytes / static_cast<std::uint64_t>(page_size(db.get())));
    exec_sqlite(db.get(), ("PRAGMA max_page_count = " + std::to_string(pages)).c_str());
  }
  return db;
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

// Steps a bound SELECT of (id, sender, body, ts, author) to its end, adding
// each row to `messages`, and resets it: done, or why it stopped early.
::codec::Result<void, ::codec::Failure> read_messages(SqliteStatement& statement,
                                                      std::vector<StoredMessage>& messages) {
  int code = SQLITE_DONE;
  while ((code = statement.step()) == SQLITE_ROW) {
    messages.push_back(StoredMessage{statement.column_int64(0), statement.column_text(1), statement.column_text(2),
                                     statement.column_int64(3), statement.column_int64(4)});
  }
  ::codec::Result<void, ::codec::Failure> done;
  if (code != SQLITE_DONE) done = ::codec::Failure{statement.error_message()};
  statement.reset();
  return done;
}

// The same, for reads that have always taken what could be read.
std::vector<StoredMessage> read_messages(SqliteStatement& statement) {
  std::vector<StoredMessage> messages;
  (void)read_messages(statement, messages);
  return messages;
}

}  // namespace

SqliteHistoryStore::SqliteHistoryStore(const std::filesystem::path& path, std::size_t max_batch,
                                       std::uint64_t max_size_bytes, ReportScope report_scope)
    : report_scope_(std::move(report_scope)),
      writer_db_(open_writer(path, max_size_bytes)),
      reader_db_(open_sqlite_database(path, SqliteAccess::read_only)),
      probe_db_(open_sqlite_database(path, SqliteAccess::read_write)),
      // A repeated (author, key) changes nothing; select_keyed_ then reads the
      // message that has them, in the same transaction.
      insert_(writer_db_.get(),
              "INSERT INTO messages (sender, body, ts, author, client_key) VALUES (?1, ?2, ?3, ?4, ?5) "
              "ON CONFLICT (author, client_key) WHERE client_key IS NOT NULL DO NOTHING",
              SqliteStatement::Lifetime::persistent),
      select_keyed_(writer_db_.get(),
                    "SELECT id, sender, body, ts, author FROM messages WHERE author = ?1 AND client_key = ?2",
                    SqliteStatement::Lifetime::persistent),
      select_recent_(reader_db_.get(),
                     "SELECT id, sender, body, ts, author FROM "
                     "(SELECT id, sender, body, ts, author FROM messages ORDER BY id DESC LIMIT ?1) "
                     "ORDER BY id ASC",
                     SqliteStatement::Lifetime::persistent),
      select_range_(reader_db_.get(),
                    "SELECT id, sender, body, ts, author FROM messages "
                    "WHERE id > ?1 AND id <= ?2 ORDER BY id ASC LIMIT ?3",
                    SqliteStatement::Lifetime::persistent),
      page_readers_(path, kPageReaders, kSelectBeforeSql),
      writer_(max_batch, [this](std::vector<Pending>& batch) { commit_batch(batch); }) {}

SqliteHistoryStore::~SqliteHistoryStore() = default;

void SqliteHistoryStore::append(NewMessage message, AppendCallback done) {
  Pending pending{std::move(message), std::move(done)};
  if (!writer_.push(std::move(pending))) {
    pending.done(::codec::Failure{"the message could not be stored: the server is shutting down"});
  }
}

void SqliteHistoryStore::flush() { writer_.flush(); }

std::vector<StoredMessage> SqliteHistoryStore::recent(std::size_t limit) {
  std::lock_guard lock(reader_mutex_);
  select_recent_.bind(1, static_cast<std::int64_t>(limit));
  return read_messages(select_recent_);
}

std::vector<StoredMessage> SqliteHistoryStore::range(std::int64_t after, std::int64_t up_to, std::size_t limit) {
  std::lock_guard lock(reader_mutex_);
  select_range_.bind(1, after);
  select_range_.bind(2, up_to);
  select_range_.bind(3, static_cast<std::int64_t>(limit));
  return read_messages(select_range_);
}

ReadResult SqliteHistoryStore::before(std::int64_t id, std::size_t limit) {
  std::vector<StoredMessage> messages;
  ::codec::Result<void, ::codec::Failure> read;
  page_readers_.with_statement([&](SqliteStatement& select) {
    select.bind(1, id);
    select.bind(2, static_cast<std::int64_t>(limit));
    read = read_messages(select, messages);
  });
  if (!read) return ::codec::Failure{"the history could not be read: " + read.error().reason};
  std::reverse(messages.begin(), messages.end());  // read newest first
  return messages;
}

::codec::Result<void, ::codec::Failure> SqliteHistoryStore::check_writable(std::chrono::milliseconds timeout) {
  // Checks take turns; each waits for the database at most `timeout`.
  std::lock_guard lock(probe_mutex_);
  // A real write: taking the write lock alone would not notice a full disk.
  sqlite3* db = probe_db_.get();
  sqlite3_busy_timeout(db, static_cast<int>(timeout.count()));
  for (const char* sql :
       {"BEGIN IMMEDIATE", "REPLACE INTO health_probe (id, checked_at) VALUES (1, strftime('%s', 'now'))", "COMMIT"}) {
    if (auto done = try_exec_sqlite(db, sql); !done) {
      if (!sqlite3_get_autocommit(db)) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
      return done;
    }
  }
  return {};
}

void SqliteHistoryStore::commit_batch(std::vector<Pending>& batch) {
  std::vector<std::optional<AppendResult>> results(batch.size());
  auto outcome = insert_all(batch, 0, batch.size(), results);
  if (!outcome && batch.size() > 1) {
    // The batch's transaction was rolled back. Store what can be stored one
    // message at a time, so that only the messages that do not fit (or hit
    // the failing write) are refused; the first failure is the one logged.
    outcome = ::codec::Result<void, ::codec::Failure>();
    for (std::size_t i = 0; i < batch.size(); ++i) {
      auto one = insert_all(batch, i, i + 1, results);
      if (outcome && !one) outcome = std::move(one);
    }
  }
  const auto refused = static_cast<std::size_t>(std::count_if(
      results.begin(), results.end(), [](const std::optional<AppendResult>& result) { return !result->ok(); }));
  note_write_outcome(refused, outcome ? std::string() : outcome.error().reason);
  const auto report = [&] {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (batch[i].done) batch[i].done(std::move(*results[i]));
    }
  };
  if (report_scope_) {
    report_scope_(report);
  } else {
    report();
  }
}

::codec::Result<void, ::codec::Failure> SqliteHistoryStore::insert_all(
    std::vector<Pending>& batch, std::size_t first, std::size_t last,
    std::vector<std::optional<AppendResult>>& results) {
  // A transaction left open by an earlier failure would make every later
  // BEGIN fail; end it first.
  sqlite3* db = writer_db_.get();
  if (!sqlite3_get_autocommit(db)) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  // Every message of the range is refused with the reason.
  const auto roll_back = [&](const std::string& reason) -> ::codec::Result<void, ::codec::Failure> {
    // SQLite may have rolled back already (SQLITE_FULL, SQLITE_IOERR); then
    // this ROLLBACK only reports that no transaction is active.
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    for (std::size_t i = first; i < last; ++i) {
      results[i] = ::codec::Failure{"the message could not be stored: " + reason};
    }
    return ::codec::Failure{reason};
  };
  if (!try_exec_sqlite(db, "BEGIN IMMEDIATE")) return roll_back(write_failure(db));
  for (std::size_t i = first; i < last; ++i) {
    const auto& message = batch[i].message;
    insert_.bind(1, message.from);
    insert_.bind(2, message.text);
    insert_.bind(3, message.ts);
    insert_.bind(4, message.author);
    if (message.key) {
      insert_.bind(5, *message.key);
    } else {
      insert_.bind(5, std::optional<std::int64_t>());  // NULL
    }
    if (insert_.step() != SQLITE_DONE) {
      const auto reason = write_failure(db);  // before reset(), while SQLite still has the code
      insert_.reset();
      return roll_back(reason);
    }
    const bool inserted = sqlite3_changes(db) > 0;
    insert_.reset();
    if (inserted) {
      results[i] = StoredMessage{sqlite3_last_insert_rowid(db), message.from, message.text, message.ts, message.author};
      continue;
    }
    // The author stored a message with this key before (or earlier in this
    // batch): report that one.
    select_keyed_.bind(1, message.author);
    select_keyed_.bind(2, *message.key);
    std::vector<StoredMessage> earlier;
    auto read = read_messages(select_keyed_, earlier);
    if (!read || earlier.empty())
      return roll_back(read ? "a repeated message key has no message" : read.error().reason);
    earlier.front().repeated = true;
    results[i] = std::move(earlier.front());
  }
  if (!try_exec_sqlite(db, "COMMIT")) return roll_back(write_failure(db));
  return {};
}

std::optional<std::string> SqliteHistoryStore::cluster_state(const std::string& key) {
  std::lock_guard lock(reader_mutex_);
  SqliteStatement select(reader_db_.get(), "SELECT value FROM cluster_state WHERE key = ?1");
  select.bind(1, key);
  if (!select.next_row()) return std::nullopt;
  return select.column_text(0);
}

::codec::Result<void, ::codec::Failure> SqliteHistoryStore::set_cluster_state(const std::string& key,
                                                                              const std::string& value) {
  return writer_.exclusive([&]() -> ::codec::Result<void, ::codec::Failure> {
    sqlite3* db = writer_db_.get();
    SqliteStatement replace(db, "REPLACE INTO cluster_state (key, value) VALUES (?1, ?2)");
    replace.bind(1, key);
    replace.bind(2, value);
    if (replace.step() != SQLITE_DONE) return ::codec::Failure{write_failure(db)};
    return {};
  });
}

::codec::Result<void, ::codec::Failure> SqliteHistoryStore::apply_replicated(const std::vector<StoredMessage>& messages,
                                                                             const std::string& cursor) {
  return writer_.exclusive([&]() -> ::codec::Result<void, ::codec::Failure> {
    sqlite3* db = writer_db_.get();
    if (!sqlite3_get_autocommit(db)) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    const auto roll_back = [db](std::string reason) -> ::codec::Result<void, ::codec::Failure> {
      sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
      return ::codec::Failure{std::move(reason)};
    };
    if (!try_exec_sqlite(db, "BEGIN IMMEDIATE")) return roll_back(write_failure(db));
    SqliteStatement insert(db, "INSERT INTO messages (id, sender, body, ts, author) VALUES (?1, ?2, ?3, ?4, ?5)");
    for (const auto& message : messages) {
      insert.bind(1, message.id);
      insert.bind(2, message.from);
      insert.bind(3, message.text);
      insert.bind(4, message.ts);
      insert.bind(5, message.author);
      if (insert.step() != SQLITE_DONE) {
        const auto reason = write_failure(db);
        insert.reset();
        return roll_back(reason);
      }
      insert.reset();
    }
    SqliteStatement set_cursor(db, "REPLACE INTO cluster_state (key, value) VALUES ('cursor', ?1)");
    set_cursor.bind(1, cursor);
    if (set_cursor.step() != SQLITE_DONE) return roll_back(write_failure(db));
    if (!try_exec_sqlite(db, "COMMIT")) return roll_back(write_failure(db));
    return {};
  });
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
