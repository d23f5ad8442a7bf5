#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite_history_store.hpp"
#include "store/sqlite_schema.hpp"
#include "temporary_directory.hpp"

using chatd::store::AppendResult;
using chatd::store::NewMessage;
using chatd::store::SqliteHistoryStore;

TEST_CASE("Appends are committed, numbered in order and reported after commit") {
  TemporaryDirectory dir;
  SqliteHistoryStore store(dir.path() / "chat.db", 16);
  std::vector<std::int64_t> ids;
  std::mutex mutex;
  constexpr int kMessages = 500;
  for (int i = 0; i < kMessages; ++i) {
    store.append(NewMessage{"alice", "message " + std::to_string(i), 1000 + i}, [&](AppendResult result) {
      REQUIRE(result.ok());
      std::lock_guard lock(mutex);
      ids.push_back(result->id);
    });
  }
  store.flush();
  REQUIRE(ids.size() == kMessages);
  for (int i = 0; i < kMessages; ++i) CHECK(ids[static_cast<std::size_t>(i)] == i + 1);

  const auto recent = store.recent(3);
  REQUIRE(recent.size() == 3);
  CHECK(recent[0].text == "message 497");
  CHECK(recent[2].text == "message 499");
  CHECK(recent[2].ts == 1499);
  CHECK(recent[2].from == "alice");
}

TEST_CASE("A report scope wraps the reports of each committed batch") {
  TemporaryDirectory dir;
  std::atomic<int> scopes{0};
  std::atomic<bool> inside{false};
  SqliteHistoryStore store(dir.path() / "chat.db", 16, 0, [&](const std::function<void()>& report) {
    ++scopes;
    inside = true;
    report();
    inside = false;
  });
  constexpr int kMessages = 100;
  std::atomic<int> reported{0};
  std::atomic<int> reported_outside{0};
  for (int i = 0; i < kMessages; ++i) {
    store.append(NewMessage{"alice", "message " + std::to_string(i), 1000 + i}, [&](AppendResult result) {
      REQUIRE(result.ok());
      ++reported;
      if (!inside) ++reported_outside;
    });
  }
  store.flush();
  CHECK(reported == kMessages);
  CHECK(reported_outside == 0);
  CHECK(scopes >= kMessages / 16);  // batches hold at most 16
  CHECK(scopes <= kMessages);
}

TEST_CASE("History survives reopening, and the schema version is recorded") {
  TemporaryDirectory dir;
  const auto path = dir.path() / "nested" / "chat.db";  // parent folders are created
  {
    SqliteHistoryStore store(path);
    store.append(NewMessage{"bob", "你好", 1}, nullptr);
    store.flush();
  }
  SqliteHistoryStore reopened(path);
  const auto recent = reopened.recent(100);
  REQUIRE(recent.size() == 1);
  CHECK(recent[0].text == "你好");

  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &statement, nullptr);
  REQUIRE(sqlite3_step(statement) == SQLITE_ROW);
  CHECK(sqlite3_column_int(statement, 0) == chatd::store::kSchemaVersion);
  sqlite3_finalize(statement);
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &statement, nullptr);
  REQUIRE(sqlite3_step(statement) == SQLITE_ROW);
  CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0))) == "wal");
  sqlite3_finalize(statement);
  sqlite3_close(db);
}

TEST_CASE("A database from a newer chatd is refused with a clear message") {
  TemporaryDirectory dir;
  const auto path = dir.path() / "chat.db";
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  CHECK_THROWS_WITH(SqliteHistoryStore(path), Catch::Contains("newer than this chatd understands"));
}

TEST_CASE("A failed commit reports an error to every sender of the batch") {
  TemporaryDirectory dir;
  const auto path = dir.path() / "chat.db";
  SqliteHistoryStore store(path);
  // Make every insert fail: the table vanishes under the running store.
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "DROP TABLE messages", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  std::atomic<int> errors{0};
  for (int i = 0; i < 3; ++i) {
    store.append(NewMessage{"a", "b", 1}, [&](AppendResult result) {
      if (!result && result.error().reason.find("could not be stored") != std::string::npos) ++errors;
    });
  }
  store.flush();
  CHECK(errors == 3);
}

namespace {

std::int64_t count_rows(const std::filesystem::path& path) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT count(*) FROM messages", -1, &statement, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(statement) == SQLITE_ROW);
  const auto rows = sqlite3_column_int64(statement, 0);
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return rows;
}

}  // namespace

