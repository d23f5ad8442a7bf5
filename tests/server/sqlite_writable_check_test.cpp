// SqliteHistoryStore::check_writable(), which /healthz reports.

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <chrono>

#include "store/sqlite_history_store.hpp"
#include "temporary_directory.hpp"

using chatd::store::SqliteHistoryStore;
using namespace std::chrono_literals;

TEST_CASE("The store is writable, not while another connection holds the write lock, and again after") {
  TemporaryDirectory dir;
  const auto path = dir.path() / "chat.db";
  SqliteHistoryStore store(path);
  CHECK(store.check_writable(200ms).ok());

  sqlite3* other = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &other) == SQLITE_OK);
  REQUIRE(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr) == SQLITE_OK);
  const auto locked = store.check_writable(50ms);
  REQUIRE_FALSE(locked.ok());
  CHECK_THAT(locked.error().reason, Catch::Contains("locked"));

  REQUIRE(sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(other);
  CHECK(store.check_writable(200ms).ok());
}
