#include "store/sqlite_statement.hpp"

#include <sqlite3.h>

#include <stdexcept>

namespace chatd::store {

SqliteStatement::SqliteStatement(sqlite3* db, const char* sql, Lifetime lifetime) : db_(db) {
  const unsigned flags = lifetime == Lifetime::persistent ? SQLITE_PREPARE_PERSISTENT : 0;
  if (sqlite3_prepare_v3(db, sql, -1, flags, &statement_, nullptr) != SQLITE_OK) {
    sqlite3_finalize(statement_);
    throw std::runtime_error(std::string("SQLite: ") + (db ? sqlite3_errmsg(db) : "out of memory") + " in: " + sql);
  }
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(statement_); }

void SqliteStatement::bind(int index, std::int64_t value) { sqlite3_bind_int64(statement_, index, value); }

void SqliteStatement::bind(int index, std::optional<std::int64_t> value) {
  if (value) {
    sqlite3_bind_int64(statement_, index, *value);
  } else {
    sqlite3_bind_null(statement_, index);
  }
}

void SqliteStatement::bind(int index, const std::string& text) {
  sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
}

int SqliteStatement::step() { return sqlite3_step(statement_); }

bool SqliteStatement::next_row() { return step() == SQLITE_ROW; }

codec::Result<void, codec::Failure> SqliteStatement::run() {
  const int code = step();
  codec::Result<void, codec::Failure> result;
  if (code != SQLITE_DONE) result = codec::Failure{sqlite3_errmsg(db_)};
  reset();
  return result;
}

void SqliteStatement::reset() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

std::string SqliteStatement::error_message() const { return sqlite3_errmsg(db_); }

std::int64_t SqliteStatement::column_int64(int column) const { return sqlite3_column_int64(statement_, column); }

std::string SqliteStatement::column_text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement_, column));
  return text ? std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(statement_, column))) : std::string();
}

}  // namespace chatd::store
