#pragma once
// A read-only JSON snapshot of the model, for the page's test hook
// (window.chatState()) and for debugging.

#include <string>

#include "chat_client/chat_model.hpp"

namespace chat_client {

// {"state":"Joined","nickname":"bob","nicknameError":"","online":["bob"],
//  "reconnectInMs":null,"ignoredFrames":0,
//  "messages":[{"kind":"message","from":"bob","text":"hi","ts":..,"id":..,
//               "history":false,"own":true,"status":"confirmed"}, ...]}
std::string chat_state_json(const ChatModel& model, std::int64_t now_ms);

}  // namespace chat_client
