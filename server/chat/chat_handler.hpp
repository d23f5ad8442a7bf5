#pragma once
// The chat as the protocol layer sees it: what clients do. ChatService is
// the chat of one chatd; cluster::ClusterChatService the chat of a node of a
// cluster (docs/cluster.md). ChatNamespace decodes events and calls one of
// them.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "chat/client_id.hpp"
#include "chat/recovery.hpp"
#include "codec/chat_events.hpp"

namespace chatd::chat {

class ChatHandler {
 public:
  // Answers the client's CONNECT: the recovery token to hand it (none when
  // recovery is off), and the socket id of the session it resumed (none: it
  // keeps the new one). Called once, possibly later and on another thread.
  using Answer =
      std::function<void(const std::optional<std::string>& recovery_token, const std::optional<std::string>& sid)>;

  virtual ~ChatHandler() = default;

  // A client connected with the socket id `sid` (a room of its own); it asks
  // to resume when `resume` is set.
  virtual void open(ClientId client, const std::string& sid, const std::optional<ResumeRequest>& resume,
                    Answer answer) = 0;
  // `resumable`: the connection was lost rather than closed on purpose.
  virtual void close(ClientId client, bool resumable) = 0;
  virtual void on_nickname(ClientId client, const ::codec::events::NicknameRequest& request) = 0;
  virtual void on_user_message(ClientId client, const ::codec::events::UserMessageRequest& request) = 0;
  // A page of older history, answered through the request's ack.
  virtual void on_history(ClientId client, const ::codec::events::HistoryRequest& request) = 0;
  // An event the protocol layer could not decode: answer with the reason,
  // through the ack when there is one, else with a "chat error" event.
  virtual void refuse(ClientId client, std::string_view event, std::optional<std::uint64_t> ack_id,
                      const std::string& reason) = 0;
};

}  // namespace chatd::chat
