#include "codec/connection_recovery.hpp"

#include "codec/json_text.hpp"

namespace codec::sio {

using nlohmann::json;

Packet encode_connect(const std::optional<ResumeAuth>& resume) {
  json auth = nullptr;  // no payload at all: "40", as socket.io-client sends
  if (resume) auth = {{"pid", resume->pid}, {"offset", resume->offset}};
  return Packet{PacketType::Connect, "/", std::nullopt, std::move(auth), 0};
}

Result<ResumeAuth> decode_resume_auth(const json& auth) {
  if (!auth.is_object()) return make_error(CodecErrorKind::WrongType, "CONNECT auth is not an object");
  const auto pid = auth.find("pid");
  const auto offset = auth.find("offset");
  if (pid == auth.end() && offset == auth.end()) return make_error(CodecErrorKind::Empty, "no resume request");
  if (pid == auth.end() || !pid->is_string() || offset == auth.end() || !offset->is_string()) {
    return make_error(CodecErrorKind::WrongType, "a resume request needs pid and offset as strings");
  }
  return ResumeAuth{pid->get<std::string>(), offset->get<std::string>()};
}

void append_offset(std::string& encoded_event, std::string_view offset) {
  // Not an argument list ("[...]" after the header): nothing to add to.
  if (encoded_event.size() < 2 || encoded_event.back() != ']') return;
  encoded_event.pop_back();
  if (encoded_event.back() != '[') encoded_event.push_back(',');
  json_text::append_string(encoded_event, offset);
  encoded_event.push_back(']');
}

Result<std::string> trailing_offset(const Packet& event) {
  if (event.type != PacketType::Event || !event.data.is_array()) {
    return make_error(CodecErrorKind::Malformed, "not an event packet");
  }
  // data[0] is the event name, never an offset.
  if (event.data.size() < 2 || !event.data.back().is_string()) {
    return make_error(CodecErrorKind::WrongType, "the event carries no offset");
  }
  return event.data.back().get<std::string>();
}

}  // namespace codec::sio
