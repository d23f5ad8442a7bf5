#include "chat_log_layout.hpp"

#include <algorithm>
#include <cfloat>
#include <ctime>

#include <imgui_internal.h>  // ImTextCharFromUtf8

namespace chat_web {

namespace {

using chat_client::ChatLine;
using chat_client::DeliveryStatus;
using chat_client::LineKind;

std::string format_time(std::int64_t ts_ms, std::int64_t today_start_s) {
  const std::time_t seconds = static_cast<std::time_t>(ts_ms / 1000);
  std::tm local{};
  localtime_r(&seconds, &local);  // the browser's time zone under Emscripten
  char buffer[32];
  // Messages replayed from earlier days get their date.
  const char* format = seconds < today_start_s ? "[%d %b %H:%M] " : "[%H:%M] ";
  std::strftime(buffer, sizeof buffer, format, &local);
  return buffer;
}

std::int64_t start_of_today_s() {
  std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  local.tm_hour = 0;
  local.tm_min = 0;
  local.tm_sec = 0;
  return static_cast<std::int64_t>(std::mktime(&local));
}

// The code points beyond ASCII in `text`, as ImGui decodes them (a
// malformed byte is U+FFFD there too).
void add_code_points(const std::string& text, std::vector<char32_t>& out) {
  const char* s = text.c_str();
  const char* const end = s + text.size();
  while (s < end) {
    if (static_cast<unsigned char>(*s) < 0x80) {
      ++s;
      continue;
    }
    unsigned int c = 0;
    s += std::max(1, ImTextCharFromUtf8(&c, s, end));
    out.push_back(static_cast<char32_t>(c));
  }
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// Whether the sorted ranges share an element.
bool intersects(const std::vector<char32_t>& a, const std::vector<char32_t>& b) {
  auto i = a.begin();
  auto j = b.begin();
  while (i != a.end() && j != b.end()) {
    if (*i < *j) {
      ++i;
    } else if (*j < *i) {
      ++j;
    } else {
      return true;
    }
  }
  return false;
}

}  // namespace

bool ChatLogLayout::update(const chat_client::ChatModel& model, float width, ImFont* font, const FontAtlas& fonts) {
  const std::int64_t today = start_of_today_s();
  if (width != width_ || font != font_ || font->FontSize != font_size_ || today != today_start_s_) {
    width_ = width;
    font_ = font;
    font_size_ = font->FontSize;
    today_start_s_ = today;
    revision_ = model.revision();
    glyphs_ = fonts.revision();
    rebuild(model);
    return true;
  }
  bool changed = false;
  if (fonts.revision() != glyphs_) {
    changed = rewrap_changed_glyphs(fonts);
    glyphs_ = fonts.revision();
  }
  if (model.revision() != revision_) {
    changed = follow(model) || changed;
    revision_ = model.revision();
  }
  if (changed) gather_rows();
  return changed;
}

void ChatLogLayout::rebuild(const chat_client::ChatModel& model) {
  entries_.clear();
  for (const auto& line : model.lines()) entries_.push_back(make_entry(line));
  gather_rows();
}

bool ChatLogLayout::follow(const chat_client::ChatModel& model) {
  const auto& lines = model.lines();
  bool changed = false;
  // The model drops lines only from the front, adds them only at either
  // end (older history in front, new lines behind), and seqs increase down
  // the log: compare the ends by seq.
  while (!entries_.empty() && (lines.empty() || entries_.front().seq < lines.front().seq)) {
    entries_.pop_front();
    changed = true;
  }
  if (entries_.empty()) {
    for (const auto& line : lines) entries_.push_back(make_entry(line));
    return changed || !lines.empty();
  }
  std::size_t front = 0;  // lines put in front of the first entry
  while (front < lines.size() && lines[front].seq < entries_.front().seq) ++front;
  for (std::size_t i = front; i-- > 0;) entries_.push_front(make_entry(lines[i]));
  const std::uint64_t last = entries_.back().seq;
  auto newer = std::upper_bound(lines.begin(), lines.end(), last,
                                [](std::uint64_t seq, const ChatLine& line) { return seq < line.seq; });
  changed = changed || front > 0 || newer != lines.end();
  for (; newer != lines.end(); ++newer) entries_.push_back(make_entry(*newer));
  if (entries_.size() != lines.size()) {
    // Not the shape the model promises: lay everything out again.
    rebuild(model);
    return true;
  }
  // Lines changed in place: one's own message confirmed (its time is the
  // server's now) or failed (a note is added).
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const ChatLine& line = lines[i];
    LogEntry& entry = entries_[i];
    if (entry.seq != line.seq) {
      rebuild(model);
      return true;
    }
    if (entry.status != line.status || entry.ts_ms != line.ts_ms) {
      entry = make_entry(line);
      changed = true;
    }
  }
  return changed;
}

bool ChatLogLayout::rewrap_changed_glyphs(const FontAtlas& fonts) {
  changed_.clear();
  const bool known = fonts.changed_since(glyphs_, changed_);
  std::sort(changed_.begin(), changed_.end());
  // ASCII is drawn once per atlas (and pinned): when it is, every line may
  // change; after that, lines of ASCII only never do.
  const bool all = !known || (!changed_.empty() && changed_.front() < 0x80);
  bool any = false;
  for (auto& entry : entries_) {
    if (!all && (entry.code_points.empty() || !intersects(entry.code_points, changed_))) continue;
    measure_prefix(entry);
    wrap(entry);
    any = true;
  }
  return any;
}

LogEntry ChatLogLayout::make_entry(const ChatLine& line) const {
  LogEntry entry;
  entry.seq = line.seq;
  entry.status = line.status;
  entry.ts_ms = line.ts_ms;
  entry.time = format_time(line.ts_ms, today_start_s_);
  switch (line.kind) {
    case LineKind::Message:
      entry.sender = line.from + ": ";
      entry.body = line.text;
      // Found in the sender's text only (the body starts with it), never in
      // the failure note below.
      entry.links = chat_client::find_web_links(line.text);
      if (line.status == DeliveryStatus::Failed) {
        entry.body += "  (not delivered: " + line.failure + ")";
      }
      break;
    case LineKind::Announcement:
    case LineKind::Error: entry.body = line.text; break;
    case LineKind::System: entry.body = "*** " + line.text; break;
  }
  add_code_points(entry.sender, entry.code_points);
  add_code_points(entry.body, entry.code_points);
  std::sort(entry.code_points.begin(), entry.code_points.end());
  entry.code_points.erase(std::unique(entry.code_points.begin(), entry.code_points.end()), entry.code_points.end());
  entry.code_points.shrink_to_fit();
  measure_prefix(entry);
  wrap(entry);
  return entry;
}

void ChatLogLayout::measure_prefix(LogEntry& entry) const {
  const float size = font_->FontSize;
  const float time_width = font_->CalcTextSizeA(size, FLT_MAX, 0.0f, entry.time.c_str()).x;
  // The sender is drawn bold (one extra pixel column): account for it.
  const float sender_width =
      entry.sender.empty() ? 0.0f : font_->CalcTextSizeA(size, FLT_MAX, 0.0f, entry.sender.c_str()).x + 1.0f;
  entry.time_width = time_width;
  entry.prefix_width = time_width + sender_width;
  // A hanging indent under the sender reads well, unless the name is so
  // long that little room would be left for the text.
  entry.indent = entry.prefix_width < width_ * 0.4f ? entry.prefix_width : time_width;
}

void ChatLogLayout::wrap(LogEntry& entry) const {
  entry.rows.clear();
  const char* text = entry.body.c_str();
  const char* const text_end = text + entry.body.size();
  const float scale = 1.0f;  // the font is used at its own size
  bool first = true;
  const char* s = text;
  // ImGui's word wrap does not stop at '\n': wrap each paragraph separately.
  do {
    const char* paragraph_end = std::find(s, text_end, '\n');
    do {
      const float available = std::max(1.0f, width_ - (first ? entry.prefix_width : entry.indent));
      const char* eol =
          s < paragraph_end ? font_->CalcWordWrapPositionA(scale, s, paragraph_end, available) : paragraph_end;
      if (eol == s && s < paragraph_end) {
        // Not even one character fits: take one anyway so we always progress.
        unsigned int ignored = 0;
        eol = s + std::max(1, ImTextCharFromUtf8(&ignored, s, paragraph_end));
      }
      entry.rows.emplace_back(static_cast<std::uint32_t>(s - text), static_cast<std::uint32_t>(eol - text));
      first = false;
      s = eol;
      while (s < paragraph_end && is_blank(*s)) ++s;
    } while (s < paragraph_end);
    s = paragraph_end < text_end ? paragraph_end + 1 : text_end;
  } while (s < text_end);
}

void ChatLogLayout::gather_rows() {
  rows_.clear();
  for (std::size_t line = 0; line < entries_.size(); ++line) {
    bool first = true;
    for (const auto& [begin, end] : entries_[line].rows) {
      rows_.push_back(LogRow{line, begin, end, first});
      first = false;
    }
  }
}

}  // namespace chat_web
