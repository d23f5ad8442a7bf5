#pragma once
// The `data` of a BROADCAST (type 3) entry of the adapter's stream:
// {"packet": {"type": 2, "data": [event, ...args], "id"?}, "opts": {"rooms",
// "except", "flags"}}, as JSON text (starting with "{") or as
// base64(MessagePack) when it holds binary (docs/cluster.md). Written by
// other nodes: read with bounds, never trusted to be well-formed.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "codec/result.hpp"
#include "codec/socketio_packet.hpp"

namespace chatd::cluster {

struct AdapterBroadcast {
  // The event's arguments, the name first; binary values replaced by
  // Socket.IO's placeholders {"_placeholder": true, "num": n}.
  nlohmann::json args;
  std::vector<std::string> attachments;  // the binary values, in placeholder order
  std::vector<std::string> rooms;        // empty: every socket of the namespace
  std::vector<std::string> except;
  // Whether receivers append the entry id (the adapter's
  // addOffsetIfNecessary): an event without an ack id, not volatile.
  bool takes_offset = true;
};

// Only EVENT packets (type 2) with an argument array whose first element is
// a string; anything else is an error.
::codec::Result<AdapterBroadcast, ::codec::Failure> decode_adapter_broadcast(std::string_view data);

// What a node sends its clients for a broadcast: an EVENT, or a
// BINARY_EVENT with its attachments.
struct OutgoingPacket {
  ::codec::sio::Packet packet;
  std::vector<std::string> attachments;
  bool binary() const { return !attachments.empty(); }
};

// The broadcast as a packet to "/", with `offset` (the entry id) appended as
// the last argument when it takes one and `offset` is not empty.
OutgoingPacket to_outgoing(const AdapterBroadcast& broadcast, const std::string& offset);

// The adapter's shouldIncludePacket: whether a session in `session_rooms`
// gets `broadcast` when it is replayed.
bool should_include(const std::vector<std::string>& session_rooms, const AdapterBroadcast& broadcast);

}  // namespace chatd::cluster
