#include "gesture_targets.hpp"

#include <emscripten/emscripten.h>

#include <cstdio>

#include "codec/json_text.hpp"

// www/app.js keeps the list (window.chatTextBridge.setTargets); nothing
// happens when the page has no bridge.
// clang-format off
EM_JS(void, chat_bridge_set_targets, (const char* json), {
  if (window.chatTextBridge && window.chatTextBridge.setTargets) window.chatTextBridge.setTargets(UTF8ToString(json));
});
// clang-format on

namespace chat_web {

namespace {

const char* action_name(GestureTargets::Action action) {
  switch (action) {
    case GestureTargets::Action::Open: return "open";
    case GestureTargets::Action::Copy: return "copy";
    case GestureTargets::Action::Paste: return "paste";
  }
  return "open";
}

}  // namespace

void GestureTargets::add(ImVec2 min, ImVec2 max, Kind kind, Action action, std::string_view text,
                         std::string_view label) {
  if (max.x <= min.x || max.y <= min.y) return;  // clipped away
  targets_.push_back(Target{min, max, kind, action, std::string(text), std::string(label)});
}

std::string GestureTargets::link_at(ImVec2 point) const {
  for (const Target& target : targets_) {
    if (target.kind == Kind::Link && point.x >= target.min.x && point.x < target.max.x && point.y >= target.min.y &&
        point.y < target.max.y) {
      return target.text;
    }
  }
  return {};
}

void GestureTargets::publish() {
  std::string json = "[";
  for (const Target& target : targets_) {
    if (json.size() > 1) json += ',';
    char rect[128];
    std::snprintf(rect, sizeof rect, "{\"rect\":[%.1f,%.1f,%.1f,%.1f],\"kind\":\"%s\",\"action\":\"%s\",\"text\":",
                  static_cast<double>(target.min.x), static_cast<double>(target.min.y),
                  static_cast<double>(target.max.x), static_cast<double>(target.max.y),
                  target.kind == Kind::Link ? "link" : "menu", action_name(target.action));
    json += rect;
    codec::json_text::append_string(json, target.text);
    json += ",\"label\":";
    codec::json_text::append_string(json, target.label);
    json += '}';
  }
  json += ']';
  if (json == published_) return;
  published_ = std::move(json);
  chat_bridge_set_targets(published_.c_str());
}

}  // namespace chat_web
