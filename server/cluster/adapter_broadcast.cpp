#include "cluster/adapter_broadcast.hpp"

#include <time.h>

#include <algorithm>
#include <cstdio>

#include "cluster/base64.hpp"
#include "cluster/msgpack_limits.hpp"

namespace chatd::cluster {

using nlohmann::json;

namespace {

using Failure = ::codec::Failure;

// A msgpack timestamp (extension -1) as JavaScript's Date#toISOString writes
// it: what a Node.js node's clients get for a Date.
std::string iso_time(const msgpack::object_ext& ext) {
  const auto* p = reinterpret_cast<const unsigned char*>(ext.data());
  const auto be = [p](std::size_t at, std::size_t n) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v = (v << 8) | p[at + i];
    return v;
  };
  std::int64_t seconds = 0;
  std::uint64_t nanos = 0;
  if (ext.size == 4) {
    seconds = static_cast<std::int64_t>(be(0, 4));
  } else if (ext.size == 8) {
    const auto v = be(0, 8);
    nanos = v >> 34;
    seconds = static_cast<std::int64_t>(v & 0x3'ffff'ffffULL);
  } else if (ext.size == 12) {
    nanos = be(0, 4);
    seconds = static_cast<std::int64_t>(be(4, 8));
  } else {
    return {};
  }
  const time_t t = static_cast<time_t>(seconds);
  tm parts{};
  if (!gmtime_r(&t, &parts)) return {};
  char text[96];  // more than any year a 64-bit time_t gives
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1,
                parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec, static_cast<int>(nanos / 1'000'000));
  return text;
}

// msgpack -> JSON, binary values out into `attachments`.
json to_json(const msgpack::object& value, std::vector<std::string>& attachments) {
  switch (value.type) {
    case msgpack::type::NIL: return nullptr;
    case msgpack::type::BOOLEAN: return value.via.boolean;
    case msgpack::type::POSITIVE_INTEGER: return value.via.u64;
    case msgpack::type::NEGATIVE_INTEGER: return value.via.i64;
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64: return value.via.f64;
    case msgpack::type::STR: return std::string(value.via.str.ptr, value.via.str.size);
    case msgpack::type::BIN: {
      attachments.emplace_back(value.via.bin.ptr, value.via.bin.size);
      return json{{"_placeholder", true}, {"num", attachments.size() - 1}};
    }
    case msgpack::type::ARRAY: {
      json array = json::array();
      for (std::uint32_t i = 0; i < value.via.array.size; ++i) {
        array.push_back(to_json(value.via.array.ptr[i], attachments));
      }
      return array;
    }
    case msgpack::type::MAP: {
      json object = json::object();
      for (std::uint32_t i = 0; i < value.via.map.size; ++i) {
        const auto& key = value.via.map.ptr[i].key;
        std::string name;
        if (key.type == msgpack::type::STR) {
          name.assign(key.via.str.ptr, key.via.str.size);
        } else if (key.type == msgpack::type::POSITIVE_INTEGER) {
          name = std::to_string(key.via.u64);
        } else if (key.type == msgpack::type::NEGATIVE_INTEGER) {
          name = std::to_string(key.via.i64);
        } else {
          continue;  // the adapter's decoder refuses other keys; so do we, quietly
        }
        object[name] = to_json(value.via.map.ptr[i].val, attachments);
      }
      return object;
    }
    case msgpack::type::EXT: {
      if (value.via.ext.type() == -1) {
        auto text = iso_time(value.via.ext);
        if (!text.empty()) return text;
      }
      return nullptr;
    }
  }
  return nullptr;
}

std::size_t depth_of(const json& value, std::size_t limit) {
  if (limit == 0 || (!value.is_array() && !value.is_object())) return 1;
  std::size_t deepest = 0;
  for (const auto& item : value) deepest = std::max(deepest, depth_of(item, limit - 1));
  return deepest + 1;
}

