#include "store/sqlite_reader_pool.hpp"

#include <algorithm>
#include <utility>

namespace chatd::store {

SqliteReaderPool::SqliteReaderPool(const std::filesystem::path& path, std::size_t size, const char* sql) {
  readers_.reserve(std::max<std::size_t>(size, 1));
  for (std::size_t i = 0; i < std::max<std::size_t>(size, 1); ++i) {
    auto db = open_sqlite_database(path, SqliteAccess::read_only);
    auto statement = std::make_unique<SqliteStatement>(db.get(), sql, SqliteStatement::Lifetime::persistent);
    readers_.push_back(Reader{std::move(db), std::move(statement)});
  }
  for (auto& reader : readers_) free_.push_back(&reader);
}

SqliteReaderPool::~SqliteReaderPool() = default;

void SqliteReaderPool::with_statement(const std::function<void(SqliteStatement& statement)>& use) {
  Reader* reader = nullptr;
  {
    std::unique_lock lock(mutex_);
    returned_.wait(lock, [this] { return !free_.empty(); });
    reader = free_.back();
    free_.pop_back();
  }
  // Back to the pool, ready for the next caller, even when `use` throws.
  struct Return {
    SqliteReaderPool& pool;
    Reader* reader;
    ~Return() {
      reader->statement->reset();
      {
        std::lock_guard lock(pool.mutex_);
        pool.free_.push_back(reader);
      }
      pool.returned_.notify_one();
    }
  } give_back{*this, reader};
  use(*reader->statement);
}

}  // namespace chatd::store
