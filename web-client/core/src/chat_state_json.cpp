#include "chat_client/chat_state_json.hpp"

#include <nlohmann/json.hpp>

namespace chat_client {

std::string chat_state_json(const ChatModel& model, std::int64_t now_ms) {
  using nlohmann::json;
  json messages = json::array();
  for (const auto& line : model.lines()) {
    json item = {
        {"kind", std::string(to_string(line.kind))},
        {"from", line.from},
        {"text", line.text},
        {"ts", line.ts_ms},
        {"id", line.server_id},
        {"history", line.history},
        {"own", line.own},
        {"status", std::string(to_string(line.status))},
    };
    if (!line.failure.empty()) item["failure"] = line.failure;
    messages.push_back(std::move(item));
  }
  json state = {
      {"state", std::string(to_string(model.connection_state()))},
      {"nickname", model.nickname()},
      {"nicknameError", model.nickname_error()},
      {"online", model.online()},
      {"reconnectInMs", nullptr},
      {"resumed", model.session_resumed()},
      {"ignoredFrames", model.ignored_frames()},
      {"messages", std::move(messages)},
  };
  if (auto at = model.reconnect_at_ms()) state["reconnectInMs"] = *at > now_ms ? *at - now_ms : 0;
  // Text from the network was validated as UTF-8 by the codec; replace
  // rather than throw should anything slip through.
  return state.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace chat_client
