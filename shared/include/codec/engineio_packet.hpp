#pragma once
// Engine.IO v4 packets (https://github.com/socketio/engine.io-protocol).
//
//   type     id  usage
//   open     0   sent by the server with the handshake JSON
//   close    1   request to close the transport
//   ping     2   heartbeat from the server (or "2probe" during upgrade)
//   pong     3   heartbeat answer (or "3probe")
//   message  4   carries a Socket.IO packet
//   upgrade  5   client finishes the upgrade to WebSocket
//   noop     6   flushes a pending long-poll during upgrade
//
// On a WebSocket, one text frame holds one packet ("<id><data>"); a binary
// frame is a message packet with raw binary data and no prefix.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "codec/result.hpp"

namespace codec::eio {

enum class PacketType : char {
  Open = '0',
  Close = '1',
  Ping = '2',
  Pong = '3',
  Message = '4',
  Upgrade = '5',
  Noop = '6',
};

struct Packet {
  PacketType type = PacketType::Noop;
  std::string data;
  bool binary = false;  // data is raw bytes from a binary frame
};

// The default maximum payload, as advertised by Node's engine.io.
inline constexpr std::size_t kDefaultMaxPayload = 1'000'000;

// Decodes one WebSocket text frame. Rejects empty frames, unknown types,
// invalid UTF-8 and frames longer than `max_payload`.
Result<Packet> decode_text_frame(std::string_view frame, std::size_t max_payload = kDefaultMaxPayload);

// Wraps the bytes of one WebSocket binary frame as a binary message packet.
Result<Packet> decode_binary_frame(std::string_view frame, std::size_t max_payload = kDefaultMaxPayload);

// "<id><data>": the text frame for a packet.
std::string encode_text_frame(PacketType type, std::string_view data = {});

struct Handshake {
  std::string sid;
  std::uint32_t ping_interval_ms = 25000;
  std::uint32_t ping_timeout_ms = 20000;
  std::size_t max_payload = kDefaultMaxPayload;
  bool can_upgrade_to_websocket = false;  // true only for a polling transport
};

// The open packet: 0{"sid":..,"upgrades":[..],"pingInterval":..,"pingTimeout":..,"maxPayload":..}
std::string encode_open(const Handshake& handshake);

// Reads the JSON of an open packet (client side).
Result<Handshake> decode_open(std::string_view json_text);

}  // namespace codec::eio

namespace codec::eio {

// ---- HTTP long-polling payloads ---------------------------------------------
// Several packets in one HTTP body, separated by the record separator 0x1E.
// Binary packets travel as "b" followed by base64.

inline constexpr char kRecordSeparator = '\x1e';

// Splits and decodes a POSTed body. Fails on the first bad packet.
Result<std::vector<Packet>> decode_payload(std::string_view body, std::size_t max_payload = kDefaultMaxPayload);

// Joins packets into a body: text frames ("<id><data>", as encode_text_frame
// makes them) and binary parts (as encode_binary_part makes them).
std::string encode_payload(const std::vector<std::string_view>& parts);

// "b" + base64: a binary message inside a long-polling payload.
std::string encode_binary_part(std::string_view bytes);

}  // namespace codec::eio
