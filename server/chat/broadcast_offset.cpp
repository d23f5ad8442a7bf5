#include "chat/broadcast_offset.hpp"

#include <charconv>

namespace chatd::chat {

namespace {

// One dash-terminated (or final) decimal field; advances `text` past it.
template <typename Number>
bool take_field(std::string_view& text, Number& out, bool last) {
  const auto end = last ? text.size() : text.find('-');
  if (end == 0 || end == std::string_view::npos || text[0] < '0' || text[0] > '9') return false;  // no sign
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + end, out);
  if (ec != std::errc{} || ptr != text.data() + end) return false;
  text.remove_prefix(last ? end : end + 1);
  return true;
}

}  // namespace

std::string BroadcastOffset::to_string() const {
  return std::to_string(boot) + "-" + std::to_string(seq) + "-" + std::to_string(message);
}

std::optional<BroadcastOffset> BroadcastOffset::parse(std::string_view text) {
  if (text.size() > 64) return std::nullopt;
  BroadcastOffset offset;
  if (!take_field(text, offset.boot, false) || !take_field(text, offset.seq, false) ||
      !take_field(text, offset.message, true)) {
    return std::nullopt;
  }
  return offset;
}

}  // namespace chatd::chat
