#pragma once
// UTF-8 checks used by the codec and by the chat rules.

#include <cstddef>
#include <optional>
#include <string_view>

namespace codec::utf8 {

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool is_valid(std::string_view text);

// Number of code points in `text`, or nullopt when it is not valid UTF-8.
std::optional<std::size_t> count_code_points(std::string_view text);

// Visit each code point; returns false (and stops) on invalid UTF-8.
template <typename Visitor>
bool for_each_code_point(std::string_view text, Visitor&& visit);

// Decodes one code point at `pos`, advancing it; returns nullopt on invalid input.
std::optional<char32_t> decode_one(std::string_view text, std::size_t& pos);

template <typename Visitor>
bool for_each_code_point(std::string_view text, Visitor&& visit) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto cp = decode_one(text, pos);
    if (!cp) return false;
    visit(*cp);
  }
  return true;
}

}  // namespace codec::utf8
