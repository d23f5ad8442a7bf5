// What the server reads from a client: codec::sio::decode, then for a CONNECT
// the resume request in its auth (codec::sio::decode_resume_auth), for an
// EVENT codec::events::decode_client_event and the rules the chat service
// applies (trim + validate_nickname, validate_message, validate_message_key),
// or the history request's argument.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "codec/chat_events.hpp"
#include "codec/chat_rules.hpp"
#include "codec/connection_recovery.hpp"
#include "codec/socketio_packet.hpp"
#include "codec/utf8.hpp"
#include "fuzz_check.hpp"

namespace events = codec::events;
namespace rules = codec::rules;
namespace sio = codec::sio;

namespace {

// The request survives the client's encoding: what the web client sends for
// this request is decoded by the server to the same request.
template <typename Request>
void check_round_trip(const Request& request) {
  const std::string text = sio::encode(events::encode(request));
  const auto packet = sio::decode(text);
  FUZZ_CHECK(packet.ok());
  const auto again = events::decode_client_event(*packet);
  FUZZ_CHECK(again.ok());
  const auto* same = std::get_if<Request>(&*again);
  FUZZ_CHECK(same != nullptr);
  FUZZ_CHECK(same->ack_id == request.ack_id);
  if constexpr (std::is_same_v<Request, events::NicknameRequest>) {
    FUZZ_CHECK(same->nickname == request.nickname);
  } else if constexpr (std::is_same_v<Request, events::HistoryRequest>) {
    FUZZ_CHECK(same->before == request.before);
  } else {
    FUZZ_CHECK(same->text == request.text);
    FUZZ_CHECK(same->key == request.key);
  }
}

void check_nickname(const events::NicknameRequest& request) {
  check_round_trip(request);
  // As ChatService::on_nickname does.
  const std::string nickname = rules::trim(request.nickname);
  FUZZ_CHECK(nickname.size() <= request.nickname.size());
  FUZZ_CHECK(request.nickname.find(nickname) != std::string::npos);
  if (rules::validate_nickname(nickname)) {
    const auto length = codec::utf8::count_code_points(nickname);
    FUZZ_CHECK(length && *length >= 1 && *length <= rules::kMaxNicknameLength);
    FUZZ_CHECK(rules::trim(nickname) == nickname);
    for (const char c : nickname) FUZZ_CHECK(static_cast<unsigned char>(c) >= 0x20 && c != 0x7F);
  }
}

// A message is ["user message", text] or ["user message", text, {"key"?: string}];
// a key the chat service accepts is visible ASCII of a bounded length.
void check_message(const events::UserMessageRequest& request, const sio::Packet& packet) {
  check_round_trip(request);
  FUZZ_CHECK(packet.data.size() == 2 || (packet.data.size() == 3 && packet.data[2].is_object()));
  FUZZ_CHECK(request.key.has_value() == (packet.data.size() == 3 && packet.data[2].contains("key")));
  if (request.key && rules::validate_message_key(*request.key)) {
    FUZZ_CHECK(!request.key->empty() && request.key->size() <= rules::kMaxMessageKeyLength);
    for (const char c : *request.key) FUZZ_CHECK(c >= '!' && c <= '~');
  }
  if (rules::validate_message(request.text)) {
    const auto length = codec::utf8::count_code_points(request.text);
    FUZZ_CHECK(length && *length >= 1 && *length <= rules::kMaxMessageLength);
    FUZZ_CHECK(!rules::trim(request.text).empty());
  }
}

// A history request is exactly ["history", {}] or ["history", {"before": n}]
// with n a positive integer that fits an int64: the store's query takes it as is.
void check_history(const events::HistoryRequest& request, const sio::Packet& packet) {
  check_round_trip(request);
  FUZZ_CHECK(packet.data.size() == 2 && packet.data[1].is_object());
  const auto& argument = packet.data[1];
  FUZZ_CHECK(argument.size() == (request.before ? 1u : 0u));
  if (request.before) {
    FUZZ_CHECK(*request.before > 0);
    FUZZ_CHECK(argument.contains("before") && argument["before"].is_number_integer());
  }
}

// As SocketIoServer and ChatNamespace read a CONNECT: any auth is either a
// resume request or none, and a request the client encodes reads back the same.
void check_connect(const sio::Packet& packet) {
  const auto& auth = packet.data.is_object() ? packet.data : nlohmann::json::object();
  const auto resume = sio::decode_resume_auth(auth);
  if (!resume) {
    const auto kind = resume.error().kind;
    FUZZ_CHECK(kind == codec::CodecErrorKind::Empty || kind == codec::CodecErrorKind::WrongType);
    return;
  }
  const auto again = sio::decode(sio::encode(sio::encode_connect(*resume)));
  FUZZ_CHECK(again.ok() && again->type == sio::PacketType::Connect);
  const auto same = sio::decode_resume_auth(again->data);
  FUZZ_CHECK(same.ok() && same->pid == resume->pid && same->offset == resume->offset);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto packet = sio::decode(chat_fuzz::as_text(data, size));
  if (!packet) return 0;
  if (packet->type == sio::PacketType::Connect) {
    check_connect(*packet);
    return 0;
  }
  const auto event = events::decode_client_event(*packet);
  if (!event) {
    // The server then reads the event name to say what it refused.
    if (packet->type == sio::PacketType::Event || packet->type == sio::PacketType::BinaryEvent) {
      FUZZ_CHECK(packet->data.is_array() && !packet->data.empty() && packet->data.front().is_string());
    }
    return 0;
  }
  FUZZ_CHECK(packet->type == sio::PacketType::Event);
  std::visit(
      [&](const auto& request) {
        FUZZ_CHECK(request.ack_id == packet->ack_id);
        using Request = std::decay_t<decltype(request)>;
        if constexpr (std::is_same_v<Request, events::NicknameRequest>) {
          check_nickname(request);
        } else if constexpr (std::is_same_v<Request, events::HistoryRequest>) {
          check_history(request, *packet);
        } else {
          check_message(request, *packet);
        }
      },
      *event);
  return 0;
}