::codec::Result<std::vector<std::string>, Failure> room_list(const json& opts, const char* name) {
  std::vector<std::string> rooms;
  const auto it = opts.find(name);
  if (it == opts.end()) return rooms;  // live delivery tolerates a missing list, as the adapter does
  if (!it->is_array()) return Failure{std::string("opts.") + name + " is not an array"};
  for (const auto& room : *it) {
    if (!room.is_string()) return Failure{std::string("a room in opts.") + name + " is not a string"};
    rooms.push_back(room.get<std::string>());
  }
  return rooms;
}

}  // namespace

::codec::Result<AdapterBroadcast, Failure> decode_adapter_broadcast(std::string_view data) {
  AdapterBroadcast broadcast;
  json root;
  if (!data.empty() && data.front() == '{') {
    root = json::parse(data, nullptr, /*allow_exceptions=*/false);
    if (root.is_discarded()) return Failure{"data is not JSON"};
  } else {
    const auto bytes = base64_decode(data);
    if (!bytes) return Failure{"data is neither JSON nor base64"};
    try {
      const auto handle = unpack_one(*bytes);
      root = to_json(handle.get(), broadcast.attachments);
    } catch (const std::exception& error) {
      return Failure{std::string("data is not MessagePack: ") + error.what()};
    }
  }
  if (depth_of(root, kMaxMsgpackDepth + 2) > kMaxMsgpackDepth + 1) return Failure{"data nests too deep"};
  if (!root.is_object()) return Failure{"data is not an object"};
  const auto packet = root.find("packet");
  if (packet == root.end() || !packet->is_object()) return Failure{"no packet"};
  const auto type = packet->find("type");
  if (type == packet->end() || !type->is_number_integer() || type->get<std::int64_t>() != 2) {
    return Failure{"not an EVENT packet"};
  }
  const auto args = packet->find("data");
  if (args == packet->end() || !args->is_array() || args->empty() || !args->front().is_string()) {
    return Failure{"the packet has no event name"};
  }
  broadcast.args = std::move(*args);
  if (packet->contains("id")) broadcast.takes_offset = false;
  const auto opts = root.find("opts");
  if (opts != root.end() && opts->is_object()) {
    auto rooms = room_list(*opts, "rooms");
    if (!rooms) return rooms.error();
    auto except = room_list(*opts, "except");
    if (!except) return except.error();
    broadcast.rooms = std::move(*rooms);
    broadcast.except = std::move(*except);
    if (const auto flags = opts->find("flags");
        flags != opts->end() && flags->is_object() && flags->contains("volatile")) {
      broadcast.takes_offset = false;
    }
  }
  return broadcast;
}

OutgoingPacket to_outgoing(const AdapterBroadcast& broadcast, const std::string& offset) {
  OutgoingPacket out;
  out.packet.type =
      broadcast.attachments.empty() ? ::codec::sio::PacketType::Event : ::codec::sio::PacketType::BinaryEvent;
  out.packet.nsp = "/";
  out.packet.data = broadcast.args;
  if (broadcast.takes_offset && !offset.empty()) out.packet.data.push_back(offset);
  out.packet.attachments = broadcast.attachments.size();
  out.attachments = broadcast.attachments;
  return out;
}

bool should_include(const std::vector<std::string>& session_rooms, const AdapterBroadcast& broadcast) {
  const auto listed = [](const std::vector<std::string>& list, const std::string& room) {
    return std::find(list.begin(), list.end(), room) != list.end();
  };
  const bool included =
      broadcast.rooms.empty() || std::any_of(session_rooms.begin(), session_rooms.end(),
                                             [&](const auto& r) { return listed(broadcast.rooms, r); });
  const bool excluded = std::any_of(session_rooms.begin(), session_rooms.end(),
                                    [&](const auto& r) { return listed(broadcast.except, r); });
  return included && !excluded;
}

}  // namespace chatd::cluster
