#pragma once
// Connection state recovery as the chat service sees it (Socket.IO's
// connectionStateRecovery): a client whose connection was lost comes back with
// its recovery token and the offset of the last broadcast it saw, and gets its
// nickname back and exactly the broadcasts it missed, without its own messages.
//
// LocalRecovery keeps all of it in this process and the SQLite file; several
// chatd instances would keep it where all of them see it (e.g. Redis streams
// for the broadcasts, a key per recovery token for the departed members).
//
// Locking: the chat service makes every call below (the constructor aside)
// under its own mutex, and its outbox calls under the same mutex, so that
//  - tag_broadcast(), the broadcast itself and keep_broadcast() are one step:
//    a resume finds a broadcast either kept or not yet sent, never sent but
//    not kept;
//  - resume() and the resumed member's join are one step: each broadcast
//    reaches it either among the missed packets or live, once.
// An implementation therefore needs no lock of its own for state only these
// calls touch. It must not call back into the chat service.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "chat/member_keys.hpp"

namespace chatd::chat {

// What a reconnecting client presents to resume as the member it was.
struct ResumeRequest {
  std::string recovery_token;  // the private token it was given (Socket.IO's `pid`)
  std::string offset;          // the last broadcast offset it saw
};

// A member taken back by resume().
struct ResumedMember {
  MemberKeys keys;
  std::string nickname;
  std::vector<std::string> missed;  // broadcast packets with their offsets, oldest first
};

class Recovery {
 public:
  using NicknameFree = std::function<bool(const std::string& nickname)>;

  virtual ~Recovery() = default;

  // Keys for a client that joins afresh; none when recovery is off (then its
  // client gets no recovery token and broadcasts carry no offsets).
  virtual std::optional<MemberKeys> welcome() = 0;

  // The member `request` names, when it left within the window, every
  // broadcast it missed is still known and `nickname_free` says its nickname
  // was not taken meanwhile: it is no longer departed, so that one departure
  // resumes once. Nothing otherwise, and nothing changes.
  virtual std::optional<ResumedMember> resume(const ResumeRequest& request, const NicknameFree& nickname_free) = 0;

  // The member took `nickname`: from now on it may resume under it.
  virtual void joined(const MemberKeys& keys, const std::string& nickname) = 0;
  // The member left; `resumable`: its connection was lost rather than closed
  // on purpose, so it may come back within the window.
  virtual void left(const MemberKeys& keys, const std::string& nickname, bool resumable) = 0;
  // Forgets members who left before the window, and the oldest beyond the cap.
  virtual void forget_expired() = 0;

  // Appends the next offset to `packet`, a broadcast event, as its last
  // argument. `message_id`: the stored message it delivers (0: none, e.g. an
  // announcement). Each call is followed by keep_broadcast() of that packet.
  virtual void tag_broadcast(std::string& packet, std::int64_t message_id) = 0;
  // Keeps the packet last tagged, once broadcast, for members who resume
  // later; `skipped_author` is the author it was not sent to (0: none).
  virtual void keep_broadcast(std::string packet, std::int64_t skipped_author) = 0;
  // Appends the current offset to `packet`, a snapshot of state (the online
  // list): not kept, since a resumed member gets the list of its moment.
  virtual void tag_snapshot(std::string& packet) = 0;
};

}  // namespace chatd::chat
