// The chat database's schema: any store may open a new file first, two
// connections may migrate it at once, and a database of an earlier version
// keeps its rows.

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite_database.hpp"
#include "store/sqlite_history_store.hpp"
#include "store/sqlite_recovery_store.hpp"
#include "store/sqlite_schema.hpp"
#include "store/sqlite_statement.hpp"
#include "temporary_directory.hpp"

namespace store = chatd::store;

namespace {

// A connection of the test's own, beside the stores.
store::SqliteConnection open_raw(const std::filesystem::path& path) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  return store::SqliteConnection(db);
}

std::int64_t single_number(sqlite3* db, const char* sql) {
  store::SqliteStatement statement(db, sql);
  REQUIRE(statement.next_row());
  return statement.column_int64(0);
}

// "name type" of each column of `table`, in order.
std::vector<std::string> columns(sqlite3* db, const std::string& table) {
  const std::string sql = "SELECT name, type FROM pragma_table_info('" + table + "') ORDER BY cid";
  store::SqliteStatement statement(db, sql.c_str());
  std::vector<std::string> out;
  while (statement.next_row()) out.push_back(statement.column_text(0) + " " + statement.column_text(1));
  return out;
}

}  // namespace

TEST_CASE("The recovery store may open a new database first, then the history store, and both work") {
  TemporaryDirectory dir;
  const auto path = dir.path() / "new" / "chat.db";  // the folder is created too
  store::SqliteRecoveryStore members(path);
  members.save(store::SavedMember{"token-a", 42, "alice", std::int64_t{1000}});
  members.flush();

  store::SqliteHistoryStore history(path);
  std::optional<store::AppendResult> appended;
  history.append(store::NewMessage{"alice", "hello", 5, 42},
                 [&](store::AppendResult result) { appended = std::move(result); });
  history.flush();
  REQUIRE(appended);
  REQUIRE(appended->ok());
  CHECK(appended->value().author == 42);
  const auto recent = history.recent(10);
  REQUIRE(recent.size() == 1);
  CHECK(recent[0].author == 42);
  CHECK(history.check_writable(std::chrono::milliseconds(200)).ok());

  const auto loaded = members.load(0, 2000);
  REQUIRE(loaded.size() == 1);
  CHECK(loaded[0].recovery_token == "token-a");
  CHECK(loaded[0].author == 42);
  CHECK(loaded[0].nickname == "alice");
  CHECK(loaded[0].left_at == 1000);

  const auto db = open_raw(path);
  CHECK(single_number(db.get(), "PRAGMA user_version") == store::kSchemaVersion);
}

TEST_CASE("Connections opening a new database at the same time migrate it once") {
  TemporaryDirectory dir;
  for (int round = 0; round < 10; ++round) {
    const auto path = dir.path() / ("chat" + std::to_string(round) + ".db");
    constexpr int kConnections = 4;
    std::atomic<int> ready{0};
    std::atomic<int> opened{0};
    std::vector<std::string> errors(kConnections);
    std::vector<std::thread> threads;
    for (int i = 0; i < kConnections; ++i) {
      threads.emplace_back([&, i] {
        ++ready;
        while (ready < kConnections) std::this_thread::yield();  // start together
        try {
          auto db = store::open_sqlite_database(path, store::SqliteAccess::read_write);
          ++opened;
        } catch (const std::exception& error) {
          errors[static_cast<std::size_t>(i)] = error.what();
        }
      });
    }
    for (auto& thread : threads) thread.join();
    for (const auto& error : errors) {
      INFO(error);
      CHECK(error.empty());
    }
    CHECK(opened == kConnections);
    const auto db = open_raw(path);
    CHECK(single_number(db.get(), "PRAGMA user_version") == store::kSchemaVersion);
    CHECK(columns(db.get(), "messages") == std::vector<std::string>{"id INTEGER", "sender TEXT", "body TEXT",
                                                                    "ts INTEGER", "author INTEGER", "client_key TEXT"});
  }
}

