#pragma once
// What the server decodes from a client's Socket.IO packet text: the one
// helper the codec's event tests share.

#include <string>

#include <catch2/catch.hpp>

#include "codec/chat_events.hpp"

namespace codec_test {

inline codec::Result<codec::events::ClientEvent> client_event(const std::string& text) {
  auto packet = codec::sio::decode(text);
  REQUIRE(packet);
  return codec::events::decode_client_event(*packet);
}

}  // namespace codec_test
