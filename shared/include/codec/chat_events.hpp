#pragma once
// The chat's events on top of Socket.IO, as typed structs, with their
// encoding and decoding in one place. The event names and argument shapes
// are those of the classic Socket.IO chat example, so its pages work unchanged.
//
//   direction  event           arguments                       ack
//   c -> s     "nickname"      nick                            [refused: bool, reason?: string]
//   c -> s     "user message"  text, {"key"?: string}?         [meta] or [{"error": reason}]
//   c -> s     "history"       {"before"?: id}                 [{"messages": [...], "more": bool}] or [{"error":
//   reason}] s -> c     "announcement"  text s -> c     "nicknames"     {nick: nick, ...} s -> c     "user message"
//   from, text, meta {id, ts, history} s -> c     "chat error"    {"event": name, "reason": text}  (refusals without an
//   ack)

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "codec/result.hpp"
#include "codec/socketio_packet.hpp"

namespace codec::events {

inline constexpr std::string_view kNickname = "nickname";
inline constexpr std::string_view kUserMessage = "user message";
inline constexpr std::string_view kAnnouncement = "announcement";
inline constexpr std::string_view kNicknames = "nicknames";
inline constexpr std::string_view kChatError = "chat error";
inline constexpr std::string_view kHistory = "history";

// How every refusal by the rate limit starts ("rate limit: at most 10
// messages per second"): a refusal for now, which a client may try again later.
inline constexpr std::string_view kRateLimitReason = "rate limit: ";

// The most messages one history page holds; the server sends this many when
// that many older ones exist.
inline constexpr std::size_t kHistoryPageSize = 100;

// ---- client -> server -------------------------------------------------------

struct NicknameRequest {
  std::string nickname;
  std::optional<std::uint64_t> ack_id;
};

// ["user message", text] or ["user message", text, {"key": key}]. The key
// is the client's idempotency key for the message: a member that sends a
// message again with a key it already used (after a lost connection, not
// knowing whether the first one was stored) gets the first one's ack, and
// the message is neither stored nor broadcast again. Clients may omit it.
// Its rules (length, characters) are checked by the chat service
// (rules::validate_message_key).
struct UserMessageRequest {
  std::string text;
  std::optional<std::uint64_t> ack_id;
  std::optional<std::string> key = std::nullopt;
};

// A page of older history: the messages before `before` (none: the newest
// ones). The argument is one object, {"before": id} or {}; anything else in it
// (another key, a `before` that is not a positive integer, a second argument)
// is refused, so that a client's mistake is an answer rather than a guess.
struct HistoryRequest {
  std::optional<std::int64_t> before;  // a message id, > 0
  std::optional<std::uint64_t> ack_id;
};

using ClientEvent = std::variant<NicknameRequest, UserMessageRequest, HistoryRequest>;

// Reads a chat event from a decoded EVENT packet. Refuses unknown events and
// arguments of the wrong type; the rules (length, characters) are checked by
// the chat service, which knows how to answer.
Result<ClientEvent> decode_client_event(const sio::Packet& packet);

sio::Packet encode(const NicknameRequest& request);
sio::Packet encode(const UserMessageRequest& request);
sio::Packet encode(const HistoryRequest& request);

// ---- server -> client -------------------------------------------------------

struct MessageMeta {
  std::int64_t id = 0;   // history row id: increases with every stored message
  std::int64_t ts = 0;   // server time of receipt, milliseconds since the epoch
  bool history = false;  // replayed from history on join
};

struct Announcement {
  std::string text;
};

struct Nicknames {
  std::vector<std::string> nicknames;  // sorted
};

struct UserMessage {
  std::string from;
  std::string text;
  MessageMeta meta;
};

struct ChatError {
  std::string event;  // the event that was refused
  std::string reason;
};

using ServerEvent = std::variant<Announcement, Nicknames, UserMessage, ChatError>;

sio::Packet encode(const Announcement& event);
sio::Packet encode(const Nicknames& event);
sio::Packet encode(const UserMessage& event);
sio::Packet encode(const ChatError& event);

// The same events and acks as Socket.IO packet text: what
// sio::encode(encode(...)) gives. The message and its ack, sent for every
// chat message, are written directly without building JSON values.
std::string encode_text(const Announcement& event);
std::string encode_text(const Nicknames& event);
std::string encode_text(const UserMessage& event);
std::string encode_text(const ChatError& event);

// Reads a server event (client side).
Result<ServerEvent> decode_server_event(const sio::Packet& packet);

// ---- acks -------------------------------------------------------------------

struct NicknameAck {
  bool refused = false;
  std::string reason;  // empty when accepted
};

struct UserMessageAck {
  std::optional<MessageMeta> meta;  // set when stored
  std::string error;                // set when refused
};

// One stored message in a history page: {"from", "id", "text", "ts"}.
struct HistoryEntry {
  std::string from;
  std::string text;
  std::int64_t id = 0;
  std::int64_t ts = 0;

  bool operator==(const HistoryEntry&) const = default;
};

// {"messages": [...], "more": bool}: oldest first; `more`: older ones exist.
struct HistoryPage {
  std::vector<HistoryEntry> messages;
  bool more = false;

  bool operator==(const HistoryPage&) const = default;
};

// The answer to a history request: the page, or the refusal {"error": reason}.
struct HistoryAck {
  std::optional<HistoryPage> page;  // set when answered
  std::string error;                // set when refused
};

sio::Packet encode_ack(std::uint64_t ack_id, const NicknameAck& ack);
sio::Packet encode_ack(std::uint64_t ack_id, const UserMessageAck& ack);
sio::Packet encode_ack(std::uint64_t ack_id, const HistoryAck& ack);

std::string encode_ack_text(std::uint64_t ack_id, const NicknameAck& ack);
std::string encode_ack_text(std::uint64_t ack_id, const UserMessageAck& ack);
// A page is written directly, without building JSON values (up to 100 texts).
std::string encode_ack_text(std::uint64_t ack_id, const HistoryAck& ack);
std::string encode_ack_text(std::uint64_t ack_id, const HistoryPage& page);

// A refused request of `event`: in the refusal form of that event's ack when
// the request has an ack id, else as a "chat error" event.
std::string encode_refusal_text(std::string_view event, std::optional<std::uint64_t> ack_id, const std::string& reason);

Result<NicknameAck> decode_nickname_ack(const sio::Packet& packet);
Result<UserMessageAck> decode_user_message_ack(const sio::Packet& packet);
// Client side. A page whose `messages` or `more` is missing, or with an entry
// that lacks a string `from` or `text` or an integer `id` or `ts`, is WrongType.
Result<HistoryAck> decode_history_ack(const sio::Packet& packet);

}  // namespace codec::events
