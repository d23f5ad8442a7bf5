// What the WASM client decodes from the server, as ChatClient does it: one
// WebSocket text frame (codec::eio::decode_text_frame), then the open packet's
// JSON (decode_open) or the Socket.IO packet inside a message
// (codec::sio::decode), then the CONNECT answer or refusal, the chat's server
// events with their recovery offset, and acks (nickname, message, history page).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "codec/chat_events.hpp"
#include "codec/connection_recovery.hpp"
#include "codec/engineio_packet.hpp"
#include "codec/socketio_packet.hpp"
#include "fuzz_check.hpp"

namespace eio = codec::eio;
namespace events = codec::events;
namespace sio = codec::sio;

namespace {

bool same_meta(const events::MessageMeta& a, const events::MessageMeta& b) {
  return a.id == b.id && a.ts == b.ts && a.history == b.history;
}

void check_open(std::string_view json_text) {
  const auto handshake = eio::decode_open(json_text);
  if (!handshake) return;
  // The handshake the server would send for it reads back the same.
  const std::string frame = eio::encode_open(*handshake);
  const auto packet = eio::decode_text_frame(frame);
  FUZZ_CHECK(packet.ok() && packet->type == eio::PacketType::Open);
  const auto again = eio::decode_open(packet->data);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again->sid == handshake->sid);
  FUZZ_CHECK(again->ping_interval_ms == handshake->ping_interval_ms);
  FUZZ_CHECK(again->ping_timeout_ms == handshake->ping_timeout_ms);
  FUZZ_CHECK(again->max_payload == handshake->max_payload);
  FUZZ_CHECK(again->can_upgrade_to_websocket == handshake->can_upgrade_to_websocket);
}

// The server's encoding of a decoded event decodes to the same event.
void check_server_event(const events::ServerEvent& event) {
  const auto packet = std::visit([](const auto& e) { return events::encode(e); }, event);
  const auto text = sio::encode(packet);
  const auto decoded = sio::decode(text);
  FUZZ_CHECK(decoded.ok());
  const auto again = events::decode_server_event(*decoded);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again->index() == event.index());
  std::visit(
      [&](const auto& e) {
        using Event = std::decay_t<decltype(e)>;
        const auto& a = std::get<Event>(*again);
        if constexpr (std::is_same_v<Event, events::Announcement>) {
          FUZZ_CHECK(a.text == e.text);
        } else if constexpr (std::is_same_v<Event, events::Nicknames>) {
          FUZZ_CHECK(std::is_sorted(e.nicknames.begin(), e.nicknames.end()));
          FUZZ_CHECK(a.nicknames == e.nicknames);
        } else if constexpr (std::is_same_v<Event, events::UserMessage>) {
          FUZZ_CHECK(a.from == e.from && a.text == e.text && same_meta(a.meta, e.meta));
        } else {
          FUZZ_CHECK(a.event == e.event && a.reason == e.reason);
        }
      },
      event);
}

// Decodes the text the server would send for a packet.
sio::Packet reencode(const sio::Packet& packet) {
  const std::string text = sio::encode(packet);
  auto decoded = sio::decode(text);
  FUZZ_CHECK(decoded.ok());
  return std::move(*decoded);
}

// The offset a broadcast ends with is what the server's append_offset wrote:
// the event without it, encoded and tagged, gives the same bytes.
void check_offset(const sio::Packet& packet) {
  const auto offset = sio::trailing_offset(packet);
  if (!offset) return;
  FUZZ_CHECK(packet.data.size() >= 2 && packet.data.back().get<std::string>() == *offset);
  sio::Packet untagged = packet;
  untagged.data.erase(untagged.data.size() - 1);
  std::string tagged = sio::encode(untagged);
  sio::append_offset(tagged, *offset);
  FUZZ_CHECK(tagged == sio::encode(packet));
}

// Every CONNECT is an answer; the server's encoding of it reads back the same.
void check_connect_answer(const sio::Packet& packet) {
  const auto answer = sio::decode_connect_answer(packet);
  FUZZ_CHECK(answer.ok());
  const auto again = sio::decode_connect_answer(reencode(sio::encode_connect_answer(packet.nsp, *answer)));
  FUZZ_CHECK(again.ok() && again->sid == answer->sid && again->pid == answer->pid);
}

void check_connect_error(const sio::Packet& packet) {
  const auto refusal = sio::decode_connect_error(packet);
  if (!refusal) {
    // Only an object without a string "message" says nothing.
    FUZZ_CHECK(packet.data.is_object());
    return;
  }
  const auto again = sio::decode_connect_error(reencode(sio::encode_connect_error(packet.nsp, refusal->message)));
  FUZZ_CHECK(again.ok() && again->message == refusal->message);
}

void check_acks(const sio::Packet& packet) {
  FUZZ_CHECK(packet.ack_id.has_value());
  if (const auto ack = events::decode_nickname_ack(packet)) {
    const auto again = events::decode_nickname_ack(reencode(events::encode_ack(*packet.ack_id, *ack)));
    FUZZ_CHECK(again.ok() && again->refused == ack->refused);
    // The reason travels only with a refusal.
    if (ack->refused) FUZZ_CHECK(again->reason == ack->reason);
  }
  if (const auto ack = events::decode_user_message_ack(packet)) {
    FUZZ_CHECK(!(ack->meta && !ack->error.empty()));
    const auto again = events::decode_user_message_ack(reencode(events::encode_ack(*packet.ack_id, *ack)));
    FUZZ_CHECK(again.ok() && again->error == ack->error && again->meta.has_value() == ack->meta.has_value());
    if (ack->meta) FUZZ_CHECK(same_meta(*again->meta, *ack->meta));
  }
  if (const auto ack = events::decode_history_ack(packet)) {
    // The server's direct writer and the generic encoder agree byte for byte,
    // and what they write reads back as the same page or refusal.
    const std::string text = events::encode_ack_text(*packet.ack_id, *ack);
    FUZZ_CHECK(text == sio::encode(events::encode_ack(*packet.ack_id, *ack)));
    const auto reread = sio::decode(text);
    FUZZ_CHECK(reread.ok());
    const auto again = events::decode_history_ack(*reread);
    FUZZ_CHECK(again.ok() && again->error == ack->error && again->page == ack->page);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto frame = eio::decode_text_frame(chat_fuzz::as_text(data, size));
  if (!frame) return 0;
  if (frame->type == eio::PacketType::Open) {
    check_open(frame->data);
    return 0;
  }
  if (frame->type != eio::PacketType::Message) return 0;
  const auto packet = sio::decode(frame->data);
  if (!packet) return 0;
  switch (packet->type) {
    case sio::PacketType::Event:
      check_offset(*packet);
      if (const auto event = events::decode_server_event(*packet)) check_server_event(*event);
      break;
    case sio::PacketType::Connect: check_connect_answer(*packet); break;
    case sio::PacketType::Ack: check_acks(*packet); break;
    case sio::PacketType::ConnectError: check_connect_error(*packet); break;
    default:
      // Decoded but not for the chat: still must not throw.
      (void)events::decode_server_event(*packet);
      (void)events::decode_nickname_ack(*packet);
      (void)events::decode_user_message_ack(*packet);
      (void)events::decode_history_ack(*packet);
      break;
  }
  return 0;
}