TEST_CASE("A database of schema version 2 migrates with its rows kept") {
  TemporaryDirectory dir;
  const auto path = dir.path() / "chat.db";
  {
    // What chatd of schema version 2 left: its two migrations as they
    // shipped, the health check's table, and some rows.
    const auto db = open_raw(path);
    for (const char* sql : {
             "PRAGMA journal_mode = WAL",
             "CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, sender TEXT NOT NULL, "
             "body TEXT NOT NULL, ts INTEGER NOT NULL)",
             "ALTER TABLE messages ADD COLUMN session INTEGER NOT NULL DEFAULT 0",
             "CREATE TABLE sessions (token TEXT PRIMARY KEY, session INTEGER NOT NULL, nickname TEXT NOT NULL, "
             "left_at INTEGER)",
             "PRAGMA user_version = 2",
             "CREATE TABLE IF NOT EXISTS health_probe (id INTEGER PRIMARY KEY, checked_at INTEGER NOT NULL)",
             "INSERT INTO messages (sender, body, ts, session) VALUES ('alice', 'one', 10, 7), ('bob', 'two', 20, 8)",
             "INSERT INTO sessions VALUES ('token-a', 7, 'alice', 1500), ('token-b', 8, 'bob', NULL)",
             "INSERT INTO health_probe VALUES (1, 0)",
         }) {
      INFO(sql);
      REQUIRE(sqlite3_exec(db.get(), sql, nullptr, nullptr, nullptr) == SQLITE_OK);
    }
  }

  store::SqliteHistoryStore history(path);
  store::SqliteRecoveryStore members(path);
  const auto recent = history.recent(10);
  REQUIRE(recent.size() == 2);
  CHECK(recent[0].id == 1);
  CHECK(recent[0].from == "alice");
  CHECK(recent[0].text == "one");
  CHECK(recent[0].ts == 10);
  CHECK(recent[0].author == 7);
  CHECK(recent[1].author == 8);
  CHECK(history.check_writable(std::chrono::milliseconds(200)).ok());

  // bob was still connected when that chatd stopped: he counts as left now.
  const auto loaded = members.load(1000, 3000);
  REQUIRE(loaded.size() == 2);
  CHECK(loaded[0].recovery_token == "token-a");
  CHECK(loaded[0].author == 7);
  CHECK(loaded[0].nickname == "alice");
  CHECK(loaded[0].left_at == 1500);
  CHECK(loaded[1].recovery_token == "token-b");
  CHECK(loaded[1].author == 8);
  CHECK(loaded[1].left_at == 3000);

  const auto db = open_raw(path);
  CHECK(single_number(db.get(), "PRAGMA user_version") == store::kSchemaVersion);
  CHECK(columns(db.get(), "messages") == std::vector<std::string>{"id INTEGER", "sender TEXT", "body TEXT",
                                                                  "ts INTEGER", "author INTEGER", "client_key TEXT"});
  CHECK(columns(db.get(), "resumable_members") ==
        std::vector<std::string>{"recovery_token TEXT", "author INTEGER", "nickname TEXT", "left_at INTEGER"});
  CHECK(single_number(db.get(), "SELECT count(*) FROM sqlite_schema WHERE name = 'sessions'") == 0);
}

TEST_CASE("A statement binds, steps and reads columns, and says why it failed") {
  TemporaryDirectory dir;
  const auto db = store::open_sqlite_database(dir.path() / "chat.db", store::SqliteAccess::read_write);
  store::exec_sqlite(db.get(), "CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER)");
  store::SqliteStatement insert(db.get(), "INSERT INTO t (k, n) VALUES (?1, ?2)");
  const std::string a = "a", b = "b";
  insert.bind(1, a);
  insert.bind(2, std::int64_t{1});
  CHECK(insert.run().ok());
  insert.bind(1, b);
  insert.bind(2, std::optional<std::int64_t>{});
  CHECK(insert.run().ok());
  insert.bind(1, a);  // the same key again
  const auto refused = insert.run();
  REQUIRE_FALSE(refused.ok());
  CHECK_THAT(refused.error().reason, Catch::Contains("UNIQUE constraint failed"));

  store::SqliteStatement select(db.get(), "SELECT k, n FROM t ORDER BY k");
  REQUIRE(select.next_row());
  CHECK(select.column_text(0) == "a");
  CHECK(select.column_int64(1) == 1);
  REQUIRE(select.next_row());
  CHECK(select.column_text(0) == "b");
  CHECK(select.column_text(1).empty());  // NULL
  CHECK_FALSE(select.next_row());

  CHECK_THROWS_WITH(store::SqliteStatement(db.get(), "SELECT x FROM nowhere"),
                    Catch::Contains("no such table: nowhere") && Catch::Contains("in: SELECT x FROM nowhere"));
  CHECK_FALSE(store::try_exec_sqlite(db.get(), "INSERT INTO nowhere VALUES (1)").ok());
}
