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

LogEntry make_entry(const ChatLine& line, std::int64_t today_start_s, ImFont* font) {
  LogEntry entry;
  entry.time = format_time(line.ts_ms, today_start_s);
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
  const float size = font->FontSize;
  const float time_width = font->CalcTextSizeA(size, FLT_MAX, 0.0f, entry.time.c_str()).x;
  // The sender is drawn bold (one extra pixel column): account for it.
  const float sender_width =
      entry.sender.empty() ? 0.0f : font->CalcTextSizeA(size, FLT_MAX, 0.0f, entry.sender.c_str()).x + 1.0f;
  entry.time_width = time_width;
  entry.prefix_width = time_width + sender_width;
  entry.indent = time_width;
  return entry;
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

}  // namespace

bool ChatLogLayout::update(const chat_client::ChatModel& model, float width, ImFont* font, std::uint64_t glyphs) {
  if (model.revision() == revision_ && width == width_ && font == font_ && font->FontSize == font_size_ &&
      glyphs == glyphs_) {
    return false;
  }
  glyphs_ = glyphs;
  revision_ = model.revision();
  width_ = width;
  font_ = font;
  font_size_ = font->FontSize;
  const auto today = start_of_today_s();
  entries_.clear();
  rows_.clear();
  entries_.reserve(model.lines().size());
  for (const auto& line : model.lines()) entries_.push_back(make_entry(line, today, font));
  for (std::size_t i = 0; i < entries_.size(); ++i) wrap(i, width, font);
  return true;
}

void ChatLogLayout::wrap(std::size_t line, float width, ImFont* font) {
  LogEntry& entry = entries_[line];
  // A hanging indent under the sender reads well, unless the name is so
  // long that little room would be left for the text.
  if (entry.prefix_width < width * 0.4f) entry.indent = entry.prefix_width;
  const char* text = entry.body.c_str();
  const char* const text_end = text + entry.body.size();
  const float scale = 1.0f;  // the font is used at its own size
  bool first = true;
  const char* s = text;
  // ImGui's word wrap does not stop at '\n': wrap each paragraph separately.
  do {
    const char* paragraph_end = std::find(s, text_end, '\n');
    do {
      const float available = std::max(1.0f, width - (first ? entry.prefix_width : entry.indent));
      const char* eol =
          s < paragraph_end ? font->CalcWordWrapPositionA(scale, s, paragraph_end, available) : paragraph_end;
      if (eol == s && s < paragraph_end) {
        // Not even one character fits: take one anyway so we always progress.
        unsigned int ignored = 0;
        eol = s + std::max(1, ImTextCharFromUtf8(&ignored, s, paragraph_end));
      }
      rows_.push_back(LogRow{line, static_cast<std::size_t>(s - text), static_cast<std::size_t>(eol - text), first});
      first = false;
      s = eol;
      while (s < paragraph_end && is_blank(*s)) ++s;
    } while (s < paragraph_end);
    s = paragraph_end < text_end ? paragraph_end + 1 : text_end;
  } while (s < text_end);
}

}  // namespace chat_web
