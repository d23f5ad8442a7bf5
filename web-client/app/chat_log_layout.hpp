#pragma once
// The chat log cut into visual rows of equal height for the current width,
// so ImGuiListClipper can skip everything off screen even though messages
// wrap. Kept across frames, line by line: the log holds up to
// ChatModel::kDefaultMaxLines (10,000) lines, and wrapping them all again
// for each change would cost a frame tens of milliseconds. A change costs
// only what it touches:
//  - lines added at either end, or dropped from the front, are laid out or
//    forgotten alone; a line changed in place (one's own message confirmed
//    or failed) is laid out again;
//  - new or evicted glyphs (FontAtlas) change the widths of the lines that
//    contain them only: those are wrapped again;
//  - a new width, font or size (or a new day: times get their date) lays
//    out everything.
// The rows are then gathered again (a copy of small structs, no text work).

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include <imgui.h>

#include "chat_client/chat_model.hpp"
#include "chat_client/web_links.hpp"
#include "font_atlas.hpp"

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

  // What the entry was made from, to notice a line changed in place.
  std::uint64_t seq = 0;
  chat_client::DeliveryStatus status = chat_client::DeliveryStatus::None;
  std::int64_t ts_ms = 0;
  // The code points beyond ASCII in the sender and the body, sorted, each
  // once: a change to one of their glyphs may change the wrapping. (ASCII
  // is pinned in the atlas: its widths never change at one size.)
  std::vector<char32_t> code_points;
  // The rows: byte ranges in `body`, the first one with the prefix.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> rows;
  // The web links in `body` (messages only), drawn as links.
  std::vector<chat_client::LinkSpan> links;
};

class ChatLogLayout {
 public:
  // Returns true when the rows changed.
  bool update(const chat_client::ChatModel& model, float width, ImFont* font, const FontAtlas& fonts);

  const std::vector<LogRow>& rows() const { return rows_; }
  const LogEntry& entry(std::size_t line) const { return entries_[line]; }

 private:
  // Everything from scratch.
  void rebuild(const chat_client::ChatModel& model);
  // The entries follow the model's lines; returns whether any changed.
  bool follow(const chat_client::ChatModel& model);
  // Lines whose glyphs changed are wrapped again; returns whether any was.
  bool rewrap_changed_glyphs(const FontAtlas& fonts);
  LogEntry make_entry(const chat_client::ChatLine& line) const;
  void measure_prefix(LogEntry& entry) const;
  void wrap(LogEntry& entry) const;
  void gather_rows();

  std::uint64_t revision_ = ~std::uint64_t{0};
  float width_ = -1.0f;
  ImFont* font_ = nullptr;
  float font_size_ = 0.0f;
  std::uint64_t glyphs_ = 0;
  std::int64_t today_start_s_ = 0;
  std::deque<LogEntry> entries_;  // one per model line, in the same order
  std::vector<LogRow> rows_;
  std::vector<char32_t> changed_;  // scratch: code points whose glyphs changed
};

}  // namespace chat_web
