// Engine.IO: one WebSocket text frame, one binary frame, one long-polling body
// (packets separated by 0x1E, binary ones as "b<base64>"). The server decodes
// all three straight from client bytes.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "codec/engineio_packet.hpp"
#include "codec/utf8.hpp"
#include "fuzz_check.hpp"

namespace eio = codec::eio;

namespace {

void check_text_frame(std::string_view input) {
  const auto packet = eio::decode_text_frame(input);
  if (!packet) return;
  FUZZ_CHECK(!packet->binary);
  FUZZ_CHECK(codec::utf8::is_valid(input));
  FUZZ_CHECK(static_cast<char>(packet->type) >= '0' && static_cast<char>(packet->type) <= '6');
  // Lossless: the frame is exactly what encoding the packet gives.
  FUZZ_CHECK(eio::encode_text_frame(packet->type, packet->data) == input);
  // maxPayload is enforced.
  const auto tight = eio::decode_text_frame(input, input.size() - 1);
  FUZZ_CHECK(!tight && tight.error().kind == codec::CodecErrorKind::TooLarge);
}

void check_binary_frame(std::string_view input) {
  const auto packet = eio::decode_binary_frame(input);
  FUZZ_CHECK(packet.ok());
  FUZZ_CHECK(packet->binary && packet->type == eio::PacketType::Message && packet->data == input);
  if (!input.empty()) FUZZ_CHECK(!eio::decode_binary_frame(input, input.size() - 1));
}

void check_payload(std::string_view body) {
  const auto packets = eio::decode_payload(body);
  if (!packets) return;
  std::size_t parts = 1;
  for (const char c : body) parts += c == eio::kRecordSeparator ? 1 : 0;
  FUZZ_CHECK(packets->size() == parts);

  // Every part decodes on its own as it did inside the body, and the text
  // parts join back into the same body.
  std::vector<std::string> frames;
  std::size_t start = 0;
  for (const auto& packet : *packets) {
    std::size_t end = body.find(eio::kRecordSeparator, start);
    if (end == std::string_view::npos) end = body.size();
    const std::string_view part = body.substr(start, end - start);
    start = end + 1;
    if (packet.binary) {
      FUZZ_CHECK(!part.empty() && part.front() == 'b');
      FUZZ_CHECK(packet.type == eio::PacketType::Message);
      FUZZ_CHECK(packet.data.size() <= (part.size() - 1) * 3 / 4);
      frames.emplace_back(part);
    } else {
      const auto alone = eio::decode_text_frame(part);
      FUZZ_CHECK(alone.ok() && alone->type == packet.type && alone->data == packet.data);
      frames.push_back(eio::encode_text_frame(packet.type, packet.data));
    }
  }
  const std::vector<std::string_view> views(frames.begin(), frames.end());
  FUZZ_CHECK(eio::encode_payload(views) == body);

  const auto tight = eio::decode_payload(body, body.size() - 1);
  FUZZ_CHECK(!tight && tight.error().kind == codec::CodecErrorKind::TooLarge);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = chat_fuzz::as_text(data, size);
  check_text_frame(input);
  check_binary_frame(input);
  check_payload(input);
  return 0;
}
