#pragma once
// chatd's history database read directly with SQLite, beside (or after) the
// server, to check what was really committed.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

struct sqlite3;

namespace chat_it {

class HistoryDatabase {
 public:
  struct Row {
    std::int64_t id = 0;
    std::string sender;
    std::string body;
  };

  // Opens read-only; throws when the file cannot be opened.
  explicit HistoryDatabase(const std::filesystem::path& path);
  ~HistoryDatabase();
  HistoryDatabase(const HistoryDatabase&) = delete;
  HistoryDatabase& operator=(const HistoryDatabase&) = delete;

  // Every stored message, in id order.
  std::vector<Row> rows();
  // What PRAGMA integrity_check says ("ok" when the file is sound).
  std::string integrity_check();

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace chat_it
