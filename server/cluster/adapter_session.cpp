#include "cluster/adapter_session.hpp"

#include "cluster/base64.hpp"
#include "cluster/msgpack_limits.hpp"

namespace chatd::cluster {

namespace {

void pack_text(msgpack::packer<msgpack::sbuffer>& packer, std::string_view text) {
  packer.pack_str(static_cast<std::uint32_t>(text.size()));
  packer.pack_str_body(text.data(), static_cast<std::uint32_t>(text.size()));
}

std::optional<std::string> text_of(const msgpack::object& value) {
  if (value.type != msgpack::type::STR) return std::nullopt;
  return std::string(value.via.str.ptr, value.via.str.size);
}

}  // namespace

std::string encode_adapter_session(const AdapterSession& session) {
  msgpack::sbuffer buffer;
  msgpack::packer<msgpack::sbuffer> packer(&buffer);
  packer.pack_map(4);
  pack_text(packer, "sid");
  pack_text(packer, session.sid);
  pack_text(packer, "pid");
  pack_text(packer, session.pid);
  pack_text(packer, "rooms");
  packer.pack_array(static_cast<std::uint32_t>(session.rooms.size()));
  for (const auto& room : session.rooms) pack_text(packer, room);
  pack_text(packer, "data");
  if (session.nick) {
    packer.pack_map(1);
    pack_text(packer, "nick");
    pack_text(packer, *session.nick);
  } else {
    packer.pack_map(0);
  }
  return base64_encode(std::string_view(buffer.data(), buffer.size()));
}

::codec::Result<AdapterSession, ::codec::Failure> decode_adapter_session(std::string_view value) {
  const auto bytes = base64_decode(value);
  if (!bytes) return ::codec::Failure{"session: not base64"};
  try {
    const auto handle = unpack_one(*bytes);
    const auto& root = handle.get();
    if (root.type != msgpack::type::MAP) return ::codec::Failure{"session: not a map"};
    AdapterSession session;
    bool has_sid = false, has_pid = false, has_rooms = false;
    for (std::uint32_t i = 0; i < root.via.map.size; ++i) {
      const auto& [key, entry] = root.via.map.ptr[i];
      const auto name = text_of(key);
      if (!name) continue;
      if (*name == "sid") {
        auto sid = text_of(entry);
        if (!sid) return ::codec::Failure{"session: sid is not a string"};
        session.sid = std::move(*sid);
        has_sid = true;
      } else if (*name == "pid") {
        auto pid = text_of(entry);
        if (!pid) return ::codec::Failure{"session: pid is not a string"};
        session.pid = std::move(*pid);
        has_pid = true;
      } else if (*name == "rooms") {
        if (entry.type != msgpack::type::ARRAY) return ::codec::Failure{"session: rooms is not an array"};
        for (std::uint32_t r = 0; r < entry.via.array.size; ++r) {
          auto room = text_of(entry.via.array.ptr[r]);
          if (!room) return ::codec::Failure{"session: a room is not a string"};
          session.rooms.push_back(std::move(*room));
        }
        has_rooms = true;
      } else if (*name == "data" && entry.type == msgpack::type::MAP) {
        for (std::uint32_t d = 0; d < entry.via.map.size; ++d) {
          const auto& [data_key, data_value] = entry.via.map.ptr[d];
          if (text_of(data_key) == std::optional<std::string>("nick")) session.nick = text_of(data_value);
        }
      }
    }
    if (!has_sid || !has_pid || !has_rooms) return ::codec::Failure{"session: sid, pid or rooms missing"};
    return session;
  } catch (const std::exception& error) {
    return ::codec::Failure{std::string("session: not MessagePack: ") + error.what()};
  }
}

}  // namespace chatd::cluster
