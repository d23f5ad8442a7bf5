#pragma once
// A prepared SQLite statement, finalized when it goes: prepare, bind, step,
// read columns, reset to run it again. The one way the stores talk SQL with
// parameters.

#include <cstdint>
#include <optional>
#include <string>

#include "codec/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace chatd::store {

class SqliteStatement {
 public:
  enum class Lifetime {
    one_off,     // prepared for a few runs
    persistent,  // kept for the store's whole life (SQLITE_PREPARE_PERSISTENT)
  };

  // Throws std::runtime_error with SQLite's message and the SQL when the
  // statement cannot be prepared.
  SqliteStatement(sqlite3* db, const char* sql, Lifetime lifetime = Lifetime::one_off);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  // Parameters count from 1, as ?1 in the SQL.
  void bind(int index, std::int64_t value);
  void bind(int index, std::optional<std::int64_t> value);  // NULL when empty
  // Not copied: SQLite reads `text` when the statement runs, so it must live
  // until reset(). Hence no temporaries.
  void bind(int index, const std::string& text);
  void bind(int index, std::string&& text) = delete;

  // One step: SQLITE_ROW, SQLITE_DONE, or an error code (sqlite3_errmsg and
  // sqlite3_extended_errcode of the connection tell more until reset()).
  int step();
  // Steps to the next row: false at the end, and on an error, which ends the
  // rows as well.
  bool next_row();
  // Runs a statement that returns no rows and resets it: done, or SQLite's
  // message.
  codec::Result<void, codec::Failure> run();
  // Ready to run again, with no values bound.
  void reset();
  // SQLite's message for the last failure on this statement's connection
  // (after a step() that failed, before reset()).
  std::string error_message() const;

  // Columns count from 0, as in the SELECT list; of the current row.
  std::int64_t column_int64(int column) const;
  std::string column_text(int column) const;  // NULL reads as ""

 private:
  sqlite3* const db_;
  sqlite3_stmt* statement_ = nullptr;
};

}  // namespace chatd::store
