#include "live_region.hpp"

#include <emscripten/emscripten.h>

#include <iterator>

#include "chat_client/spoken_line.hpp"

// The page's region (www/app.js, window.chatLive); nothing when it is missing.
// clang-format off
EM_JS(void, chat_live_say, (const char* text), {
  if (window.chatLive) window.chatLive.say(UTF8ToString(text));
});
// clang-format on

namespace chat_web {

void LiveRegion::update(const chat_client::ChatModel& model) {
  const auto& lines = model.lines();
  if (lines.empty() || lines.back().seq <= said_seq_) return;
  // The new lines are at the end; find the first one not looked at yet.
  auto first = lines.end();
  while (first != lines.begin() && std::prev(first)->seq > said_seq_) --first;
  for (auto it = first; it != lines.end(); ++it) {
    if (const auto text = chat_client::spoken_line(*it)) chat_live_say(text->c_str());
  }
  said_seq_ = lines.back().seq;
}

}  // namespace chat_web
