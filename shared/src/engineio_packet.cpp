#include "chat/engineio_packet.hpp"

#include <nlohmann/json.hpp>

#include "chat/utf8.hpp"

namespace chat::eio {

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
      {"upgrades", handshake.can_upgrade_to_websocket ? nlohmann::json::array({"websocket"})
                                                      : nlohmann::json::array()},
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
  if (sid == json.end() || !sid->is_string() || interval == json.end() ||
      !interval->is_number_unsigned() || timeout == json.end() || !timeout->is_number_unsigned()) {
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

}  // namespace chat::eio