TEST_CASE("A size cap refuses only the messages that do not fit, and writing resumes once space is freed") {
  TemporaryDirectory dir;
  const auto path = dir.path() / "chat.db";
  SqliteHistoryStore store(path, 1024, 64 * 1024);
  const std::string text(1500, 'x');

  // Queued together, so that the writer takes them as a few large batches.
  std::mutex mutex;
  std::vector<AppendResult> results;
  for (int i = 0; i < 200; ++i) {
    store.append(NewMessage{"alice", text, i}, [&](AppendResult result) {
      std::lock_guard lock(mutex);
      results.push_back(std::move(result));
    });
  }
  store.flush();
  REQUIRE(results.size() == 200);
  std::vector<std::int64_t> ids;
  std::size_t refused = 0;
  for (const auto& result : results) {
    if (result) {
      ids.push_back(result->id);
    } else {
      CHECK(result.error().reason == "the message could not be stored: database is full");
      ++refused;
    }
  }
  CAPTURE(ids.size(), refused);
  CHECK(ids.size() > 10);  // what fits in 64 KiB is stored, not dropped with the rest of its batch
  CHECK(refused > 100);
  for (std::size_t i = 0; i < ids.size(); ++i) CHECK(ids[i] == static_cast<std::int64_t>(i) + 1);
  CHECK(count_rows(path) == static_cast<std::int64_t>(ids.size()));

  // An operator prunes old history: the freed pages take new messages,
  // without a restart (no transaction was left open by the failures).
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "DELETE FROM messages WHERE id <= 10", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  std::optional<AppendResult> after;
  store.append(NewMessage{"bob", "room again", 1}, [&](AppendResult result) { after = std::move(result); });
  store.flush();
  REQUIRE(after);
  REQUIRE(after->ok());
  CHECK(after->value().id == ids.back() + 1);
  CHECK(store.recent(1).at(0).text == "room again");
}

TEST_CASE("A size cap below the current size keeps what is stored and refuses new messages") {
  TemporaryDirectory dir;
  const auto path = dir.path() / "chat.db";
  {
    SqliteHistoryStore store(path);
    for (int i = 0; i < 100; ++i) store.append(NewMessage{"alice", std::string(1000, 'y'), i}, nullptr);
    store.flush();
  }
  SqliteHistoryStore capped(path, 1024, 4096);
  CHECK(capped.recent(200).size() == 100);
  std::optional<AppendResult> result;
  capped.append(NewMessage{"bob", std::string(5000, 'z'), 1}, [&](AppendResult r) { result = std::move(r); });
  capped.flush();
  REQUIRE(result);
  REQUIRE_FALSE(result->ok());
  CHECK(result->error().reason == "the message could not be stored: database is full");
}

namespace {

// SQLite's plan for a statement: the detail column of EXPLAIN QUERY PLAN, one row a line.
std::string query_plan(const std::filesystem::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &statement, nullptr) == SQLITE_OK);
  std::string plan;
  while (sqlite3_step(statement) == SQLITE_ROW) {
    plan += reinterpret_cast<const char*>(sqlite3_column_text(statement, 3));
    plan += '\n';
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return plan;
}

std::vector<std::int64_t> ids_of(const std::vector<chatd::store::StoredMessage>& messages) {
  std::vector<std::int64_t> ids;
  for (const auto& message : messages) ids.push_back(message.id);
  return ids;
}

std::vector<std::int64_t> id_range(std::int64_t first, std::int64_t last) {
  std::vector<std::int64_t> ids;
  for (auto id = first; id <= last; ++id) ids.push_back(id);
  return ids;
}

}  // namespace

TEST_CASE("before() reads the messages below an id, oldest first, through the primary key") {
  TemporaryDirectory dir;
  SqliteHistoryStore store(dir.path() / "chat.db");
  for (int i = 1; i <= 250; ++i) store.append(NewMessage{"alice", "message " + std::to_string(i), i}, nullptr);
  store.flush();

  const auto newest = store.before(INT64_MAX, 101);
  REQUIRE(newest);
  CHECK(ids_of(*newest) == id_range(150, 250));
  CHECK(newest->back().text == "message 250");
  CHECK(newest->back().ts == 250);
  CHECK(newest->back().from == "alice");
  CHECK(ids_of(store.before(150, 101).value()) == id_range(49, 149));
  CHECK(ids_of(store.before(49, 101).value()) == id_range(1, 48));
  CHECK(store.before(1, 101).value().empty());
  CHECK(ids_of(store.before(3, 1).value()) == std::vector<std::int64_t>{2});

  // A search of the table's own b-tree (id is the rowid), never a scan or a sort.
  const auto plan = query_plan(dir.path() / "chat.db", SqliteHistoryStore::kSelectBeforeSql);
  CAPTURE(plan);
  CHECK(plan.find("SEARCH messages USING INTEGER PRIMARY KEY (rowid<?)") != std::string::npos);
  CHECK(plan.find("SCAN") == std::string::npos);
  CHECK(plan.find("TEMP B-TREE") == std::string::npos);
}

