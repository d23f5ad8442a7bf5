#pragma once
// The chat log cut into visual rows of equal height for the current width,
// so ImGuiListClipper can skip everything off screen even though messages
// wrap. Rebuilt only when the model, the width or the font changes (its
// glyphs too: they arrive after the text that needs them, FontAtlas).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <imgui.h>

#include "chat_client/chat_model.hpp"
#include "chat_client/web_links.hpp"

namespace chat_web {

struct LogRow {
  std::size_t line = 0;   // index into ChatModel::lines()
  std::size_t begin = 0;  // byte range in LogEntry::body
  std::size_t end = 0;
  bool first = false;  // the row carrying the time and the sender
};

struct LogEntry {
  std::string time;    // "[12:34] "
  std::string sender;  // "bob: " (messages only)
  std::string body;    // what wraps: the text, plus a failure note
  float time_width = 0.0f;
  float prefix_width = 0.0f;  // time + sender
  float indent = 0.0f;        // where continuation rows start
  // The web links in `body` (messages only), drawn as links.
  std::vector<chat_client::LinkSpan> links;
};

class ChatLogLayout {
 public:
  // Returns true when the rows changed. `glyphs` is FontAtlas::revision():
  // a glyph added or evicted changes text widths.
  bool update(const chat_client::ChatModel& model, float width, ImFont* font, std::uint64_t glyphs);

  const std::vector<LogRow>& rows() const { return rows_; }
  const LogEntry& entry(std::size_t line) const { return entries_[line]; }

 private:
  void wrap(std::size_t line, float width, ImFont* font);

  std::uint64_t revision_ = ~std::uint64_t{0};
  float width_ = -1.0f;
  ImFont* font_ = nullptr;
  float font_size_ = 0.0f;
  std::uint64_t glyphs_ = 0;
  std::vector<LogEntry> entries_;
  std::vector<LogRow> rows_;
};

}  // namespace chat_web
