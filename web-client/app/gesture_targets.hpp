#pragma once
// The places on screen where a click or a tap does something only the page
// may do, and only inside the browser's own event for that click: open a
// link in a new tab (later, the popup blocker stops it), write the clipboard
// (document.execCommand('copy') works only there; writeText needs the
// click's user activation) and read it (navigator.clipboard.readText asks
// for the same). A frame drawn by ImGui handles a click one animation frame
// after the event, so instead each frame lists here what it drew, and
// www/app.js acts on the click event itself, hit-testing it against the list
// of the frame the person saw; ImGui only closes the menu. The list reaches
// the page only when it changed.

#include <string>
#include <string_view>
#include <vector>

#include <imgui.h>

namespace chat_web {

class GestureTargets {
 public:
  enum class Action { Open, Copy, Paste };
  enum class Kind { Link, MenuItem };

  // At the start of a frame.
  void clear() { targets_.clear(); }
  // A rectangle in canvas pixels; `text`: the URL to open or the text to
  // copy; `label`: what the person sees (a menu item's words; "link").
  void add(ImVec2 min, ImVec2 max, Kind kind, Action action, std::string_view text, std::string_view label);
  // The URL of the link drawn at `point` in this frame (empty: none).
  std::string link_at(ImVec2 point) const;
  // After the frame: the list to the page, if it changed.
  void publish();

 private:
  struct Target {
    ImVec2 min;
    ImVec2 max;
    Kind kind = Kind::Link;
    Action action = Action::Open;
    std::string text;
    std::string label;
  };
  std::vector<Target> targets_;
  std::string published_;  // the JSON the page has
};

}  // namespace chat_web
