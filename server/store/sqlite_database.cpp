#include "store/sqlite_database.hpp"

#include <sqlite3.h>

#include <stdexcept>
#include <string>

namespace chatd::store {

sqlite3* open_sqlite_database(const std::filesystem::path& path, int flags) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw std::runtime_error("cannot open database " + path.string() + ": " + message);
  }
  sqlite3_busy_timeout(db, 5000);
  return db;
}

}  // namespace chatd::store
