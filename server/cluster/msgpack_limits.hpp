#pragma once
// How much a MessagePack value read from Redis may hold: msgpack-c allocates
// as the header says, so the header is bounded first.

#include <cstddef>
#include <string_view>

#include <msgpack.hpp>

namespace chatd::cluster {

inline constexpr std::size_t kMaxMsgpackDepth = 32;

// Unpacks exactly one value filling all of `bytes`; throws msgpack's
// exceptions (the callers catch them at their boundary).
inline msgpack::object_handle unpack_one(std::string_view bytes) {
  const msgpack::unpack_limit limit(/*array=*/100'000, /*map=*/100'000, /*str=*/16 << 20, /*bin=*/16 << 20,
                                    /*ext=*/1 << 20, /*depth=*/kMaxMsgpackDepth);
  std::size_t offset = 0;
  auto handle = msgpack::unpack(bytes.data(), bytes.size(), offset, nullptr, nullptr, limit);
  if (offset != bytes.size()) throw msgpack::type_error();  // trailing bytes: not one value
  return handle;
}

}  // namespace chatd::cluster
