#include "codec/socketio_packet.hpp"

#include <algorithm>
#include <charconv>

namespace codec::sio {

namespace {

using nlohmann::json;

CodecError malformed(std::string reason) { return make_error(CodecErrorKind::Malformed, std::move(reason)); }

// Checks the payload shape each packet type allows.
Result<void> check_payload(PacketType type, const json& data) {
  switch (type) {
    case PacketType::Connect:
      if (!data.is_null() && !data.is_object()) return malformed("CONNECT payload must be an object");
      return {};
    case PacketType::Disconnect:
      if (!data.is_null()) return malformed("DISCONNECT takes no payload");
      return {};
    case PacketType::Event:
    case PacketType::BinaryEvent:
      if (!data.is_array() || data.empty()) return malformed("EVENT payload must be a non-empty array");
      if (!data.front().is_string()) {
        return make_error(CodecErrorKind::WrongType, "event name must be a string");
      }
      return {};
    case PacketType::Ack:
    case PacketType::BinaryAck:
      if (!data.is_array()) return malformed("ACK payload must be an array");
      return {};
    case PacketType::ConnectError:
      if (!data.is_object() && !data.is_string()) {
        return malformed("CONNECT_ERROR payload must be an object or a string");
      }
      return {};
  }
  return malformed("unknown packet type");
}

// The string member `key` of an object, when there is one.
std::optional<std::string> string_member(const json& object, const char* key) {
  if (!object.is_object()) return std::nullopt;
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

bool is_binary(PacketType type) { return type == PacketType::BinaryEvent || type == PacketType::BinaryAck; }

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
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
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

  if (auto checked = check_payload(packet.type, packet.data); !checked) return checked.error();
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

Packet encode_connect_answer(std::string nsp, const ConnectAnswer& answer) {
  json data = {{"sid", answer.sid}};
  if (answer.pid) data["pid"] = *answer.pid;
  return Packet{PacketType::Connect, std::move(nsp), std::nullopt, std::move(data), 0};
}

Result<ConnectAnswer> decode_connect_answer(const Packet& packet) {
  if (packet.type != PacketType::Connect) return malformed("not a CONNECT packet");
  ConnectAnswer answer;
  if (auto sid = string_member(packet.data, "sid")) answer.sid = std::move(*sid);
  answer.pid = string_member(packet.data, "pid");
  return answer;
}

Packet encode_connect_error(std::string nsp, std::string_view message) {
  return Packet{PacketType::ConnectError, std::move(nsp), std::nullopt, json{{"message", message}}, 0};
}

Result<ConnectError> decode_connect_error(const Packet& packet) {
  if (packet.type != PacketType::ConnectError) return malformed("not a CONNECT_ERROR packet");
  if (packet.data.is_string()) return ConnectError{packet.data.get<std::string>()};
  if (auto message = string_member(packet.data, "message")) return ConnectError{std::move(*message)};
  return make_error(CodecErrorKind::WrongType, "CONNECT_ERROR carries no message");
}

}  // namespace codec::sio
