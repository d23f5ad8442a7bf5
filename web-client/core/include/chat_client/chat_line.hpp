#pragma once
// One line of the chat log, whatever produced it.

#include <cstdint>
#include <string>
#include <string_view>

namespace chat_client {

enum class LineKind {
  Message,       // a user's message (someone else's, or our own)
  Announcement,  // "bob connected", from the server
  System,        // from this client: disconnects, reconnects
  Error,         // refusals: "chat error" events, failed sends
};

enum class DeliveryStatus {
  None,       // not our own message
  Pending,    // sent, waiting for the server's ack
  Confirmed,  // acked: stored by the server
  Failed,     // refused by the server or lost with the connection
};

struct ChatLine {
  std::uint64_t seq = 0;  // local, increasing: a stable handle for this line
  LineKind kind = LineKind::System;
  std::string from;  // sender nickname (messages only)
  std::string text;
  std::int64_t ts_ms = 0;      // server time when known, else local time
  std::int64_t server_id = 0;  // history row id, 0 when unknown
  bool history = false;        // replayed from history on join
  bool own = false;            // typed on this client
  DeliveryStatus status = DeliveryStatus::None;
  std::string failure;  // why a Failed own message was not delivered
};

std::string_view to_string(LineKind kind);
std::string_view to_string(DeliveryStatus status);

}  // namespace chat_client
