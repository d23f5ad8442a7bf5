#pragma once
// The small menu a right click (mouse) or a long press (touch) opens: on a
// message, "Copy message" and, when it has a link, "Copy link" and "Open
// link"; on the message field, "Paste" (and "Copy" with a selection). Its
// items act through GestureTargets (www/app.js acts on the click itself);
// ImGui draws the menu and closes it.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <imgui.h>

#include "gesture_targets.hpp"

namespace chat_web {

class ContextMenu {
 public:
  struct Item {
    std::string label;
    GestureTargets::Action action = GestureTargets::Action::Copy;
    std::string text;  // what is copied or opened
  };

  // The page asked for a menu at `point` (canvas pixels): the next frame
  // decides what is there (ChatView) and opens it.
  void request(ImVec2 point) {
    requested_ = point;
    closing_ = false;
  }
  std::optional<ImVec2> take_request() { return std::exchange(requested_, std::nullopt); }
  // Opens the menu with `items` at `point`, during a frame; no items, no menu.
  void open(ImVec2 point, std::vector<Item> items);
  // Any key closes it (the next frame), as a desktop menu; so does a long
  // press that turned out to be a tap (www/app.js), also before it opened.
  void close() {
    requested_.reset();
    closing_ = true;
  }
  // Whether a menu was open at the end of the last frame.
  bool is_open() const { return open_; }
  // Each frame, inside the chat window: draws the open menu and lists its
  // items in `targets`.
  void draw(float scale, GestureTargets& targets);

 private:
  std::optional<ImVec2> requested_;
  std::optional<ImVec2> opening_;  // open() this frame: where
  std::vector<Item> items_;
  bool closing_ = false;
  bool open_ = false;
};

}  // namespace chat_web
