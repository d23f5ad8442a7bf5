// UTF-8 and the chat rules on arbitrary bytes: codec::utf8 against an
// independent decoder written from the Unicode Standard's table of
// well-formed byte sequences (Table 3-7), and the invariants of
// codec::rules::trim / validate_nickname / validate_message; and codec::json_text,
// the direct JSON writer of the per-message packets, against
// nlohmann::json::dump (it must write the same bytes, valid UTF-8 or not).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "codec/chat_rules.hpp"
#include "codec/json_text.hpp"
#include "codec/utf8.hpp"
#include "fuzz_check.hpp"

namespace rules = codec::rules;
namespace utf8 = codec::utf8;

namespace {

// Unicode 15, Table 3-7: the well-formed UTF-8 byte sequences.
std::optional<std::vector<char32_t>> reference_decode(std::string_view text) {
  std::vector<char32_t> out;
  std::size_t i = 0;
  const auto at = [&](std::size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(text[k])); };
  const auto in = [](unsigned b, unsigned lo, unsigned hi) { return b >= lo && b <= hi; };
  while (i < text.size()) {
    const unsigned b0 = at(i);
    std::size_t n = 0;
    unsigned lo = 0x80, hi = 0xBF;  // range of the second byte
    if (b0 <= 0x7F) {
      out.push_back(b0);
      ++i;
      continue;
    } else if (in(b0, 0xC2, 0xDF)) {
      n = 2;
    } else if (b0 == 0xE0) {
      n = 3, lo = 0xA0;
    } else if (in(b0, 0xE1, 0xEC) || in(b0, 0xEE, 0xEF)) {
      n = 3;
    } else if (b0 == 0xED) {
      n = 3, hi = 0x9F;
    } else if (b0 == 0xF0) {
      n = 4, lo = 0x90;
    } else if (in(b0, 0xF1, 0xF3)) {
      n = 4;
    } else if (b0 == 0xF4) {
      n = 4, hi = 0x8F;
    } else {
      return std::nullopt;
    }
    if (i + n > text.size()) return std::nullopt;
    if (!in(at(i + 1), lo, hi)) return std::nullopt;
    for (std::size_t k = 2; k < n; ++k) {
      if (!in(at(i + k), 0x80, 0xBF)) return std::nullopt;
    }
    char32_t cp = b0 & (n == 2 ? 0x1Fu : n == 3 ? 0x0Fu : 0x07u);
    for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (at(i + k) & 0x3Fu);
    out.push_back(cp);
    i += n;
  }
  return out;
}

bool is_ascii_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

void check_utf8(std::string_view text, const std::optional<std::vector<char32_t>>& reference) {
  FUZZ_CHECK(utf8::is_valid(text) == reference.has_value());
  const auto count = utf8::count_code_points(text);
  FUZZ_CHECK(count.has_value() == reference.has_value());
  if (reference) FUZZ_CHECK(*count == reference->size());

  // decode_one agrees code point by code point, and stops where the reference does.
  std::vector<char32_t> decoded;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t before = pos;
    const auto cp = utf8::decode_one(text, pos);
    if (!cp) {
      FUZZ_CHECK(pos == before);
      break;
    }
    FUZZ_CHECK(pos > before && pos <= before + 4 && pos <= text.size());
    decoded.push_back(*cp);
  }
  if (reference)
    FUZZ_CHECK(decoded == *reference);
  else
    FUZZ_CHECK(pos < text.size());
}

void check_trim(std::string_view text, bool valid) {
  const std::string trimmed = rules::trim(text);
  // A substring: only spaces are cut, and only at the ends.
  FUZZ_CHECK(trimmed.size() <= text.size());
  FUZZ_CHECK(text.find(trimmed) != std::string_view::npos);
  FUZZ_CHECK(rules::trim(trimmed) == trimmed);
  if (valid) {
    FUZZ_CHECK(utf8::is_valid(trimmed));
    if (!trimmed.empty()) FUZZ_CHECK(!is_ascii_space(trimmed.front()) && !is_ascii_space(trimmed.back()));
    // Spaces added around are cut again.
    FUZZ_CHECK(rules::trim(" \t\u3000" + std::string(text) + "\u00a0\n ") == trimmed);
  }
}

void check_rules(std::string_view text, const std::optional<std::vector<char32_t>>& reference) {
  const auto nickname = rules::validate_nickname(text);
  const auto message = rules::validate_message(text);
  // Every refusal by a rule is Invalid: what the server answers with its reason.
  if (!nickname)
    FUZZ_CHECK(nickname.error().kind == codec::CodecErrorKind::Invalid && !nickname.error().reason.empty());
  if (!message) FUZZ_CHECK(message.error().kind == codec::CodecErrorKind::Invalid && !message.error().reason.empty());
  if (!reference) {
    FUZZ_CHECK(!nickname && !message);
    return;
  }
  if (nickname) {
    FUZZ_CHECK(!reference->empty() && reference->size() <= rules::kMaxNicknameLength);
    for (const char32_t cp : *reference) FUZZ_CHECK(cp >= 0x20 && !(cp >= 0x7F && cp <= 0x9F));
  }
  if (message) {
    FUZZ_CHECK(!reference->empty() && reference->size() <= rules::kMaxMessageLength);
    FUZZ_CHECK(!rules::trim(text).empty());
  } else if (!reference->empty() && reference->size() <= rules::kMaxMessageLength) {
    FUZZ_CHECK(rules::trim(text).empty());  // the only other reason to refuse
  }
}

void check_json_text(std::string_view text) {
  std::string direct = "[";
  codec::json_text::append_string(direct, text);
  direct += "]";
  const auto generic =
      nlohmann::json::array({std::string(text)}).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  FUZZ_CHECK(direct == generic);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = chat_fuzz::as_text(data, size);
  const auto reference = reference_decode(text);
  check_utf8(text, reference);
  check_trim(text, reference.has_value());
  check_rules(text, reference);
  check_json_text(text);
  return 0;
}
