#pragma once
// Where members wait to be resumed (connection state recovery): who a client
// was, so that it gets its nickname back after a dropped connection or a
// restart of chatd. The chat's recovery sees only this interface.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace chatd::store {

struct SavedMember {
  std::string recovery_token;  // the client's private token (Socket.IO's `pid`)
  std::int64_t author = 0;     // the public key its messages are stored under
  std::string nickname;
  std::optional<std::int64_t> left_at;  // milliseconds since the epoch; empty while connected
};

class RecoveryStore {
 public:
  virtual ~RecoveryStore() = default;

  // Inserts or replaces the member with this token. Never blocks on the
  // database: writes happen in order on another thread.
  virtual void save(SavedMember member) = 0;
  virtual void forget(std::string recovery_token) = 0;

  // At start-up: the members that left at or after `since` (ms). A member
  // still marked connected was cut by a crash; it counts as left at `now`.
  virtual std::vector<SavedMember> load(std::int64_t since, std::int64_t now) = 0;

  // Waits until every save and forget has been written.
  virtual void flush() = 0;
};

}  // namespace chatd::store
