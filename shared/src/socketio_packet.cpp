#include "codec/socketio_packet.hpp"

#include <algorithm>
#include <charconv>

#include "codec/json_text.hpp"

namespace codec::sio {

namespace {

using nlohmann::json;

CodecError malformed(std::string reason) {
  return make_error(CodecErrorKind::Malformed, std::move(reason));
}

// Checks the payload shape each packet type allows.
std::optional<CodecError> check_payload(PacketType type, const json& data) {
  switch (type) {
    case PacketType::Connect:
      if (!data.is_null() && !data.is_object()) return malformed("CONNECT payload must be an object");
      return std::nullopt;
    case PacketType::Disconnect:
      if (!data.is_null()) return malformed("DISCONNECT takes no payload");
      return std::nullopt;
    case PacketType::Event:
    case PacketType::BinaryEvent:
      if (!data.is_array() || data.empty()) return malformed("EVENT payload must be a non-empty array");
      if (!data.front().is_string()) {
        return make_error(CodecErrorKind::WrongType, "event name must be a string");
      }
      return std::nullopt;
    case PacketType::Ack:
    case PacketType::BinaryAck:
      if (!data.is_array()) return malformed("ACK payload must be an array");
      return std::nullopt;
    case PacketType::ConnectError:
      if (!data.is_object() && !data.is_string()) {
        return malformed("CONNECT_ERROR payload must be an object or a string");
      }
      return std::nullopt;
  }
  return malformed("unknown packet type");
}

bool is_binary(PacketType type) {
  return type == PacketType::BinaryEvent || type == PacketType::BinaryAck;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The deepest nesting of arrays and objects in JSON text, counted without
// parsing (brackets inside strings do not count). Linear, no recursion.
std::size_t json_depth(std::string_view text) {
  std::size_t depth = 0;
  std::size_t deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

Result<Packet> decode(std::string_view text, const DecodeLimits& limits) {
  if (text.empty()) return make_error(CodecErrorKind::Empty, "empty Socket.IO packet");
  Packet packet;
  std::size_t pos = 0;

  // <type>
  const char type_char = text[pos++];
  if (type_char < '0' || type_char > '6') {
    return make_error(CodecErrorKind::UnknownType, "unknown Socket.IO packet type");
  }
  packet.type = static_cast<PacketType>(type_char - '0');

  // [<attachments>-]
  if (is_binary(packet.type)) {
    const std::size_t start = pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    if (pos == start || pos >= text.size() || text[pos] != '-') {
      return malformed("binary packet lacks its attachment count");
    }
    std::size_t count = 0;
    const auto [end, ec] = std::from_chars(text.data() + start, text.data() + pos, count);
    if (ec != std::errc{} || end != text.data() + pos || count > limits.max_attachments) {
      return make_error(CodecErrorKind::TooLarge, "too many binary attachments");
    }
    packet.attachments = count;
    ++pos;  // '-'
  }

  // [<namespace>,]
  if (pos < text.size() && text[pos] == '/') {
    const std::size_t comma = text.find(',', pos);
    const std::size_t end = comma == std::string_view::npos ? text.size() : comma;
    if (end - pos > limits.max_namespace_length) {
      return make_error(CodecErrorKind::TooLarge, "namespace name too long");
    }
    packet.nsp.assign(text.substr(pos, end - pos));
    pos = comma == std::string_view::npos ? text.size() : comma + 1;
  }

  // [<ack id>]
  if (pos < text.size() && is_digit(text[pos])) {
    const std::size_t start = pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    std::uint64_t id = 0;
    const auto [end, ec] = std::from_chars(text.data() + start, text.data() + pos, id);
    if (ec != std::errc{} || end != text.data() + pos || id > kMaxAckId) {
      return make_error(CodecErrorKind::TooLarge, "ack id out of range");
    }
    packet.ack_id = id;
  }

  // [<JSON payload>]
  if (pos < text.size()) {
    if (json_depth(text.substr(pos)) > limits.max_json_depth) {
      return make_error(CodecErrorKind::TooLarge, "payload nested too deeply");
    }
    packet.data = json::parse(text.substr(pos), nullptr, /*allow_exceptions=*/false);
    if (packet.data.is_discarded()) {
      return make_error(CodecErrorKind::InvalidJson, "payload is not valid JSON");
    }
  }

  if (auto error = check_payload(packet.type, packet.data)) return *error;
  if (packet.ack_id && packet.type != PacketType::Event && packet.type != PacketType::BinaryEvent &&
      packet.type != PacketType::Ack && packet.type != PacketType::BinaryAck) {
    return malformed("only EVENT and ACK packets carry an ack id");
  }
  if ((packet.type == PacketType::Ack || packet.type == PacketType::BinaryAck) && !packet.ack_id) {
    return malformed("ACK packet lacks its ack id");
  }
  return packet;
}

std::string encode(const Packet& packet) {
  std::string out;
  out.push_back(static_cast<char>('0' + static_cast<int>(packet.type)));
  if (is_binary(packet.type)) {
    out += std::to_string(packet.attachments);
    out.push_back('-');
  }
  if (packet.nsp != "/" && !packet.nsp.empty()) {
    out += packet.nsp;
    out.push_back(',');
  }
  if (packet.ack_id) out += std::to_string(*packet.ack_id);
  if (!packet.data.is_null()) {
    out += packet.data.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  return out;
}

void append_string_argument(std::string& encoded, std::string_view value) {
  if (encoded.empty() || encoded.back() != ']') return;  // not an argument list: nothing to add to
  encoded.pop_back();
  if (encoded.back() != '[') encoded.push_back(',');
  json_text::append_string(encoded, value);
  encoded.push_back(']');
}

Packet make_event(std::string_view name, nlohmann::json args, std::optional<std::uint64_t> ack_id) {
  json data = json::array();
  data.push_back(std::string(name));
  if (args.is_array()) {
    for (auto& arg : args) data.push_back(std::move(arg));
  } else {
    data.push_back(std::move(args));
  }
  return Packet{PacketType::Event, "/", ack_id, std::move(data), 0};
}

Packet make_ack(std::uint64_t ack_id, nlohmann::json args) {
  if (!args.is_array()) args = json::array({std::move(args)});
  return Packet{PacketType::Ack, "/", ack_id, std::move(args), 0};
}

}  // namespace codec::sio
