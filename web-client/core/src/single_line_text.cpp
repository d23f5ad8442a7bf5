#include "chat_client/single_line_text.hpp"

#include "codec/utf8.hpp"

namespace chat_client {

namespace {

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

std::string single_line_text(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  std::size_t pos = 0;
  bool after_cr = false;
  while (pos < utf8.size()) {
    const std::size_t start = pos;
    const auto cp = codec::utf8::decode_one(utf8, pos);
    if (!cp) {
      pos = start + 1;  // one byte at a time: resynchronise on the next lead byte
      append_utf8(out, 0xFFFD);
      after_cr = false;
      continue;
    }
    const bool crlf = after_cr && *cp == '\n';
    after_cr = *cp == '\r';
    if (crlf) continue;  // "\r\n" is one line break
    if (*cp == '\n' || *cp == '\r' || *cp == '\t') {
      out += ' ';
    } else if (*cp >= 0x20 && *cp != 0x7F && !(*cp >= 0x80 && *cp < 0xA0)) {
      append_utf8(out, *cp);
    }
  }
  return out;
}

}  // namespace chat_client
