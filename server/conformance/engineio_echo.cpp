#include "conformance/engineio_echo.hpp"

#include "codec/engineio_packet.hpp"
#include "engineio/session.hpp"

namespace chatd::conformance {

void EngineIoEcho::on_message(eio::Session& session, std::string_view data) {
  session.mark_established();
  session.send(::codec::eio::encode_text_frame(::codec::eio::PacketType::Message, data));
}

void EngineIoEcho::on_binary_message(eio::Session& session, std::string_view data) {
  session.mark_established();
  session.send(eio::make_frame(std::string(data), /*binary=*/true));
}

}  // namespace chatd::conformance
