#include "history_database.hpp"

#include <sqlite3.h>

#include <stdexcept>

namespace chat_it {

namespace {

struct Statement {
  sqlite3_stmt* handle = nullptr;
  Statement(sqlite3* db, const char* sql) {
    if (sqlite3_prepare_v2(db, sql, -1, &handle, nullptr) != SQLITE_OK) {
      throw std::runtime_error(std::string("SQLite: ") + sqlite3_errmsg(db) + " in: " + sql);
    }
  }
  ~Statement() { sqlite3_finalize(handle); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
};

std::string text(sqlite3_stmt* statement, int column) {
  const auto* value = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
  return value ? std::string(value, static_cast<std::size_t>(sqlite3_column_bytes(statement, column))) : std::string();
}

}  // namespace

HistoryDatabase::HistoryDatabase(const std::filesystem::path& path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error("cannot open " + path.string() + ": " + message);
  }
  sqlite3_busy_timeout(db_, 5000);
}

HistoryDatabase::~HistoryDatabase() { sqlite3_close(db_); }

std::vector<HistoryDatabase::Row> HistoryDatabase::rows() {
  Statement statement(db_, "SELECT id, sender, body FROM messages ORDER BY id");
  std::vector<Row> rows;
  int status = SQLITE_ROW;
  while ((status = sqlite3_step(statement.handle)) == SQLITE_ROW) {
    rows.push_back(
        Row{sqlite3_column_int64(statement.handle, 0), text(statement.handle, 1), text(statement.handle, 2)});
  }
  if (status != SQLITE_DONE) throw std::runtime_error(std::string("SQLite: reading messages: ") + sqlite3_errmsg(db_));
  return rows;
}

std::string HistoryDatabase::integrity_check() {
  Statement statement(db_, "PRAGMA integrity_check");
  std::string result;
  while (sqlite3_step(statement.handle) == SQLITE_ROW) {
    if (!result.empty()) result += "\n";
    result += text(statement.handle, 0);
  }
  return result;
}

}  // namespace chat_it
