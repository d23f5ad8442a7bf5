#pragma once
// Opening a connection to the chat database, the same way for every store:
// one thread per connection (no SQLite mutex) and a busy timeout, so that a
// writer briefly holding the lock delays the others instead of failing them.

#include <filesystem>

struct sqlite3;

namespace chatd::store {

// `flags`: SQLITE_OPEN_READONLY / READWRITE / CREATE. Throws
// std::runtime_error with SQLite's message when the file cannot be opened.
sqlite3* open_sqlite_database(const std::filesystem::path& path, int flags);

}  // namespace chatd::store
