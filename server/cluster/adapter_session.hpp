#pragma once
// A Socket.IO session as @socket.io/redis-streams-adapter keeps it under
// `sio:session:<pid>`: base64(msgpack({sid, pid, rooms, data})). A chat
// member's `data` is {"nick": <nickname>} (docs/cluster.md), whichever kind
// of node wrote it.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/result.hpp"

namespace chatd::cluster {

struct AdapterSession {
  std::string sid;
  std::string pid;
  std::vector<std::string> rooms;
  std::optional<std::string> nick;  // data.nick; none for a socket without a nickname
};

// The value to SET: a 4-entry map in the adapter's order, `data` {} without a nick.
std::string encode_adapter_session(const AdapterSession& session);
// Reads a value written by either kind of node; keys of `data` other than
// "nick" (a Node.js application's own) are ignored.
::codec::Result<AdapterSession, ::codec::Failure> decode_adapter_session(std::string_view value);

}  // namespace chatd::cluster
