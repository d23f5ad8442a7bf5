#include "codec/engineio_packet.hpp"

#include <nlohmann/json.hpp>

#include <optional>

#include "codec/utf8.hpp"

namespace codec::eio {

namespace {

bool is_known_type(char c) { return c >= '0' && c <= '6'; }

}  // namespace

Result<Packet> decode_text_frame(std::string_view frame, std::size_t max_payload) {
  if (frame.empty()) return make_error(CodecErrorKind::Empty, "empty Engine.IO packet");
  if (frame.size() > max_payload) {
    return make_error(CodecErrorKind::TooLarge, "Engine.IO packet exceeds maxPayload");
  }
  if (!is_known_type(frame.front())) {
    return make_error(CodecErrorKind::UnknownType, "unknown Engine.IO packet type");
  }
  if (!utf8::is_valid(frame)) {
    return make_error(CodecErrorKind::InvalidUtf8, "Engine.IO text packet is not valid UTF-8");
  }
  return Packet{static_cast<PacketType>(frame.front()), std::string(frame.substr(1)), false};
}

Result<Packet> decode_binary_frame(std::string_view frame, std::size_t max_payload) {
  if (frame.size() > max_payload) {
    return make_error(CodecErrorKind::TooLarge, "Engine.IO packet exceeds maxPayload");
  }
  return Packet{PacketType::Message, std::string(frame), true};
}

std::string encode_text_frame(PacketType type, std::string_view data) {
  std::string frame;
  frame.reserve(1 + data.size());
  frame.push_back(static_cast<char>(type));
  frame.append(data);
  return frame;
}

std::string encode_open(const Handshake& handshake) {
  nlohmann::json open = {
      {"sid", handshake.sid},
      {"upgrades", handshake.can_upgrade_to_websocket ? nlohmann::json::array({"websocket"}) : nlohmann::json::array()},
      {"pingInterval", handshake.ping_interval_ms},
      {"pingTimeout", handshake.ping_timeout_ms},
      {"maxPayload", handshake.max_payload},
  };
  return encode_text_frame(PacketType::Open, open.dump());
}

Result<Handshake> decode_open(std::string_view json_text) {
  auto json = nlohmann::json::parse(json_text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return make_error(CodecErrorKind::InvalidJson, "open packet is not a JSON object");
  }
  const auto sid = json.find("sid");
  const auto interval = json.find("pingInterval");
  const auto timeout = json.find("pingTimeout");
  if (sid == json.end() || !sid->is_string() || interval == json.end() || !interval->is_number_unsigned() ||
      timeout == json.end() || !timeout->is_number_unsigned()) {
    return make_error(CodecErrorKind::Malformed, "open packet lacks sid, pingInterval or pingTimeout");
  }
  Handshake handshake;
  handshake.sid = sid->get<std::string>();
  handshake.ping_interval_ms = interval->get<std::uint32_t>();
  handshake.ping_timeout_ms = timeout->get<std::uint32_t>();
  if (const auto max = json.find("maxPayload"); max != json.end() && max->is_number_unsigned()) {
    handshake.max_payload = max->get<std::size_t>();
  }
  if (const auto upgrades = json.find("upgrades"); upgrades != json.end() && upgrades->is_array()) {
    for (const auto& name : *upgrades) {
      if (name.is_string() && name.get_ref<const std::string&>() == "websocket") {
        handshake.can_upgrade_to_websocket = true;
      }
    }
  }
  return handshake;
}

}  // namespace codec::eio

namespace codec::eio {

namespace {

// RFC 4648 base64, as Engine.IO uses for binary data over long-polling.
Result<std::string> decode_base64(std::string_view text) {
  const auto invalid = [] { return make_error(CodecErrorKind::Malformed, "binary packet is not valid base64"); };
  static constexpr auto kInvalid = 0xFF;
  auto value = [](char c) -> unsigned {
    if (c >= 'A' && c <= 'Z') return static_cast<unsigned>(c - 'A');
    if (c >= 'a' && c <= 'z') return static_cast<unsigned>(c - 'a' + 26);
    if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0' + 52);
    if (c == '+') return 62;
    if (c == '/') return 63;
    return kInvalid;
  };
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return invalid();
  std::string out;
  out.reserve(text.size() * 3 / 4);
  unsigned buffer = 0;
  int bits = 0;
  for (const char c : text) {
    const unsigned v = value(c);
    if (v == kInvalid) return invalid();
    buffer = (buffer << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

}  // namespace

Result<std::vector<Packet>> decode_payload(std::string_view body, std::size_t max_payload) {
  if (body.size() > max_payload) return make_error(CodecErrorKind::TooLarge, "payload exceeds maxPayload");
  if (body.empty()) return make_error(CodecErrorKind::Empty, "empty payload");
  std::vector<Packet> packets;
  for (std::size_t start = 0; start <= body.size();) {
    const std::size_t end = std::min(body.find(kRecordSeparator, start), body.size());
    const std::string_view part = body.substr(start, end - start);
    if (!part.empty() && part.front() == 'b') {
      auto bytes = decode_base64(part.substr(1));
      if (!bytes) return bytes.error();
      packets.push_back(Packet{PacketType::Message, std::move(*bytes), true});
    } else {
      auto packet = decode_text_frame(part, max_payload);
      if (!packet) return packet.error();
      packets.push_back(std::move(*packet));
    }
    start = end + 1;
  }
  return packets;
}

std::string encode_binary_part(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out = "b";
  out.reserve(1 + (bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += {kAlphabet[(n >> 18) & 63], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63], kAlphabet[n & 63]};
  }
  if (i + 1 == bytes.size()) {
    const unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
    out += {kAlphabet[(n >> 18) & 63], kAlphabet[(n >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    const unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += {kAlphabet[(n >> 18) & 63], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63], '='};
  }
  return out;
}

std::string encode_payload(const std::vector<std::string_view>& frames) {
  std::string body;
  for (const auto& frame : frames) {
    if (!body.empty()) body.push_back(kRecordSeparator);
    body.append(frame);
  }
  return body;
}

}  // namespace codec::eio
