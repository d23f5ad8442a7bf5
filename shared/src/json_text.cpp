#include "codec/json_text.hpp"

#include <charconv>

#include <nlohmann/json.hpp>

#include "codec/utf8.hpp"

namespace codec::json_text {

namespace {

// Control characters without a short escape are written as nlohmann writes
// them: \u and four lowercase hex digits.
void append_unicode_escape(std::string& out, unsigned char c) {
  constexpr char kHex[] = "0123456789abcdef";
  out += "\\u00";
  out.push_back(kHex[c >> 4]);
  out.push_back(kHex[c & 0xF]);
}

}  // namespace

void append_string(std::string& out, std::string_view value) {
  bool ascii = true;
  for (const char c : value) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  if (!ascii && !utf8::is_valid(value)) {
    // Rare (the chat checks texts and nicknames before storing them): let the
    // generic encoder decide what replaces each bad byte.
    out += nlohmann::json(std::string(value)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  out.reserve(out.size() + value.size() + 2);
  out.push_back('"');
  std::size_t plain = 0;  // start of the run of bytes copied as they are
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(value, plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: append_unicode_escape(out, c);
    }
  }
  out.append(value, plain);
  out.push_back('"');
}

void append_integer(std::string& out, std::int64_t value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, end);
}

}  // namespace codec::json_text
