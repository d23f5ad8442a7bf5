#include "chat_client/web_links.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include "codec/utf8.hpp"

namespace chat_client {

namespace {

bool is_ascii_alnum(unsigned char c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }

// The scheme's length ("http://": 7, "https://": 8) when `text` starts with
// one, in any letter case (schemes are case-insensitive); 0 otherwise.
std::size_t scheme_length(std::string_view text) {
  for (const std::string_view scheme : {std::string_view("https://"), std::string_view("http://")}) {
    if (text.size() < scheme.size()) continue;
    const bool same = std::equal(scheme.begin(), scheme.end(), text.begin(), [](char a, char b) {
      return a == static_cast<char>(static_cast<unsigned char>(b) | (b >= 'A' && b <= 'Z' ? 0x20 : 0));
    });
    if (same) return scheme.size();
  }
  return 0;
}

// A scheme glued to a word or to another URL's characters is part of
// something else ("xhttp://", "javascript:https://", "a.b/http://"): not a
// link start. After a space, a bracket, a quote or a non-ASCII letter it is.
bool may_start_after(unsigned char previous) {
  if (previous >= 0x80) return true;  // e.g. CJK text with no space before the link
  if (is_ascii_alnum(previous)) return false;
  constexpr std::string_view kGlue = ":/@.-_+~%=&?#";
  return kGlue.find(static_cast<char>(previous)) == std::string_view::npos;
}

// Characters that end a link: whitespace and controls, the characters RFC
// 3986 leaves out of URLs on purpose because text puts them around URLs, and
// Unicode spaces and the CJK and full-width punctuation that a sentence in
// those scripts puts right after a link with no space.
bool ends_link(char32_t c) {
  if (c <= 0x20 || (c >= 0x7F && c <= 0xA0)) return true;
  if (c == '<' || c == '>' || c == '"' || c == '`') return true;
  if ((c >= 0x2000 && c <= 0x200B) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F) return true;
  if (c >= 0x3000 && c <= 0x303F) return true;  // ideographic space, 、。「」 and the like
  if (c == 0xFEFF) return true;
  if ((c >= 0xFF01 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20) || (c >= 0xFF3B && c <= 0xFF40) ||
      (c >= 0xFF5B && c <= 0xFF65)) {
    return true;  // full-width punctuation: ！（），．：；？ and the like
  }
  return false;
}

// Punctuation at the end of a link that belongs to the sentence instead.
bool is_trailing_punctuation(char c) {
  constexpr std::string_view kTrailing = ".,:;!?'*";
  return kTrailing.find(c) != std::string_view::npos;
}

// A closing bracket at the end belongs to the link only when the link opened
// one like it (balanced), as in Wikipedia's "C_(language)".
bool is_unbalanced_close(std::string_view link) {
  const char close = link.back();
  const char open = close == ')' ? '(' : close == ']' ? '[' : close == '}' ? '{' : '\0';
  if (open == '\0') return false;
  return std::count(link.begin(), link.end(), open) < std::count(link.begin(), link.end(), close);
}

// Where the link starting at `begin` (its scheme `scheme` bytes long) ends,
// or nullopt when what follows the scheme is no host.
std::optional<std::size_t> link_end(std::string_view text, std::size_t begin, std::size_t scheme) {
  std::size_t end = begin + scheme;
  std::size_t pos = end;
  while (pos < text.size()) {
    const auto c = codec::utf8::decode_one(text, pos);
    if (!c || ends_link(*c)) break;
    end = pos;
  }
  // The sentence's punctuation goes, repeatedly: "(https://a.org/x)." ends at x.
  while (end > begin + scheme) {
    const std::string_view link = text.substr(begin, end - begin);
    if (!is_trailing_punctuation(link.back()) && !is_unbalanced_close(link)) break;
    --end;
  }
  // A host must follow: a letter or digit, any non-ASCII character (an
  // internationalised name) or an IPv6 address's bracket.
  if (end == begin + scheme) return std::nullopt;
  const auto first = static_cast<unsigned char>(text[begin + scheme]);
  if (!is_ascii_alnum(first) && first < 0x80 && first != '[') return std::nullopt;
  return end;
}

}  // namespace

std::vector<LinkSpan> find_web_links(std::string_view utf8) {
  std::vector<LinkSpan> links;
  std::size_t pos = 0;
  while (pos < utf8.size()) {
    // Only ASCII bytes can start a scheme, and a UTF-8 continuation byte is
    // never ASCII: stepping byte by byte never starts inside a character.
    const std::size_t scheme = scheme_length(utf8.substr(pos));
    if (scheme != 0 && (pos == 0 || may_start_after(static_cast<unsigned char>(utf8[pos - 1])))) {
      if (const auto end = link_end(utf8, pos, scheme)) {
        links.push_back(LinkSpan{pos, *end});
        pos = *end;
        continue;
      }
    }
    ++pos;
  }
  return links;
}

bool is_web_link(std::string_view url) {
  const auto links = find_web_links(url);
  return links.size() == 1 && links.front() == LinkSpan{0, url.size()};
}

}  // namespace chat_client
