#pragma once
// A few read-only connections to the chat database, each with one prepared
// statement, lent to one caller at a time. Reads that many client threads make
// at once (pages of older history) then neither queue behind a single
// connection nor hold the one the chat service reads under its mutex
// (recovery's range reads), and never run on the writer thread.

#include <condition_variable>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "store/sqlite_database.hpp"
#include "store/sqlite_statement.hpp"

namespace chatd::store {

class SqliteReaderPool {
 public:
  // Opens `size` (at least one) read-only connections to a database that a
  // writing connection has already created and migrated, and prepares `sql`
  // on each. Throws std::runtime_error with SQLite's message when it cannot.
  SqliteReaderPool(const std::filesystem::path& path, std::size_t size, const char* sql);
  ~SqliteReaderPool();
  SqliteReaderPool(const SqliteReaderPool&) = delete;
  SqliteReaderPool& operator=(const SqliteReaderPool&) = delete;

  // Runs `use` with a free connection's statement, which is reset (and its
  // bindings cleared) afterwards; waits while every connection is lent.
  void with_statement(const std::function<void(SqliteStatement& statement)>& use);

 private:
  struct Reader {
    SqliteConnection db;
    std::unique_ptr<SqliteStatement> statement;  // on db; declared after it, so finalized first
  };

  std::vector<Reader> readers_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<Reader*> free_;  // under mutex_
};

}  // namespace chatd::store
