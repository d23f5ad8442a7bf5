// Socket.IO: the text of one Engine.IO message packet, as the server's
// SocketIoServer::on_message hands it to codec::sio::decode.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "codec/socketio_packet.hpp"
#include "fuzz_check.hpp"

namespace sio = codec::sio;

namespace {

bool same_packet(const sio::Packet& a, const sio::Packet& b) {
  return a.type == b.type && a.nsp == b.nsp && a.ack_id == b.ack_id && a.attachments == b.attachments &&
         a.data == b.data;
}

void check_decoded(const sio::Packet& packet, const sio::DecodeLimits& limits) {
  const auto type = static_cast<int>(packet.type);
  FUZZ_CHECK(type >= 0 && type <= 6);
  FUZZ_CHECK(!packet.nsp.empty() && packet.nsp.front() == '/');
  FUZZ_CHECK(packet.nsp.size() <= limits.max_namespace_length);
  FUZZ_CHECK(packet.nsp.find(',') == std::string::npos);
  FUZZ_CHECK(packet.attachments <= limits.max_attachments);
  const bool binary = packet.type == sio::PacketType::BinaryEvent || packet.type == sio::PacketType::BinaryAck;
  if (!binary) FUZZ_CHECK(packet.attachments == 0);
  if (packet.ack_id) FUZZ_CHECK(*packet.ack_id <= sio::kMaxAckId);
  // What the server relies on without checking again (SocketIoServer::handle_event
  // reads the event name of any EVENT it could not decode as a chat event).
  if (packet.type == sio::PacketType::Event || packet.type == sio::PacketType::BinaryEvent) {
    FUZZ_CHECK(packet.data.is_array() && !packet.data.empty() && packet.data.front().is_string());
  }
  if (packet.type == sio::PacketType::Ack || packet.type == sio::PacketType::BinaryAck) {
    FUZZ_CHECK(packet.ack_id.has_value() && packet.data.is_array());
  }

  // Round trip: encoding a decoded packet gives text that decodes to the same
  // packet, and encoding that again gives the same text.
  const std::string text = sio::encode(packet);
  const auto again = sio::decode(text, limits);
  if (!again) {
    std::fprintf(stderr, "re-encoded packet does not decode: %s\ntext: %s\n", again.error().reason.c_str(),
                 text.c_str());
  }
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(same_packet(packet, *again));
  FUZZ_CHECK(sio::encode(*again) == text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = chat_fuzz::as_text(data, size);

  const sio::DecodeLimits defaults;
  const auto packet = sio::decode(input, defaults);
  if (packet) check_decoded(*packet, defaults);

  // Tight limits, so that the limit checks themselves get exercised.
  const sio::DecodeLimits tight{4, 1};
  const auto limited = sio::decode(input, tight);
  if (limited) {
    check_decoded(*limited, tight);
    FUZZ_CHECK(packet.ok() && same_packet(*packet, *limited));
  }
  return 0;
}