TEST_CASE("before() does not wait for a writer holding the database, and serves many threads at once") {
  TemporaryDirectory dir;
  const auto path = dir.path() / "chat.db";
  SqliteHistoryStore store(path);
  for (int i = 1; i <= 300; ++i) store.append(NewMessage{"alice", "m", i}, nullptr);
  store.flush();

  // Another writer holds the write lock with an uncommitted row: WAL readers go on.
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "BEGIN IMMEDIATE; INSERT INTO messages (sender, body, ts) VALUES ('x', 'uncommitted', 0)",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  const auto started = std::chrono::steady_clock::now();
  const auto page = store.before(INT64_MAX, 10);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(1));  // the busy timeout is 5 s
  REQUIRE(page);
  CHECK(ids_of(*page) == id_range(291, 300));
  sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(db);

  // More threads than pooled connections, beside appends: every page is whole.
  std::atomic<int> wrong{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 8; ++t) {
    readers.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const std::int64_t before = 2 + (t * 50 + i) % 299;
        const auto read = store.before(before, 20);
        if (!read || ids_of(*read) != id_range(std::max<std::int64_t>(1, before - 20), before - 1)) ++wrong;
      }
    });
  }
  for (int i = 0; i < 100; ++i) store.append(NewMessage{"bob", "more", i}, nullptr);
  for (auto& reader : readers) reader.join();
  store.flush();
  CHECK(wrong == 0);
  CHECK(store.before(INT64_MAX, 1).value().at(0).id == 400);
}

TEST_CASE("before() reports a store that cannot be read instead of a short page") {
  TemporaryDirectory dir;
  const auto path = dir.path() / "chat.db";
  SqliteHistoryStore store(path);
  store.append(NewMessage{"a", "b", 1}, nullptr);
  store.flush();
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "DROP TABLE messages", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  const auto read = store.before(INT64_MAX, 101);
  REQUIRE_FALSE(read);
  CHECK(read.error().reason == "the history could not be read: no such table: messages");
}

TEST_CASE("A message repeated with its author's key is stored once and reported as the first") {
  TemporaryDirectory dir;
  const auto path = dir.path() / "chat.db";
  std::vector<AppendResult> results;
  std::mutex mutex;
  const auto keep = [&](AppendResult result) {
    std::lock_guard lock(mutex);
    results.push_back(std::move(result));
  };
  {
    SqliteHistoryStore store(path, 16);
    // In one batch: the first copy, another author's message under the same
    // key, a message without a key, then the repeat.
    store.append(NewMessage{"alice", "first", 10, 7, "k1"}, keep);
    store.append(NewMessage{"bob", "same key, other author", 11, 8, "k1"}, keep);
    store.append(NewMessage{"alice", "no key", 12, 7}, keep);
    store.append(NewMessage{"alice", "first (sent again)", 13, 7, "k1"}, keep);
    store.flush();
    // In a later batch, after the commit.
    store.append(NewMessage{"alice", "first (and again)", 14, 7, "k1"}, keep);
    store.append(NewMessage{"alice", "second", 15, 7, "k2"}, keep);
    store.flush();
  }
  {
    // After a restart too: the key is in the database, not in memory.
    SqliteHistoryStore store(path, 16);
    store.append(NewMessage{"alice", "first (after a restart)", 16, 7, "k1"}, keep);
    store.flush();
    const auto stored = store.recent(10);
    REQUIRE(stored.size() == 4);
    CHECK(stored[0].text == "first");
    CHECK(stored[1].text == "same key, other author");
    CHECK(stored[2].text == "no key");
    CHECK(stored[3].text == "second");
    for (const auto& message : stored) CHECK_FALSE(message.repeated);
  }
  REQUIRE(results.size() == 7);
  for (const auto& result : results) REQUIRE(result.ok());
  const std::vector<std::int64_t> ids = {results[0]->id, results[1]->id, results[2]->id,
                                         results[3]->id, results[4]->id, results[6]->id};
  CHECK(ids == std::vector<std::int64_t>{1, 2, 3, 1, 1, 1});
  // (A repeat takes a rowid it does not keep, as any failed AUTOINCREMENT
  // insert does: ids keep increasing, with gaps.)
  CHECK(results[5]->id > results[2]->id);
  const std::vector<bool> repeated = {results[0]->repeated, results[1]->repeated, results[2]->repeated,
                                      results[3]->repeated, results[4]->repeated, results[5]->repeated,
                                      results[6]->repeated};
  CHECK(repeated == std::vector<bool>{false, false, false, true, true, false, true});
  // A repeat reports the first copy as stored: its text and time.
  CHECK(results[3]->text == "first");
  CHECK(results[3]->ts == 10);
  CHECK(results[6]->from == "alice");
}
