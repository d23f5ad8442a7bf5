#pragma once
// Connection state recovery in cluster mode (docs/cluster.md, "Sessions and
// recovery across nodes"): the adapter's sessions under `sio:session:<pid>`
// and the replay of what a session missed from the stream, exactly as
// @socket.io/redis-streams-adapter's restoreSession does it, so that a
// session saved by either kind of node is resumed by either kind.
//
// The single-process Recovery interface (chat/recovery.hpp) does not fit
// here: it is called synchronously under the chat's mutex, while every step
// of this one is a Redis round trip and its order is the stream's. The
// cluster's chat service drives this class instead: the session is read on
// the command thread, the replay is read on the reader thread, off the lock.

#include <chrono>
#include <string>
#include <vector>

#include "cluster/adapter_broadcast.hpp"
#include "cluster/adapter_session.hpp"
#include "cluster/redis_connection.hpp"
#include "cluster/stream_id.hpp"
#include "codec/result.hpp"

namespace chatd::cluster {

class RedisRecovery {
 public:
  // A client that missed more entries than this starts afresh (and gets the
  // history replay), as in single-node mode.
  static constexpr std::size_t kMaxMissed = 10'000;
  // The room of every member: broadcasts of the chat go to it.
  static constexpr const char* kChatRoom = "chat";

  // `window`: the recovery window (zero: recovery is off).
  RedisRecovery(std::string prefix, std::string stream_key, std::chrono::milliseconds window,
                std::chrono::milliseconds refresh);

  bool enabled() const { return window_.count() > 0; }
  std::chrono::milliseconds window() const { return window_; }
  // A connected member's session lives this long after its last refresh:
  // at least the window after its node died.
  std::chrono::milliseconds connected_ttl() const { return window_ + 2 * refresh_; }

  std::string session_key(const std::string& pid) const { return prefix_ + "sio:session:" + pid; }
  // A member's session: rooms [sid, "chat"], data {nick}.
  std::string member_session(const std::string& sid, const std::string& pid, const std::string& nick) const;

  // `XRANGE` that tells whether more than kMaxMissed entries follow `offset`.
  RedisConnection::Command count_after(const StreamId& offset) const;
  bool too_many(const RedisReply& reply) const;

  // What a session in `rooms` missed after `offset`, up to but not including
  // `until` (the entry of its resume), read on `connection` page by page:
  // the entries of "/" of type 3 that shouldIncludePacket keeps, each with
  // its id appended. A failure of the connection is returned as such.
  ::codec::Result<std::vector<OutgoingPacket>, ::codec::Failure> missed(RedisConnection& connection,
                                                                        const StreamId& offset, const StreamId& until,
                                                                        const std::vector<std::string>& rooms) const;

 private:
  const std::string prefix_;
  const std::string stream_key_;
  const std::chrono::milliseconds window_;
  const std::chrono::milliseconds refresh_;
};

}  // namespace chatd::cluster
