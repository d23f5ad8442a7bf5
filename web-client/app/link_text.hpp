#pragma once
// One row of a log entry's text with its web links drawn as links: in the
// link colour and underlined, each piece of a link (a link wraps onto
// several rows) listed as a GestureTargets link that opens the whole URL.

#include <imgui.h>

#include "chat_log_layout.hpp"
#include "gesture_targets.hpp"

namespace chat_web {

class LinkText {
 public:
  // Draws bytes [row.begin, row.end) of entry.body at `pos` in `color`,
  // with the current font; `scale`: the device pixel ratio (line thickness).
  static void draw(ImDrawList* list, ImVec2 pos, ImU32 color, const LogEntry& entry, const LogRow& row, float scale,
                   GestureTargets& targets);
};

}  // namespace chat_web
