#include "codec/chat_events.hpp"

#include <algorithm>
#include <limits>

#include "codec/json_text.hpp"

namespace codec::events {

namespace {

using nlohmann::json;

CodecError wrong_type(std::string reason) { return make_error(CodecErrorKind::WrongType, std::move(reason)); }

json meta_to_json(const MessageMeta& meta) {
  json out = {{"id", meta.id}, {"ts", meta.ts}};
  if (meta.history) out["history"] = true;
  return out;
}

std::optional<MessageMeta> meta_from_json(const json& value) {
  if (!value.is_object()) return std::nullopt;
  const auto id = value.find("id");
  const auto ts = value.find("ts");
  if (id == value.end() || !id->is_number_integer() || ts == value.end() || !ts->is_number_integer()) {
    return std::nullopt;
  }
  MessageMeta meta{id->get<std::int64_t>(), ts->get<std::int64_t>(), false};
  if (const auto history = value.find("history"); history != value.end() && history->is_boolean()) {
    meta.history = history->get<bool>();
  }
  return meta;
}

// {"history":true,"id":..,"ts":..}: the keys in nlohmann's (sorted) order.
void append_meta(std::string& out, const MessageMeta& meta) {
  out += meta.history ? "{\"history\":true,\"id\":" : "{\"id\":";
  json_text::append_integer(out, meta.id);
  out += ",\"ts\":";
  json_text::append_integer(out, meta.ts);
  out.push_back('}');
}

// A JSON integer that fits an int64 (nlohmann reads every non-negative
// integer as unsigned, so the big ones must not wrap).
std::optional<std::int64_t> int64_from_json(const json& value) {
  if (value.is_number_unsigned()) {
    const auto n = value.get<std::uint64_t>();
    if (n > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
    return static_cast<std::int64_t>(n);
  }
  if (value.is_number_integer()) return value.get<std::int64_t>();
  return std::nullopt;
}

// The history request's one argument: {} or {"before": id}, nothing else.
Result<HistoryRequest> history_request(const json& data, std::optional<std::uint64_t> ack_id) {
  if (data.size() < 2) return wrong_type("history request is missing");
  if (data.size() > 2) return wrong_type("history takes one argument");
  const json& arg = data[1];
  if (!arg.is_object()) return wrong_type("history request must be an object");
  const auto before = arg.find("before");
  if (arg.size() > (before == arg.end() ? 0u : 1u)) return wrong_type("history request takes only \"before\"");
  HistoryRequest request{std::nullopt, ack_id};
  if (before != arg.end()) {
    const auto id = int64_from_json(*before);
    if (!id || *id <= 0) return wrong_type("before must be a positive integer");
    request.before = *id;
  }
  return request;
}

json history_entry_to_json(const HistoryEntry& entry) {
  return json{{"from", entry.from}, {"id", entry.id}, {"text", entry.text}, {"ts", entry.ts}};
}

std::optional<HistoryEntry> history_entry_from_json(const json& value) {
  if (!value.is_object()) return std::nullopt;
  const auto from = value.find("from");
  const auto text = value.find("text");
  const auto id = value.find("id");
  const auto ts = value.find("ts");
  if (from == value.end() || !from->is_string() || text == value.end() || !text->is_string() || id == value.end() ||
      ts == value.end()) {
    return std::nullopt;
  }
  const auto id_value = int64_from_json(*id);
  const auto ts_value = int64_from_json(*ts);
  if (!id_value || !ts_value) return std::nullopt;
  return HistoryEntry{from->get<std::string>(), text->get<std::string>(), *id_value, *ts_value};
}

// {"from":..,"id":..,"text":..,"ts":..}: the keys in nlohmann's (sorted) order.
void append_history_entry(std::string& out, const HistoryEntry& entry) {
  out += "{\"from\":";
  json_text::append_string(out, entry.from);
  out += ",\"id\":";
  json_text::append_integer(out, entry.id);
  out += ",\"text\":";
  json_text::append_string(out, entry.text);
  out += ",\"ts\":";
  json_text::append_integer(out, entry.ts);
  out.push_back('}');
}

// The string argument at `index` of an event payload ([name, arg0, arg1...]).
Result<std::string> string_argument(const json& data, std::size_t index, std::string_view what) {
  if (data.size() <= index + 1) return wrong_type(std::string(what) + " is missing");
  const json& arg = data[index + 1];
  if (!arg.is_string()) return wrong_type(std::string(what) + " must be a string");
  return arg.get<std::string>();
}

// The message's optional second argument: {} or {"key": string}, nothing else.
Result<UserMessageRequest> user_message_request(const json& data, std::optional<std::uint64_t> ack_id) {
  auto text = string_argument(data, 0, "message");
  if (!text) return text.error();
  UserMessageRequest request{std::move(*text), ack_id};
  if (data.size() > 3) return wrong_type("user message takes at most two arguments");
  if (data.size() < 3) return request;
  const json& options = data[2];
  if (!options.is_object()) return wrong_type("message options must be an object");
  const auto key = options.find("key");
  if (options.size() > (key == options.end() ? 0u : 1u)) return wrong_type("message options take only \"key\"");
  if (key != options.end()) {
    if (!key->is_string()) return wrong_type("message key must be a string");
    request.key = key->get<std::string>();
  }
  return request;
}

}  // namespace

Result<ClientEvent> decode_client_event(const sio::Packet& packet) {
  if (packet.type == sio::PacketType::BinaryEvent) {
    return make_error(CodecErrorKind::WrongType, "the chat takes no binary events");
  }
  if (packet.type != sio::PacketType::Event || !packet.data.is_array() || packet.data.empty() ||
      !packet.data.front().is_string()) {
    return make_error(CodecErrorKind::Malformed, "not an event packet");
  }
  const auto& name = packet.data.front().get_ref<const std::string&>();
  if (name == kNickname) {
    auto nick = string_argument(packet.data, 0, "nickname");
    if (!nick) return nick.error();
    return ClientEvent{NicknameRequest{std::move(*nick), packet.ack_id}};
  }
  if (name == kUserMessage) {
    auto request = user_message_request(packet.data, packet.ack_id);
    if (!request) return request.error();
    return ClientEvent{std::move(*request)};
  }
  if (name == kHistory) {
    auto request = history_request(packet.data, packet.ack_id);
    if (!request) return request.error();
    return ClientEvent{*request};
  }
  return make_error(CodecErrorKind::UnknownEvent, "unknown event");
}

sio::Packet encode(const NicknameRequest& request) {
  return sio::make_event(kNickname, json::array({request.nickname}), request.ack_id);
}

sio::Packet encode(const UserMessageRequest& request) {
  json arguments = json::array({request.text});
  if (request.key) arguments.push_back(json{{"key", *request.key}});
  return sio::make_event(kUserMessage, std::move(arguments), request.ack_id);
}

sio::Packet encode(const HistoryRequest& request) {
  json argument = json::object();
  if (request.before) argument["before"] = *request.before;
  return sio::make_event(kHistory, json::array({std::move(argument)}), request.ack_id);
}

sio::Packet encode(const Announcement& event) { return sio::make_event(kAnnouncement, json::array({event.text})); }

sio::Packet encode(const Nicknames& event) {
  json map = json::object();
  for (const auto& nick : event.nicknames) map[nick] = nick;
  return sio::make_event(kNicknames, json::array({std::move(map)}));
}

sio::Packet encode(const UserMessage& event) {
  return sio::make_event(kUserMessage, json::array({event.from, event.text, meta_to_json(event.meta)}));
}

sio::Packet encode(const ChatError& event) {
  return sio::make_event(kChatError, json::array({json{{"event", event.event}, {"reason", event.reason}}}));
}

std::string encode_text(const Announcement& event) { return sio::encode(encode(event)); }

std::string encode_text(const Nicknames& event) { return sio::encode(encode(event)); }

std::string encode_text(const UserMessage& event) {
  std::string out;
  out.reserve(64 + event.from.size() + event.text.size());
  out += "2[";
  json_text::append_string(out, kUserMessage);
  out.push_back(',');
  json_text::append_string(out, event.from);
  out.push_back(',');
  json_text::append_string(out, event.text);
  out.push_back(',');
  append_meta(out, event.meta);
  out.push_back(']');
  return out;
}

std::string encode_text(const ChatError& event) { return sio::encode(encode(event)); }

Result<ServerEvent> decode_server_event(const sio::Packet& packet) {
  if (packet.type != sio::PacketType::Event || !packet.data.is_array() || packet.data.empty() ||
      !packet.data.front().is_string()) {
    return make_error(CodecErrorKind::Malformed, "not an event packet");
  }
  const auto& data = packet.data;
  const auto& name = data.front().get_ref<const std::string&>();
  if (name == kAnnouncement) {
    auto text = string_argument(data, 0, "announcement");
    if (!text) return text.error();
    return ServerEvent{Announcement{std::move(*text)}};
  }
  if (name == kNicknames) {
    if (data.size() < 2 || !data[1].is_object()) return wrong_type("nicknames must be an object");
    Nicknames event;
    for (const auto& [key, value] : data[1].items()) event.nicknames.push_back(key);
    std::sort(event.nicknames.begin(), event.nicknames.end());
    return ServerEvent{std::move(event)};
  }
  if (name == kUserMessage) {
    auto from = string_argument(data, 0, "sender");
    if (!from) return from.error();
    auto text = string_argument(data, 1, "message");
    if (!text) return text.error();
    UserMessage event{std::move(*from), std::move(*text), {}};
    if (data.size() > 3) {
      if (auto meta = meta_from_json(data[3])) event.meta = *meta;
    }
    return ServerEvent{std::move(event)};
  }
  if (name == kChatError) {
    if (data.size() < 2 || !data[1].is_object()) return wrong_type("chat error must be an object");
    const auto& body = data[1];
    ChatError event;
    if (const auto it = body.find("event"); it != body.end() && it->is_string()) event.event = it->get<std::string>();
    if (const auto it = body.find("reason"); it != body.end() && it->is_string()) event.reason = it->get<std::string>();
    return ServerEvent{std::move(event)};
  }
  return make_error(CodecErrorKind::UnknownEvent, "unknown event");
}

sio::Packet encode_ack(std::uint64_t ack_id, const NicknameAck& ack) {
  json args = json::array({ack.refused});
  if (ack.refused && !ack.reason.empty()) args.push_back(ack.reason);
  return sio::make_ack(ack_id, std::move(args));
}

sio::Packet encode_ack(std::uint64_t ack_id, const UserMessageAck& ack) {
  if (ack.meta) return sio::make_ack(ack_id, json::array({meta_to_json(*ack.meta)}));
  return sio::make_ack(ack_id, json::array({json{{"error", ack.error}}}));
}

sio::Packet encode_ack(std::uint64_t ack_id, const HistoryAck& ack) {
  if (!ack.page) return sio::make_ack(ack_id, json::array({json{{"error", ack.error}}}));
  json messages = json::array();
  for (const auto& entry : ack.page->messages) messages.push_back(history_entry_to_json(entry));
  return sio::make_ack(ack_id, json::array({json{{"messages", std::move(messages)}, {"more", ack.page->more}}}));
}

std::string encode_ack_text(std::uint64_t ack_id, const NicknameAck& ack) {
  return sio::encode(encode_ack(ack_id, ack));
}

std::string encode_ack_text(std::uint64_t ack_id, const UserMessageAck& ack) {
  if (!ack.meta) return sio::encode(encode_ack(ack_id, ack));
  std::string out = "3";
  out += std::to_string(ack_id);
  out.push_back('[');
  append_meta(out, *ack.meta);
  out.push_back(']');
  return out;
}

std::string encode_ack_text(std::uint64_t ack_id, const HistoryAck& ack) {
  if (ack.page) return encode_ack_text(ack_id, *ack.page);
  return sio::encode(encode_ack(ack_id, ack));
}

// 3<ack id>[{"messages":[...],"more":bool}]
std::string encode_ack_text(std::uint64_t ack_id, const HistoryPage& page) {
  std::size_t size = 64;
  for (const auto& entry : page.messages) size += 64 + entry.from.size() + entry.text.size();
  std::string out;
  out.reserve(size);
  out += "3";
  out += std::to_string(ack_id);
  out += "[{\"messages\":[";
  for (std::size_t i = 0; i < page.messages.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_history_entry(out, page.messages[i]);
  }
  out += page.more ? "],\"more\":true}]" : "],\"more\":false}]";
  return out;
}

std::string encode_refusal_text(std::string_view event, std::optional<std::uint64_t> ack_id,
                                const std::string& reason) {
  if (!ack_id) return encode_text(ChatError{std::string(event), reason});
  if (event == kNickname) return encode_ack_text(*ack_id, NicknameAck{true, reason});
  if (event == kHistory) return encode_ack_text(*ack_id, HistoryAck{std::nullopt, reason});
  return encode_ack_text(*ack_id, UserMessageAck{std::nullopt, reason});
}

Result<NicknameAck> decode_nickname_ack(const sio::Packet& packet) {
  if (packet.type != sio::PacketType::Ack || !packet.data.is_array() || packet.data.empty() ||
      !packet.data[0].is_boolean()) {
    return wrong_type("nickname ack must start with a boolean");
  }
  NicknameAck ack{packet.data[0].get<bool>(), {}};
  if (packet.data.size() > 1 && packet.data[1].is_string()) ack.reason = packet.data[1].get<std::string>();
  return ack;
}

Result<UserMessageAck> decode_user_message_ack(const sio::Packet& packet) {
  if (packet.type != sio::PacketType::Ack || !packet.data.is_array() || packet.data.empty() ||
      !packet.data[0].is_object()) {
    return wrong_type("message ack must carry an object");
  }
  const auto& body = packet.data[0];
  UserMessageAck ack;
  if (const auto error = body.find("error"); error != body.end() && error->is_string()) {
    ack.error = error->get<std::string>();
    return ack;
  }
  ack.meta = meta_from_json(body);
  if (!ack.meta) return wrong_type("message ack lacks id and ts");
  return ack;
}

Result<HistoryAck> decode_history_ack(const sio::Packet& packet) {
  if (packet.type != sio::PacketType::Ack || !packet.data.is_array() || packet.data.empty() ||
      !packet.data[0].is_object()) {
    return wrong_type("history ack must carry an object");
  }
  const auto& body = packet.data[0];
  HistoryAck ack;
  if (const auto error = body.find("error"); error != body.end() && error->is_string()) {
    ack.error = error->get<std::string>();
    return ack;
  }
  const auto messages = body.find("messages");
  const auto more = body.find("more");
  if (messages == body.end() || !messages->is_array() || more == body.end() || !more->is_boolean()) {
    return wrong_type("history ack lacks messages and more");
  }
  HistoryPage page;
  page.more = more->get<bool>();
  page.messages.reserve(messages->size());
  for (const auto& value : *messages) {
    auto entry = history_entry_from_json(value);
    if (!entry) return wrong_type("history page holds a malformed message");
    page.messages.push_back(std::move(*entry));
  }
  ack.page = std::move(page);
  return ack;
}

}  // namespace codec::events
