#pragma once
// Socket.IO v5 packets (https://github.com/socketio/socket.io-protocol).
//
//   type           id  payload
//   CONNECT        0   optional object (auth on the way in, {"sid":..} on the way out)
//   DISCONNECT     1   none
//   EVENT          2   array: [name, ...args]
//   ACK            3   array: [...args]
//   CONNECT_ERROR  4   object {"message":..} (or a string, from old servers)
//   BINARY_EVENT   5   like EVENT, with placeholders {"_placeholder":true,"num":n}
//   BINARY_ACK     6   like ACK, with placeholders
//
// Encoding: <type>[<attachments>-][<namespace>,][<ack id>][<JSON payload>]
// The namespace is written only when it is not "/".

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "codec/result.hpp"

namespace codec::sio {

enum class PacketType : int {
  Connect = 0,
  Disconnect = 1,
  Event = 2,
  Ack = 3,
  ConnectError = 4,
  BinaryEvent = 5,
  BinaryAck = 6,
};

struct Packet {
  PacketType type = PacketType::Event;
  std::string nsp = "/";
  std::optional<std::uint64_t> ack_id;
  nlohmann::json data;          // null when the packet carries no payload
  std::size_t attachments = 0;  // binary packets only
};

struct DecodeLimits {
  std::size_t max_namespace_length = 256;
  std::size_t max_attachments = 10;
  // JSON nesting deeper than this is refused: encoding (and any other
  // recursive walk) of a deeper value could overflow the stack.
  std::size_t max_json_depth = 32;
};

// Ack ids above this are refused: they could not round-trip through a
// JavaScript number, which is what every Socket.IO client uses.
inline constexpr std::uint64_t kMaxAckId = (std::uint64_t{1} << 53) - 1;

// Decodes the text of one Engine.IO message packet. Never throws.
Result<Packet> decode(std::string_view text, const DecodeLimits& limits = {});

// Encodes a packet to its text form. Strings that are not valid UTF-8 are
// replaced rather than throwing, so encoding never fails.
std::string encode(const Packet& packet);

// Shorthands for the packets the chat sends most. `args` is the argument
// list as a JSON array (a non-array value is taken as the single argument).
Packet make_event(std::string_view name, nlohmann::json args, std::optional<std::uint64_t> ack_id = {});
Packet make_ack(std::uint64_t ack_id, nlohmann::json args);

// ---- the namespace handshake -----------------------------------------------

// The server's answer to a CONNECT: {"sid": ...}, and the private session id
// {"pid": ...} when connection state recovery is on (connection_recovery.hpp).
struct ConnectAnswer {
  std::string sid;                 // empty when the server sent none (Socket.IO v4 servers)
  std::optional<std::string> pid;  // none: the server does not offer recovery
};

Packet encode_connect_answer(std::string nsp, const ConnectAnswer& answer);
// Reads a CONNECT answer (client side). A pid or sid that is not a string is
// taken as absent, as an answer without them is still an answer. Malformed
// for a packet that is not a CONNECT.
Result<ConnectAnswer> decode_connect_answer(const Packet& packet);

// The server's refusal of a CONNECT (or of a packet before it): {"message": ...}.
struct ConnectError {
  std::string message;
};

Packet encode_connect_error(std::string nsp, std::string_view message);
// Reads a refusal (client side): {"message": ...}, or the bare string of old
// servers. WrongType when it says no message, Malformed for a packet that is
// not a CONNECT_ERROR.
Result<ConnectError> decode_connect_error(const Packet& packet);

}  // namespace codec::sio
