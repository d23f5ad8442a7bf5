#pragma once
// Socket.IO's connection state recovery on the wire (Socket.IO 4.6+, what the
// stock socket.io-client speaks), both sides:
//
//   server -> client  CONNECT answer      {"pid": <private session id>, "sid": ...}
//                                         (sio::ConnectAnswer, socketio_packet.hpp)
//   server -> client  every broadcast     its offset as the last argument:
//                                         2["announcement","bob connected","<offset>"]
//   client -> server  CONNECT after a drop {"offset": <last offset seen>, "pid": <pid>}
//
// A client that sends back the pid and the last offset it saw is resumed by
// the server (same session, the broadcasts it missed) or starts afresh; what an
// offset means is the server's business (chatd: server/chat/broadcast_offset):
// to the codec and the client it is an opaque string.

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "codec/result.hpp"
#include "codec/socketio_packet.hpp"

namespace codec::sio {

// What a reconnecting client presents in its CONNECT auth to resume.
struct ResumeAuth {
  std::string pid;     // the private session id of the CONNECT answer
  std::string offset;  // the offset of the last broadcast it saw
};

// The client's CONNECT to "/": with {pid, offset} as auth when it asks to
// resume, without a payload otherwise ("40").
Packet encode_connect(const std::optional<ResumeAuth>& resume = std::nullopt);

// The resume request in a CONNECT's auth object (server side). An error means
// "no resume request" and is never a reason to refuse the CONNECT: Empty when
// the auth asks for nothing, WrongType when pid or offset is missing or not a
// string (socket.io's own server ignores such auth the same way).
Result<ResumeAuth> decode_resume_auth(const nlohmann::json& auth);

// Adds the offset as the last argument of an encoded EVENT (text whose
// payload is a JSON array), so that a broadcast encoded once is tagged
// without being encoded again. Text that is not an argument list is left as
// it is.
void append_offset(std::string& encoded_event, std::string_view offset);

// The offset a broadcast carries: its last argument, when that is a string
// and not the event name (client side). Only a client whose CONNECT answer had
// a pid may read it so: without recovery, the last argument of an event is
// just an argument. WrongType when there is none, Malformed for a packet that
// is not an EVENT.
Result<std::string> trailing_offset(const Packet& event);

}  // namespace codec::sio
